/**
 * Multinomial logistic regression with an L2 penalty, the objective of scikit-learn's
 * LogisticRegression(C, multi_class='multinomial'): minimise Σᵢ log-loss + ||W||²/(2C) with one weight
 * vector per class and an unpenalised intercept, solved with L-BFGS.
 *
 * Features are centred implicitly (x − μ) while solving. Because the intercept is unpenalised this
 * leaves the optimum unchanged (b absorbs W·μ) but decouples the intercept from the weights, which
 * makes the problem far better conditioned than on raw, non-centred embeddings.
 */
import { CancelledError } from '../cancel';
import { minimizeLbfgs, type LbfgsResult, type LbfgsStatus } from './lbfgs';
import { buildPreconditioner } from './preconditioner';
import { makeWasmObjective, prepareWasmFeatures, type WasmFeatures } from './wasm-objective';

/** Dense row-major matrix: rows × cols values in `data`. */
export interface FeatureMatrix {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

/** The subset of AbortSignal the solver needs, so a plain object works in tests and workers. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** 'auto' preconditioning: iterations without the preconditioner before it is built (well-conditioned features converge in fewer). */
export const PRECONDITION_AFTER_ITERATIONS = 25;

export interface FitProgress {
  iteration: number;
  /** Mean penalised log-loss (the objective divided by the number of rows). */
  value: number;
  /** max |gradient| of that mean objective; the fit stops once it reaches the tolerance. */
  gradientNorm: number;
}

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as in scikit-learn (default 1). */
  C?: number;
  /** Stop when max |∇ (objective / n)| ≤ this (default 1e-7). */
  tolerance?: number;
  maxIterations?: number;
  /**
   * Two classes only: 'softmax' (default) fits two weight vectors like multi_class='multinomial';
   * 'sigmoid' reproduces scikit-learn's default binary model (one vector, penalty ||w||²/(2C)).
   * The two are the same family: a symmetric two-vector softmax with C/2 is that sigmoid model.
   */
  binaryModel?: 'softmax' | 'sigmoid';
  /**
   * Scale search directions by an inverse-Hessian approximation built from the feature covariance
   * (default true). Same optimum; far fewer iterations on correlated features such as embeddings.
   * 'auto': start without it and build it only if the fit has not converged after
   * PRECONDITION_AFTER_ITERATIONS iterations (then fit again from the start with it): on well-conditioned features the
   * covariance, its factorisation and the solves cost more than the iterations they save.
   */
  precondition?: boolean | 'auto';
  /**
   * Feature covariance for the preconditioner (d×d; for more than 768 features, the d variances),
   * e.g. computed once for all folds with featureStatistics (preconditioner.ts), or a function that computes
   * it when first needed; default: from the training rows.
   */
  featureCovariance?: Float64Array | (() => Float64Array);
  /** Rows of X to train on (default all). */
  rowIndices?: ArrayLike<number>;
  /** Start from this model's solution (e.g. the previous fold) instead of zeros. */
  warmStart?: LogisticModel;
  onIteration?: (progress: FitProgress) => void;
  signal?: AbortSignalLike;
  /**
   * Where the passes over X run: 'auto' (default) uses the WebAssembly SIMD kernels (wasm-objective.ts)
   * when they are available, 'js' the plain loops. Same objective either way.
   */
  kernel?: 'auto' | 'js';
  /** X already copied into wasm memory (prepareWasmFeatures), e.g. once for all folds; default: copied here. */
  wasmFeatures?: WasmFeatures | null;
}

export interface LogisticModel {
  /** Number of output columns (all classes, including ones absent from the training rows). */
  numClasses: number;
  numFeatures: number;
  /** Classes that had training rows; only these have weights. Absent classes get probability 0. */
  classes: number[];
  /** [classes.length × numFeatures] row-major, on the raw (uncentred) features. */
  weights: Float64Array;
  /** [classes.length], on the raw features. */
  intercepts: Float64Array;
  iterations: number;
  /** Objective evaluations, including line-search trials. */
  evaluations: number;
  gradientNorm: number;
  status: LbfgsStatus;
  /** Whether the solver used the covariance preconditioner (with precondition 'auto': only after its budget). */
  preconditioned?: boolean;
}

/** The core's one cancellation error (the signal's own reason would be a DOMException in the browser). */
export function abortError(_signal: AbortSignalLike): Error {
  return new CancelledError('The operation was aborted.');
}

function dotRow(x: Float32Array | Float64Array, xOffset: number, w: Float64Array, wOffset: number, d: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const end = d - (d % 4);
  let j = 0;
  for (; j < end; j += 4) {
    s0 += x[xOffset + j] * w[wOffset + j];
    s1 += x[xOffset + j + 1] * w[wOffset + j + 1];
    s2 += x[xOffset + j + 2] * w[wOffset + j + 2];
    s3 += x[xOffset + j + 3] * w[wOffset + j + 3];
  }
  for (; j < d; j++) s0 += x[xOffset + j] * w[wOffset + j];
  return s0 + s1 + (s2 + s3);
}

function columnMeans(X: FeatureMatrix, rows: ArrayLike<number>): Float64Array {
  const d = X.cols,
    mean = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    const off = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += X.data[off + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= rows.length;
  return mean;
}

/** Rows processed together: each weight loaded in the dot products and each gradient entry updated serves 8 rows. */
const ROW_BLOCK = 8;

/**
 * Softmax of the logits of `count` rows held in `logits` (row-major, m per row), replaced in place
 * by the residuals p − onehot(label). Returns the rows' summed log-loss.
 */
function residualsInPlace(
  logits: Float64Array,
  count: number,
  m: number,
  target: Int32Array,
  firstRow: number,
): number {
  let loss = 0;
  for (let b = 0; b < count; b++) {
    const base = b * m;
    let maxLogit = -Infinity;
    for (let k = 0; k < m; k++) if (logits[base + k] > maxLogit) maxLogit = logits[base + k];
    const label = target[firstRow + b];
    const labelMargin = logits[base + label] - maxLogit;
    let sumExp = 0;
    for (let k = 0; k < m; k++) {
      const e = Math.exp(logits[base + k] - maxLogit);
      sumExp += e;
      logits[base + k] = e;
    }
    loss += Math.log(sumExp) - labelMargin;
    const inv = 1 / sumExp;
    for (let k = 0; k < m; k++) logits[base + k] *= inv;
    logits[base + label] -= 1;
  }
  return loss;
}

/**
 * Objective and gradient over the training rows, parameters θ = [W (m×d) | b (m)] in centred space:
 * f = Σ log-loss / n + ||W||² / (2Cn), whose gradient is (Rᵀ(X − μ))/n + W/(Cn) with R = P − Y.
 * Rows go in blocks of 4 so that every weight and gradient value touched is reused 4 times; there
 * is no allocation per call.
 */
export function makeObjective(
  X: FeatureMatrix,
  rows: Int32Array,
  target: Int32Array,
  m: number,
  mean: Float64Array,
  C: number,
): (theta: Float64Array, grad: Float64Array) => number {
  const d = X.cols,
    n = rows.length,
    x = X.data;
  const block = new Float64Array(ROW_BLOCK * m);
  const shift = new Float64Array(m);
  const residualTotals = new Float64Array(m);
  return (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    residualTotals.fill(0);
    for (let k = 0; k < m; k++) {
      let wMu = 0;
      for (let j = 0; j < d; j++) wMu += theta[k * d + j] * mean[j];
      shift[k] = theta[m * d + k] - wMu;
    }
    let loss = 0;
    let r = 0;
    for (; r + ROW_BLOCK <= n; r += ROW_BLOCK) {
      const o0 = rows[r] * d,
        o1 = rows[r + 1] * d,
        o2 = rows[r + 2] * d,
        o3 = rows[r + 3] * d;
      const o4 = rows[r + 4] * d,
        o5 = rows[r + 5] * d,
        o6 = rows[r + 6] * d,
        o7 = rows[r + 7] * d;
      for (let k = 0; k < m; k++) {
        const wOff = k * d;
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0,
          s4 = 0,
          s5 = 0,
          s6 = 0,
          s7 = 0;
        for (let j = 0; j < d; j++) {
          const w = theta[wOff + j];
          s0 += x[o0 + j] * w;
          s1 += x[o1 + j] * w;
          s2 += x[o2 + j] * w;
          s3 += x[o3 + j] * w;
          s4 += x[o4 + j] * w;
          s5 += x[o5 + j] * w;
          s6 += x[o6 + j] * w;
          s7 += x[o7 + j] * w;
        }
        const sh = shift[k];
        block[k] = sh + s0;
        block[m + k] = sh + s1;
        block[2 * m + k] = sh + s2;
        block[3 * m + k] = sh + s3;
        block[4 * m + k] = sh + s4;
        block[5 * m + k] = sh + s5;
        block[6 * m + k] = sh + s6;
        block[7 * m + k] = sh + s7;
      }
      loss += residualsInPlace(block, ROW_BLOCK, m, target, r);
      for (let k = 0; k < m; k++) {
        const r0 = block[k],
          r1 = block[m + k],
          r2 = block[2 * m + k],
          r3 = block[3 * m + k];
        const r4 = block[4 * m + k],
          r5 = block[5 * m + k],
          r6 = block[6 * m + k],
          r7 = block[7 * m + k];
        residualTotals[k] += r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
        const gOff = k * d;
        for (let j = 0; j < d; j++) {
          grad[gOff + j] +=
            r0 * x[o0 + j] +
            r1 * x[o1 + j] +
            r2 * x[o2 + j] +
            r3 * x[o3 + j] +
            (r4 * x[o4 + j] + r5 * x[o5 + j] + r6 * x[o6 + j] + r7 * x[o7 + j]);
        }
      }
    }
    for (; r < n; r++) {
      const off = rows[r] * d;
      for (let k = 0; k < m; k++) block[k] = shift[k] + dotRow(x, off, theta, k * d, d);
      loss += residualsInPlace(block, 1, m, target, r);
      for (let k = 0; k < m; k++) {
        const residual = block[k];
        residualTotals[k] += residual;
        const gOff = k * d;
        for (let j = 0; j < d; j++) grad[gOff + j] += residual * x[off + j];
      }
    }
    let penalty = 0;
    const invN = 1 / n,
      ridge = 1 / (C * n);
    for (let k = 0; k < m; k++) {
      const total = residualTotals[k];
      for (let j = 0; j < d; j++) {
        const idx = k * d + j;
        const w = theta[idx];
        penalty += w * w;
        // Centring correction: Σ r (x − μ) = Σ r x − μ Σ r.
        grad[idx] = (grad[idx] - mean[j] * total) * invN + w * ridge;
      }
      grad[m * d + k] = total * invN;
    }
    return loss * invN + 0.5 * penalty * ridge;
  };
}

export function fitLogisticRegression(
  X: FeatureMatrix,
  labels: ArrayLike<number>,
  numClasses: number,
  options: LogisticRegressionOptions = {},
): LogisticModel {
  const C = options.C ?? 1;
  if (!(C > 0)) throw new Error(`C must be positive, got ${C}.`);
  if (labels.length !== X.rows) throw new Error(`Shape mismatch: ${labels.length} labels for ${X.rows} feature rows.`);
  if (X.data.length !== X.rows * X.cols)
    throw new Error(`Feature data has ${X.data.length} values, expected ${X.rows}×${X.cols}.`);
  const rows = options.rowIndices
    ? Int32Array.from(options.rowIndices)
    : Int32Array.from({ length: X.rows }, (_, i) => i);
  if (rows.length === 0) throw new Error('No training rows.');
  const d = X.cols;

  const present = new Array<boolean>(numClasses).fill(false);
  for (let r = 0; r < rows.length; r++) {
    const y = labels[rows[r]];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses)
      throw new Error(`Row ${rows[r]} has label ${y}, outside 0..${numClasses - 1}.`);
    present[y] = true;
  }
  const classes = present.flatMap((p, k) => (p ? [k] : []));
  const m = classes.length;
  if (m < 2) throw new Error(`The training rows contain only one class (${classes[0]}); at least 2 are needed.`);
  const position = new Int32Array(numClasses).fill(-1);
  classes.forEach((k, j) => (position[k] = j));
  const target = Int32Array.from({ length: rows.length }, (_, r) => position[labels[rows[r]]]);

  const mean = columnMeans(X, rows);
  const start = new Float64Array(m * d + m);
  const warm = options.warmStart;
  if (warm && warm.numFeatures === d) {
    warm.classes.forEach((k, wj) => {
      const j = position[k];
      if (j < 0) return;
      let wMu = 0;
      for (let f = 0; f < d; f++) {
        start[j * d + f] = warm.weights[wj * d + f];
        wMu += warm.weights[wj * d + f] * mean[f];
      }
      start[m * d + j] = warm.intercepts[wj] + wMu;
    });
  }

  const signal = options.signal;
  if (signal?.aborted) throw abortError(signal);
  const effectiveC = m === 2 && options.binaryModel === 'sigmoid' ? C / 2 : C;
  const features =
    options.kernel === 'js'
      ? null
      : options.wasmFeatures !== undefined
        ? options.wasmFeatures
        : prepareWasmFeatures(X, numClasses);
  const objective =
    (features && makeWasmObjective(features, rows, target, m, mean, effectiveC)) ??
    makeObjective(X, rows, target, m, mean, effectiveC);
  const maxIterations = options.maxIterations ?? 10_000;
  const lbfgsOptions = {
    gradientTolerance: options.tolerance ?? 1e-7,
    maxIterations,
    onIteration: (state: FitProgress) => {
      options.onIteration?.(state);
      if (signal?.aborted) throw abortError(signal);
    },
  };
  const preconditioner = () =>
    buildPreconditioner(
      X,
      rows,
      m,
      effectiveC,
      typeof options.featureCovariance === 'function' ? options.featureCovariance() : options.featureCovariance,
    );
  let result: LbfgsResult;
  let preconditioned = options.precondition !== false;
  if (options.precondition === 'auto') {
    const budget = Math.min(PRECONDITION_AFTER_ITERATIONS, maxIterations);
    const first = minimizeLbfgs(objective, start, { ...lbfgsOptions, maxIterations: budget });
    preconditioned = !(first.status === 'converged' || first.iterations >= maxIterations);
    if (!preconditioned) result = first;
    else {
      // From the same start, not from where the budget ran out: continuing there with a fresh memory and
      // the new metric can stall on the first step (seen in the unit test), while this is the path
      // precondition: true takes.
      const rest = minimizeLbfgs(objective, start, {
        ...lbfgsOptions,
        maxIterations: maxIterations - first.iterations,
        preconditioner: preconditioner(),
        onIteration: (state) => lbfgsOptions.onIteration({ ...state, iteration: state.iteration + first.iterations }),
      });
      result = {
        ...rest,
        iterations: rest.iterations + first.iterations,
        evaluations: rest.evaluations + first.evaluations,
      };
    }
  } else {
    result = minimizeLbfgs(objective, start, {
      ...lbfgsOptions,
      preconditioner: options.precondition === false ? undefined : preconditioner(),
    });
  }
  const weights = result.x.slice(0, m * d);
  const intercepts = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let wMu = 0;
    for (let j = 0; j < d; j++) wMu += weights[k * d + j] * mean[j];
    intercepts[k] = result.x[m * d + k] - wMu;
  }
  return {
    numClasses,
    numFeatures: d,
    classes,
    weights,
    intercepts,
    iterations: result.iterations,
    evaluations: result.evaluations,
    gradientNorm: result.gradientNorm,
    status: result.status,
    preconditioned,
  };
}

/**
 * Class probabilities for the given rows (default all), written row-major into a [rows × numClasses]
 * Float64Array; classes without training rows get 0.
 */
export function predictProba(
  model: LogisticModel,
  X: FeatureMatrix,
  rowIndices?: ArrayLike<number>,
  out?: Float64Array,
): Float64Array {
  if (X.cols !== model.numFeatures) throw new Error(`Model expects ${model.numFeatures} features, got ${X.cols}.`);
  const rows = rowIndices ?? Int32Array.from({ length: X.rows }, (_, i) => i);
  const K = model.numClasses,
    m = model.classes.length,
    d = X.cols;
  const result = out ?? new Float64Array(rows.length * K);
  const logits = new Float64Array(m);
  for (let r = 0; r < rows.length; r++) {
    const off = rows[r] * d;
    let maxLogit = -Infinity;
    for (let k = 0; k < m; k++) {
      const z = model.intercepts[k] + dotRow(X.data, off, model.weights, k * d, d);
      logits[k] = z;
      if (z > maxLogit) maxLogit = z;
    }
    let sumExp = 0;
    for (let k = 0; k < m; k++) sumExp += Math.exp(logits[k] - maxLogit);
    const base = r * K;
    for (let k = 0; k < K; k++) result[base + k] = 0;
    for (let k = 0; k < m; k++) result[base + model.classes[k]] = Math.exp(logits[k] - maxLogit) / sumExp;
  }
  return result;
}
