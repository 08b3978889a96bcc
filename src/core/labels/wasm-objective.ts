/**
 * The logistic-regression objective over a feature matrix held in WebAssembly memory: the matrix copied in
 * once per cross-validation, one kernel instance per shape, and the objective and covariance that call the
 * kernels built in wasm-objective-module.ts. Where SIMD is unavailable or the matrix is too small or too
 * large, every entry point returns null and the JS loops in logistic-regression.ts run instead.
 */
import { GRADIENT_ROWS, objectiveModuleBytes, type ObjectiveShape } from './wasm-objective-module';

/** Feature matrices above this many bytes (as stored) stay in the JS heap, solved by the JS loops. */
const MAX_FEATURE_BYTES = 1 << 30;
/** Below this many multiply-adds per pass the JS loops are as fast, and no memory is reserved. */
const MIN_VALUES = 1 << 14;
/** Columns up to which the covariance (for the dense preconditioner, ≤ 768 columns) also runs in wasm. */
const GRAM_MAX_COLS = 768;
/** Rows per call of the covariance: centred in JS into this many f64 rows, then one kernel call. */
const GRAM_CHUNK = 64;

export interface WasmFeatures {
  readonly memory: WebAssembly.Memory;
  readonly rows: number;
  readonly cols: number;
  readonly dPad: number;
  readonly elem: 4 | 8;
  /** Byte offsets: X, the row list, W, the logits/residuals, the gradient. */
  readonly xPtr: number;
  readonly idxPtr: number;
  readonly wPtr: number;
  readonly zPtr: number;
  readonly gPtr: number;
  /** Largest padded class count the buffers hold. */
  readonly maxMPad: number;
  /** The covariance's buffers (featureCovariance through the gradient kernel), when d ≤ GRAM_MAX_COLS: row list, centred rows, result. */
  readonly gram: { idxPtr: number; rPtr: number; gPtr: number; group: number; mPad: number } | null;
  readonly instances: Map<string, Kernels>;
}

interface Kernels {
  logits(idx: number, pairs: number, w: number, z: number): void;
  gradient(idx: number, blocks: number, r: number, g: number): void;
}

const modules = new Map<string, WebAssembly.Module | null>();
let simdUnavailable = false;

/** Classes per group and padded class count for m classes: at most 6 per group, as few groups as possible. */
export function classGroups(m: number): { group: number; mPad: number } {
  const groups = Math.ceil(m / 6);
  const group = Math.ceil(m / groups);
  return { group, mPad: group * groups };
}

function compile(shape: ObjectiveShape): WebAssembly.Module | null {
  const key = `${shape.dPad},${shape.group},${shape.mPad},${shape.elem},${shape.triangular === true}`;
  if (modules.has(key)) return modules.get(key)!;
  let module: WebAssembly.Module | null = null;
  try {
    const bytes = objectiveModuleBytes(shape);
    if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    else simdUnavailable = true;
  } catch {
    module = null;
  }
  modules.set(key, module);
  return module;
}

/**
 * Copies X into a wasm memory laid out for the objective kernels, for fits with up to numClasses classes;
 * null where WebAssembly SIMD is unavailable (or refused by the page's CSP), or X is too small or too large.
 * One copy serves every fold of a cross-validation.
 */
export function prepareWasmFeatures(
  X: { data: Float32Array | Float64Array; rows: number; cols: number },
  numClasses: number,
): WasmFeatures | null {
  if (simdUnavailable || typeof WebAssembly !== 'object' || typeof WebAssembly.Memory !== 'function') return null;
  const { rows, cols } = X;
  if (rows * cols * Math.max(2, numClasses) < MIN_VALUES || numClasses < 2) return null;
  const elem: 4 | 8 = X.data instanceof Float32Array ? 4 : 8;
  const dPad = cols + (cols % 2);
  const maxMPad = Math.max(...Array.from({ length: numClasses - 1 }, (_, i) => classGroups(i + 2).mPad));
  const paddedRows = rows + 2 * GRADIENT_ROWS;
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const xPtr = 0;
  const idxPtr = align(xPtr + rows * dPad * elem);
  const wPtr = align(idxPtr + paddedRows * 4);
  const zPtr = wPtr + maxMPad * dPad * 8;
  const gPtr = zPtr + paddedRows * maxMPad * 8;
  let total = gPtr + maxMPad * dPad * 8;
  let gram: WasmFeatures['gram'] = null;
  if (cols <= GRAM_MAX_COLS) {
    const { group, mPad } = classGroups(dPad);
    const gramIdx = align(total);
    const rPtr = align(gramIdx + GRAM_CHUNK * 4);
    const gramG = rPtr + GRAM_CHUNK * mPad * 8;
    gram = { idxPtr: gramIdx, rPtr, gPtr: gramG, group, mPad };
    total = gramG + mPad * dPad * 8;
  }
  if (rows * dPad * elem > MAX_FEATURE_BYTES) return null;
  // Probe that SIMD compiles here at all, with the smallest shape.
  if (!compile({ dPad: 2, group: 1, mPad: 1, elem })) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(total / 65536) });
  } catch {
    return null;
  }
  if (elem === 4) {
    const view = new Float32Array(memory.buffer, xPtr, rows * dPad);
    if (dPad === cols) view.set(X.data as Float32Array);
    else for (let r = 0; r < rows; r++) view.set(X.data.subarray(r * cols, (r + 1) * cols), r * dPad);
  } else {
    const view = new Float64Array(memory.buffer, xPtr, rows * dPad);
    if (dPad === cols) view.set(X.data);
    else for (let r = 0; r < rows; r++) view.set(X.data.subarray(r * cols, (r + 1) * cols), r * dPad);
  }
  return { memory, rows, cols, dPad, elem, xPtr, idxPtr, wPtr, zPtr, gPtr, maxMPad, gram, instances: new Map() };
}

function kernelsFor(features: WasmFeatures, shape: ObjectiveShape): Kernels | null {
  const key = `${shape.group},${shape.mPad},${shape.triangular === true}`;
  const cached = features.instances.get(key);
  if (cached) return cached;
  const module = compile(shape);
  if (!module) return null;
  const instance = new WebAssembly.Instance(module, { env: { memory: features.memory } });
  const kernels = instance.exports as unknown as Kernels;
  features.instances.set(key, kernels);
  return kernels;
}

/**
 * The objective of makeObjective (logistic-regression.ts) — same parameters, same values up to the order of
 * the additions — with both passes over X in WebAssembly SIMD. null when no kernel can be had for this shape.
 */
export function makeWasmObjective(
  features: WasmFeatures,
  rows: Int32Array,
  target: Int32Array,
  m: number,
  mean: Float64Array,
  C: number,
): ((theta: Float64Array, grad: Float64Array) => number) | null {
  const { group, mPad } = classGroups(m);
  if (mPad > features.maxMPad) return null;
  const { dPad, elem, cols: d } = features;
  const kernels = kernelsFor(features, { dPad, group, mPad, elem });
  if (!kernels) return null;
  const n = rows.length;
  const blocks = Math.ceil(n / GRADIENT_ROWS);
  const padded = blocks * GRADIENT_ROWS;
  const buffer = features.memory.buffer;
  const idx = new Int32Array(buffer, features.idxPtr, padded);
  const rowBytes = dPad * elem;
  for (let r = 0; r < n; r++) idx[r] = features.xPtr + rows[r] * rowBytes;
  for (let r = n; r < padded; r++) idx[r] = idx[0];
  const pairsPerGroup = dPad / 2;
  const w = new Float64Array(buffer, features.wPtr, mPad * dPad);
  const z = new Float64Array(buffer, features.zPtr, padded * mPad);
  const g = new Float64Array(buffer, features.gPtr, mPad * dPad);
  w.fill(0);
  /** Position of (class k, column j) in the grouped layout of W and the gradient. */
  const at = new Int32Array(m * d);
  for (let k = 0; k < m; k++) {
    const gi = Math.floor(k / group),
      c = k % group;
    for (let j = 0; j < d; j++) at[k * d + j] = ((gi * pairsPerGroup + (j >> 1)) * group + c) * 2 + (j & 1);
  }
  const shift = new Float64Array(m);
  const totals = new Float64Array(m);
  const pairs = Math.ceil(n / 2);
  return (theta: Float64Array, grad: Float64Array): number => {
    for (let k = 0; k < m; k++) {
      let wMu = 0;
      const base = k * d;
      for (let j = 0; j < d; j++) {
        const v = theta[base + j];
        w[at[base + j]] = v;
        wMu += v * mean[j];
      }
      shift[k] = theta[m * d + k] - wMu;
    }
    kernels.logits(features.idxPtr, pairs, features.wPtr, features.zPtr);
    totals.fill(0);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const base = r * mPad;
      let maxLogit = -Infinity;
      for (let k = 0; k < m; k++) {
        const v = z[base + k] + shift[k];
        z[base + k] = v;
        if (v > maxLogit) maxLogit = v;
      }
      const label = target[r];
      const labelMargin = z[base + label] - maxLogit;
      let sumExp = 0;
      for (let k = 0; k < m; k++) {
        const e = Math.exp(z[base + k] - maxLogit);
        sumExp += e;
        z[base + k] = e;
      }
      loss += Math.log(sumExp) - labelMargin;
      const inv = 1 / sumExp;
      for (let k = 0; k < m; k++) {
        const residual = z[base + k] * inv - (k === label ? 1 : 0);
        z[base + k] = residual;
        totals[k] += residual;
      }
      for (let k = m; k < mPad; k++) z[base + k] = 0;
    }
    z.fill(0, n * mPad, padded * mPad);
    g.fill(0);
    kernels.gradient(features.idxPtr, blocks, features.zPtr, features.gPtr);
    let penalty = 0;
    const invN = 1 / n,
      ridge = 1 / (C * n);
    for (let k = 0; k < m; k++) {
      const total = totals[k];
      const base = k * d;
      for (let j = 0; j < d; j++) {
        const wv = theta[base + j];
        penalty += wv * wv;
        grad[base + j] = (g[at[base + j]] - mean[j] * total) * invN + wv * ridge;
      }
      grad[m * d + k] = total * invN;
    }
    return loss * invN + 0.5 * penalty * ridge;
  };
}

/**
 * Covariance of the given rows of X (d×d row-major, divided by the row count), as featureCovariance
 * (preconditioner.ts) computes it, with the products in the gradient kernel: the rows are centred in JS,
 * chunk by chunk, and the kernel accumulates Σ (x − μ)ₐ · x_b for b ≤ a (the lower triangle; triangular
 * shape); subtracting μ_b · Σ (x − μ)ₐ leaves Σ (x − μ)ₐ (x − μ)_b. null when the features have no covariance buffers or no kernel compiles.
 */
export function wasmCovariance(
  features: WasmFeatures,
  X: { data: Float32Array | Float64Array; cols: number },
  rows: Int32Array,
): Float64Array | null {
  const gram = features.gram;
  if (!gram || rows.length === 0) return null;
  const { dPad, elem, cols: d } = features;
  const kernels = kernelsFor(features, { dPad, group: gram.group, mPad: gram.mPad, elem, triangular: true });
  if (!kernels) return null;
  const x = X.data;
  const count = rows.length;
  const mean = new Float64Array(d);
  for (let r = 0; r < count; r++) {
    const off = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += x[off + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= count;
  const buffer = features.memory.buffer;
  const idx = new Int32Array(buffer, gram.idxPtr, GRAM_CHUNK);
  const centred = new Float64Array(buffer, gram.rPtr, GRAM_CHUNK * gram.mPad);
  const g = new Float64Array(buffer, gram.gPtr, gram.mPad * dPad);
  g.fill(0);
  centred.fill(0);
  const sums = new Float64Array(d);
  const rowBytes = dPad * elem;
  for (let start = 0; start < count; start += GRAM_CHUNK) {
    const n = Math.min(GRAM_CHUNK, count - start);
    for (let i = 0; i < n; i++) {
      const off = rows[start + i] * d;
      idx[i] = features.xPtr + rows[start + i] * rowBytes;
      const base = i * gram.mPad;
      for (let j = 0; j < d; j++) {
        const c = x[off + j] - mean[j];
        centred[base + j] = c;
        sums[j] += c;
      }
    }
    const blocks = Math.ceil(n / GRADIENT_ROWS);
    for (let i = n; i < blocks * GRADIENT_ROWS; i++) {
      idx[i] = idx[0];
      centred.fill(0, i * gram.mPad, (i + 1) * gram.mPad);
    }
    kernels.gradient(gram.idxPtr, blocks, gram.rPtr, gram.gPtr);
  }
  const pairs = dPad / 2;
  const at = (a: number, b: number) =>
    ((Math.floor(a / gram.group) * pairs + (b >> 1)) * gram.group + (a % gram.group)) * 2 + (b & 1);
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = (g[at(a, b)] - mean[b] * sums[a]) / count;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}
