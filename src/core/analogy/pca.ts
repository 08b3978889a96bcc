/**
 * 2-D PCA of a handful of vectors (the parallelogram picture: a, b, c, d and a few neighbours).
 * With n ≪ D, the eigenvectors of the small n×n Gram matrix of the centred rows give the principal
 * components (w_k = Xᵀu_k / √λ_k) without ever forming the D×D covariance. The Gram matrix is diagonalised
 * with the cyclic Jacobi method, which is exact to rounding and deterministic.
 *
 * Sign convention: each component is flipped so that its largest-magnitude coordinate (lowest index on ties)
 * is positive; the same inputs therefore always give the same picture.
 */

export interface Projection2D {
  /** Row-major [n, 2] coordinates of each input in the (PC1, PC2) plane. */
  points: Float64Array;
  /** Row-major [2, D] unit principal directions (a zero row when the data has fewer than 2 dimensions of spread). */
  components: Float64Array;
  mean: Float64Array;
  /** Share of the total variance along PC1 and PC2. */
  explainedVarianceRatio: [number, number];
}

export function projectTo2D(vectors: ArrayLike<number>, n: number, dim: number): Projection2D {
  if (!(n >= 1) || vectors.length !== n * dim)
    throw new Error(`Expected ${n} vectors of dimension ${dim} (${n * dim} values), got ${vectors.length}.`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += vectors[i * dim + d] / n;
  const x = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) x[i * dim + d] = vectors[i * dim + d] - mean[d];
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += x[i * dim + d] * x[j * dim + d];
      gram[i * n + j] = gram[j * n + i] = s;
    }
  }
  const { values, vectors: eigenvectors } = symmetricEigen(gram, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => values[q] - values[p] || p - q);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const points = new Float64Array(n * 2);
  const components = new Float64Array(2 * dim);
  const ratio: [number, number] = [0, 0];
  for (let k = 0; k < 2 && k < n; k++) {
    const e = order[k];
    const lambda = values[e];
    // Eigenvalues at rounding level mean no spread in this direction: leave the component at zero.
    if (!(lambda > 1e-12 * Math.max(total, Number.MIN_VALUE))) continue;
    const root = Math.sqrt(lambda);
    for (let d = 0; d < dim; d++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * dim + d] * eigenvectors[i * n + e];
      components[k * dim + d] = s / root;
    }
    let largest = 0;
    for (let d = 1; d < dim; d++)
      if (Math.abs(components[k * dim + d]) > Math.abs(components[k * dim + largest])) largest = d;
    const sign = components[k * dim + largest] < 0 ? -1 : 1;
    for (let d = 0; d < dim; d++) components[k * dim + d] *= sign;
    for (let i = 0; i < n; i++) points[i * 2 + k] = sign * eigenvectors[i * n + e] * root;
    ratio[k] = total > 0 ? lambda / total : 0;
  }
  return { points, components, mean, explainedVarianceRatio: ratio };
}

/** Cyclic Jacobi eigen-decomposition of a symmetric n×n matrix; eigenvectors are the columns of `vectors`. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = new Float64Array(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0,
      diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // Rotation angle φ with cot 2φ = θ zeroes a[p][q]; t = tan φ is the smaller root of t² + 2θt − 1 = 0.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p],
            akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k],
            aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p],
            vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}
