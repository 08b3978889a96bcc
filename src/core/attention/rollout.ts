/**
 * Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers").
 *
 * Each layer's attention is averaged over heads and mixed with the identity to account for the residual
 * connection, Â_l = 0.5·mean_h(A_l) + 0.5·I, with rows renormalised. The paper defines
 *   Ã(l_i) = Â(l_i) · Ã(l_{i−1}) for i > j,   Ã(l_j) = Â(l_j),
 * so the cumulative matrix after layer L starting from layer s is Â_L · Â_{L−1} · … · Â_s — later layers on
 * the LEFT. Reading it as rows: hidden_l = Â_l · hidden_{l−1} (each output token is a mix of the previous
 * layer's tokens), so rollout[i, j] is how much output token i draws on input token j, and every row sums to 1.
 */
import { checkAttentionShape, validPositions, type AttentionShape, type PaddingSpec } from './shape';

export interface RolloutOptions {
  /** First layer to include (0-based); layers before it are ignored. Default 0. */
  startLayer?: number;
  /** Weight of the identity (residual) term; the paper uses 0.5. */
  residualWeight?: number;
  /** Sequence length or attention mask; padded positions are dropped before the products. */
  padding?: PaddingSpec;
}

export interface RolloutResult {
  /**
   * Cumulative rollout, row-major [layers − startLayer, K, K]: entry m is Â_{startLayer+m} · … · Â_{startLayer}.
   * With startLayer 0 this is [L, S, S] (K = S when there is no padding); the last matrix is the full rollout.
   */
  rollout: Float32Array;
  /** Number of matrices in `rollout`. */
  count: number;
  startLayer: number;
  /** Original indices of the positions kept (all real tokens), ascending; K = kept.length. */
  kept: number[];
}

export function attentionRollout(
  probs: ArrayLike<number>,
  shape: AttentionShape,
  options: RolloutOptions = {},
): RolloutResult {
  checkAttentionShape(probs, shape);
  const [layers, heads, seq] = shape;
  const startLayer = options.startLayer ?? 0;
  const alpha = options.residualWeight ?? 0.5;
  if (!Number.isInteger(startLayer) || startLayer < 0 || startLayer >= Math.max(layers, 1)) {
    throw new Error(`Rollout start layer ${startLayer} is outside 0..${layers - 1}.`);
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`Residual weight must be in [0, 1], got ${alpha}.`);
  const kept = validPositions(seq, options.padding);
  const k = kept.length;
  const count = Math.max(layers - startLayer, 0);
  const rollout = new Float32Array(count * k * k);
  let cumulative: Float64Array | null = null;
  for (let layer = startLayer; layer < layers; layer++) {
    const mixed = residualMixedLayer(probs, layer, heads, seq, kept, alpha);
    cumulative = cumulative === null ? mixed : multiply(mixed, cumulative, k);
    const target = (layer - startLayer) * k * k;
    for (let e = 0; e < k * k; e++) rollout[target + e] = cumulative[e];
  }
  return { rollout, count, startLayer, kept };
}

/** Â_l restricted to the kept positions: head mean (rows renormalised over kept keys), plus α·I, rows renormalised. */
function residualMixedLayer(
  probs: ArrayLike<number>,
  layer: number,
  heads: number,
  seq: number,
  kept: readonly number[],
  alpha: number,
): Float64Array {
  const k = kept.length;
  const mean = new Float64Array(k * k);
  for (let head = 0; head < heads; head++) {
    const offset = (layer * heads + head) * seq * seq;
    for (let r = 0; r < k; r++) {
      const row = offset + kept[r] * seq;
      for (let c = 0; c < k; c++) mean[r * k + c] += probs[row + kept[c]] / heads;
    }
  }
  for (let r = 0; r < k; r++) {
    let attentionMass = 0;
    for (let c = 0; c < k; c++) attentionMass += mean[r * k + c];
    // A row with no mass on real keys keeps only the residual path.
    const attentionScale = attentionMass > 0 ? (1 - alpha) / attentionMass : 0;
    let rowSum = 0;
    for (let c = 0; c < k; c++) {
      const value = mean[r * k + c] * attentionScale + (r === c ? alpha : 0);
      mean[r * k + c] = value;
      rowSum += value;
    }
    if (rowSum > 0) for (let c = 0; c < k; c++) mean[r * k + c] /= rowSum;
  }
  return mean;
}

/** left · right for k×k row-major matrices (i-k-j loop order keeps the inner loop contiguous). */
function multiply(left: Float64Array, right: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let m = 0; m < k; m++) {
      const a = left[i * k + m];
      if (a === 0) continue;
      for (let j = 0; j < k; j++) out[i * k + j] += a * right[m * k + j];
    }
  }
  return out;
}
