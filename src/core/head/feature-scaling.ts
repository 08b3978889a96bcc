/**
 * The head's input scaling: each feature z-scored with the training rows' mean and spread, learnt once at
 * training time and applied the same way to any later text (the uncertainty tool's input).
 */
import type { FeatureRows } from './head-network';

/** Per-feature z-scoring learnt from the training rows: x ↦ (x − mean) · inverse (inverse 0 for a constant feature). */
export interface FeatureScaling {
  mean: Float64Array;
  inverse: Float64Array;
}

/** The mean and inverse spread of each column over `rows`. */
export function featureScaling(features: FeatureRows, rows: ArrayLike<number>): FeatureScaling {
  const { data, dim } = features;
  const mean = new Float64Array(dim);
  const squares = new Float64Array(dim);
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r] * dim;
    for (let d = 0; d < dim; d++) mean[d] += data[offset + d];
  }
  for (let d = 0; d < dim; d++) mean[d] /= Math.max(1, rows.length);
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r] * dim;
    for (let d = 0; d < dim; d++) squares[d] += (data[offset + d] - mean[d]) ** 2;
  }
  const inverse = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    const spread = Math.sqrt(squares[d] / Math.max(1, rows.length));
    inverse[d] = spread > 1e-12 ? 1 / spread : 0;
  }
  return { mean, inverse };
}

/**
 * Rows scaled as the head saw them in training, rounded to float32 like the training features, so a text
 * scaled later (the uncertainty tool's input) gets exactly the values its row had.
 */
export function applyScaling(data: Float32Array, dim: number, scaling: FeatureScaling): Float32Array {
  const out = new Float32Array(data.length);
  for (let d = 0; d < dim; d++) {
    const mean = scaling.mean[d];
    const inverse = scaling.inverse[d];
    for (let offset = d; offset < data.length; offset += dim) out[offset] = (data[offset] - mean) * inverse;
  }
  return out;
}
