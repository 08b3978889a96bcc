/**
 * A fixed preconditioner for the softmax objective: an approximation of its Hessian, inverted once.
 * With centred features each class's weight block has curvature ≈ a·Cov(x) + I/(Cn), with a = (m−1)/m²
 * the curvature of a uniform softmax, and the intercepts ≈ a. Embeddings are strongly correlated,
 * so Cov(x) is far from the identity and plain L-BFGS needs hundreds of iterations; scaling the
 * search directions by this inverse brings that down a lot. The optimum is untouched: only the path
 * to it changes.
 */
import type { FeatureMatrix } from './logistic-regression';
import { wasmCovariance, type WasmFeatures } from './wasm-objective';

/** Keeps the factorisation stable when features are (nearly) collinear. */
const RELATIVE_JITTER = 1e-6;
/** Above this many features a d×d factorisation costs more than it saves: scale per feature instead. */
export const DENSE_PRECONDITIONER_MAX_FEATURES = 768;
/** Multiply-adds allowed for the covariance (rows × d²/2); beyond it an even sample of rows is used. */
const COVARIANCE_BUDGET = 1e9;

/** Evenly spaced rows (all of them when within the budget), so the cost stays bounded for big inputs. */
export function covarianceRows(totalRows: number, d: number): Int32Array {
  const count = Math.max(1, Math.min(totalRows, Math.floor((2 * COVARIANCE_BUDGET) / Math.max(1, d * d))));
  const stride = totalRows / count;
  return Int32Array.from({ length: count }, (_, i) => Math.floor(i * stride));
}

/** Per-feature variances of the given rows: the preconditioner for wide inputs such as TF-IDF. */
export function featureVariances(X: FeatureMatrix, rows?: Int32Array): Float64Array {
  const d = X.cols,
    x = X.data;
  const count = rows ? rows.length : X.rows;
  const sum = new Float64Array(d),
    sumSq = new Float64Array(d);
  for (let r = 0; r < count; r++) {
    const off = (rows ? rows[r] : r) * d;
    for (let j = 0; j < d; j++) {
      const v = x[off + j];
      sum[j] += v;
      sumSq[j] += v * v;
    }
  }
  return Float64Array.from(sum, (s, j) => Math.max(0, sumSq[j] / count - (s / count) ** 2));
}

/** Like softmaxPreconditioner, with the covariance reduced to its diagonal. */
export function diagonalSoftmaxPreconditioner(
  variances: Float64Array,
  m: number,
  C: number,
  trainingRows: number,
): (v: Float64Array) => void {
  const d = variances.length;
  const curvature = (m - 1) / (m * m);
  let trace = 0;
  for (let j = 0; j < d; j++) trace += variances[j];
  const ridge = Math.max(1 / (C * trainingRows), (RELATIVE_JITTER * curvature * trace) / Math.max(d, 1));
  const inverse = Float64Array.from(variances, (v) => 1 / (curvature * v + ridge));
  return (v: Float64Array) => {
    for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) v[k * d + j] *= inverse[j];
    for (let k = 0; k < m; k++) v[m * d + k] /= curvature;
  };
}

/**
 * Covariance of the given rows (all of X by default), d×d row-major. A sample would be cheaper, but
 * its noise alone spreads the eigenvalues (Marchenko–Pastur) and then costs iterations; the exact
 * covariance is computed once per cross-validation and shared by the folds.
 */
export function featureCovariance(X: FeatureMatrix, rows?: Int32Array): Float64Array {
  const d = X.cols,
    x = X.data;
  const count = rows ? rows.length : X.rows;
  const rowAt = (r: number) => (rows ? rows[r] : r) * d;
  const mean = new Float64Array(d);
  for (let r = 0; r < count; r++) {
    const off = rowAt(r);
    for (let j = 0; j < d; j++) mean[j] += x[off + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= count;
  const cov = new Float64Array(d * d);
  const c0 = new Float64Array(d),
    c1 = new Float64Array(d),
    c2 = new Float64Array(d),
    c3 = new Float64Array(d);
  let r = 0;
  // Four rows per pass over the lower triangle, so each covariance entry is loaded once per 4 rows.
  for (; r + 4 <= count; r += 4) {
    const o0 = rowAt(r),
      o1 = rowAt(r + 1),
      o2 = rowAt(r + 2),
      o3 = rowAt(r + 3);
    for (let j = 0; j < d; j++) {
      c0[j] = x[o0 + j] - mean[j];
      c1[j] = x[o1 + j] - mean[j];
      c2[j] = x[o2 + j] - mean[j];
      c3[j] = x[o3 + j] - mean[j];
    }
    for (let a = 0; a < d; a++) {
      const a0 = c0[a],
        a1 = c1[a],
        a2 = c2[a],
        a3 = c3[a];
      const rowOff = a * d;
      for (let b = 0; b <= a; b++) cov[rowOff + b] += a0 * c0[b] + a1 * c1[b] + a2 * c2[b] + a3 * c3[b];
    }
  }
  for (; r < count; r++) {
    const off = rowAt(r);
    for (let j = 0; j < d; j++) c0[j] = x[off + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[a * d + b] += c0[a] * c0[b];
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = cov[a * d + b] / count;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/** In-place Cholesky factor (lower triangle) of a symmetric positive-definite matrix; false if it fails. */
function choleskyInPlace(A: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    let diag = A[j * d + j];
    for (let k = 0; k < j; k++) diag -= A[j * d + k] * A[j * d + k];
    if (!(diag > 0)) return false;
    const ljj = Math.sqrt(diag);
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = A[i * d + j];
      for (let k = 0; k < j; k++) v -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = v / ljj;
    }
  }
  return true;
}

/**
 * Solves L Lᵀ z = v in place for the m blocks v[k·d .. (k + 1)·d), with U = Lᵀ (row-major) so that both
 * substitutions read their matrix row by row; each row serves all m blocks while it is in cache.
 */
function choleskySolveBlocks(L: Float64Array, U: Float64Array, d: number, v: Float64Array, m: number): void {
  for (let i = 0; i < d; i++) {
    const rowOff = i * d;
    const diag = L[rowOff + i];
    for (let c = 0; c < m; c++) {
      const off = c * d;
      let s = v[off + i];
      for (let k = 0; k < i; k++) s -= L[rowOff + k] * v[off + k];
      v[off + i] = s / diag;
    }
  }
  for (let i = d - 1; i >= 0; i--) {
    const rowOff = i * d;
    const diag = U[rowOff + i];
    for (let c = 0; c < m; c++) {
      const off = c * d;
      let s = v[off + i];
      for (let k = i + 1; k < d; k++) s -= U[rowOff + k] * v[off + k];
      v[off + i] = s / diag;
    }
  }
}

/**
 * Returns a function applying the approximate inverse Hessian in place to a vector laid out as
 * [W (m×d) | b (m)], or null if the approximation cannot be factorised.
 */
export function softmaxPreconditioner(
  covariance: Float64Array,
  d: number,
  m: number,
  C: number,
  trainingRows: number,
): ((v: Float64Array) => void) | null {
  if (covariance.length !== d * d) throw new Error(`Covariance has ${covariance.length} entries, expected ${d}×${d}.`);
  const curvature = (m - 1) / (m * m);
  const matrix = Float64Array.from(covariance);
  let trace = 0;
  for (let j = 0; j < d; j++) trace += matrix[j * d + j];
  const ridge = Math.max(1 / (C * trainingRows), (RELATIVE_JITTER * curvature * trace) / Math.max(d, 1));
  for (let i = 0; i < d * d; i++) matrix[i] *= curvature;
  for (let j = 0; j < d; j++) matrix[j * d + j] += ridge;
  if (!choleskyInPlace(matrix, d)) return null;
  const upper = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k <= i; k++) upper[k * d + i] = matrix[i * d + k];
  return (v: Float64Array) => {
    choleskySolveBlocks(matrix, upper, d, v, m);
    for (let k = 0; k < m; k++) v[m * d + k] /= curvature;
  };
}

/**
 * The covariance statistics the preconditioner needs: dense up to 768 features, diagonal beyond. With X in
 * wasm memory (prepareWasmFeatures) the dense covariance's products run in the WebAssembly SIMD kernel.
 */
export function featureStatistics(X: FeatureMatrix, rows?: Int32Array, wasm?: WasmFeatures | null): Float64Array {
  const all = rows ?? Int32Array.from({ length: X.rows }, (_, i) => i);
  const sample = covarianceRows(all.length, X.cols).map((r) => all[r]);
  if (X.cols > DENSE_PRECONDITIONER_MAX_FEATURES) return featureVariances(X, sample);
  return (wasm && wasmCovariance(wasm, X, sample)) ?? featureCovariance(X, sample);
}

export function buildPreconditioner(
  X: FeatureMatrix,
  rows: Int32Array,
  m: number,
  C: number,
  statistics: Float64Array | undefined,
): ((v: Float64Array) => void) | undefined {
  const d = X.cols;
  const stats = statistics ?? featureStatistics(X, rows);
  if (stats.length === d && d > 1) return diagonalSoftmaxPreconditioner(stats, m, C, rows.length);
  return (
    softmaxPreconditioner(stats, d, m, C, rows.length) ??
    diagonalSoftmaxPreconditioner(featureVariances(X, rows), m, C, rows.length)
  );
}
