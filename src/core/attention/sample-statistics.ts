/**
 * Statistics of sampled attention (MC dropout): T samples of every layer's attention [layers, heads, seq, seq]
 * arrive one at a time and are folded into running sums, so the T samples are never held together.
 *
 * - Per weight: the mean and the unbiased sample standard deviation (÷ (T−1); 0 when T = 1), by Welford's
 *   update in float64 (mean += δ/n, M2 += δ·(x − new mean)), which matches a two-pass computation to
 *   rounding whatever the order of magnitude of the weights.
 * - Per row: the entropy of each sample's row, folded the same way (its mean and spread over samples).
 * - Per head, at the end: the generalized Jensen–Shannon divergence of the T sampled rows with equal
 *   weights, JS = H(M) − (1/T)·Σₜ H(Pₜ) with M the mean row, averaged over the head's rows. This is the
 *   definition of the generalized JS divergence (Lin 1991), not an approximation, and it equals the mean
 *   Kullback–Leibler divergence of the samples from the mean row, (1/T)·Σₜ KL(Pₜ ‖ M), because
 *   Σₜ Σⱼ Pₜⱼ·log Mⱼ = T·Σⱼ Mⱼ·log Mⱼ. So only the running mean row and the running mean entropy are needed.
 *   (It is not the mean of the two-distribution JS(Pₜ, M), which would need every sample again.)
 *   The difference of two nearly equal entropies loses a few digits when the samples agree: values below
 *   about 1e-7 nats are rounding, and negatives from rounding are reported as 0.
 */
import { checkAttentionShape, type AttentionShape } from './shape';

export interface HeadStability {
  layer: number;
  head: number;
  /** Mean over rows of the generalized JS divergence of the sampled rows (nats): 0 when every sample agrees. */
  meanJsDivergence: number;
  /** Mean over rows of the sample std of the row's entropy across samples (nats). */
  entropySpread: number;
  /** Mean over rows of the row's mean entropy (nats). */
  meanEntropy: number;
  /** Mean and largest per-weight std in the head. */
  meanStd: number;
  maxStd: number;
}

export interface AttentionSampleStatistics {
  samples: number;
  shape: [number, number, number, number];
  /** Per-weight mean over the samples, [layers, heads, seq, seq]. */
  mean: Float32Array;
  /** Per-weight sample std over the samples (÷ (T−1); 0 when T = 1), same shape. */
  std: Float32Array;
  /** One record per (layer, head), layer-major. */
  heads: HeadStability[];
}

/** Bytes per attention weight the accumulator holds (float64 mean and M2) plus its float32 mean and std results. */
export const ACCUMULATOR_BYTES_PER_WEIGHT = 8 + 8 + 4 + 4;

/** Memory the accumulator and its result need for `layers` × `heads` × seq × seq weights (per-row sums included). */
export function accumulatorBytes(layers: number, heads: number, seq: number): number {
  const matrices = layers * heads;
  return matrices * seq * seq * ACCUMULATOR_BYTES_PER_WEIGHT + matrices * seq * 16;
}

export class AttentionSampleAccumulator {
  readonly shape: [number, number, number, number];
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly entropyMean: Float64Array;
  private readonly entropyM2: Float64Array;
  private readonly counts: Int32Array;

  constructor(shape: AttentionShape) {
    const [layers, heads, seq, seq2] = shape;
    checkAttentionShape({ length: layers * heads * seq * seq2 }, shape);
    this.shape = [layers, heads, seq, seq];
    this.mean = new Float64Array(layers * heads * seq * seq);
    this.m2 = new Float64Array(this.mean.length);
    this.entropyMean = new Float64Array(layers * heads * seq);
    this.entropyM2 = new Float64Array(this.entropyMean.length);
    this.counts = new Int32Array(layers);
  }

  /** Samples folded in so far (every layer must have had the same number when the result is read). */
  get samples(): number {
    return this.counts.length > 0 ? this.counts[0] : 0;
  }

  /** Folds in one sample of one layer: `values` holds [heads, seq, seq] from `offset`. */
  addLayer(layer: number, values: ArrayLike<number>, offset = 0): void {
    const [layers, heads, seq] = this.shape;
    if (!Number.isInteger(layer) || layer < 0 || layer >= layers)
      throw new RangeError(`Layer ${layer} is outside 0..${layers - 1}.`);
    const size = heads * seq * seq;
    if (offset < 0 || offset + size > values.length)
      throw new RangeError(`A layer's sample needs ${size} values from ${offset}, the array has ${values.length}.`);
    const n = ++this.counts[layer];
    const base = layer * size;
    const { mean, m2, entropyMean, entropyM2 } = this;
    for (let row = 0; row < heads * seq; row++) {
      const start = row * seq;
      let entropy = 0;
      for (let j = 0; j < seq; j++) {
        const x = values[offset + start + j];
        const at = base + start + j;
        const delta = x - mean[at];
        mean[at] += delta / n;
        m2[at] += delta * (x - mean[at]);
        if (x > 0) entropy -= x * Math.log(x);
      }
      const at = layer * heads * seq + row;
      const delta = entropy - entropyMean[at];
      entropyMean[at] += delta / n;
      entropyM2[at] += delta * (entropy - entropyMean[at]);
    }
  }

  /** Folds in one sample of every layer: [layers, heads, seq, seq] from `offset`. */
  add(values: ArrayLike<number>, offset = 0): void {
    const [layers, heads, seq] = this.shape;
    for (let layer = 0; layer < layers; layer++) this.addLayer(layer, values, offset + layer * heads * seq * seq);
  }

  result(): AttentionSampleStatistics {
    const [layers, heads, seq] = this.shape;
    const T = this.samples;
    if (T === 0) throw new Error('No attention samples were added.');
    if (this.counts.some((count) => count !== T))
      throw new Error(`The layers have different sample counts (${[...this.counts].join(', ')}).`);
    const mean = Float32Array.from(this.mean);
    const std = new Float32Array(this.m2.length);
    if (T > 1) for (let i = 0; i < std.length; i++) std[i] = Math.sqrt(Math.max(0, this.m2[i]) / (T - 1));
    const records: HeadStability[] = [];
    for (let layer = 0; layer < layers; layer++)
      for (let head = 0; head < heads; head++) {
        const matrix = layer * heads + head;
        let js = 0,
          spread = 0,
          entropySum = 0,
          stdSum = 0,
          stdMax = 0;
        for (let i = 0; i < seq; i++) {
          const row = (matrix * seq + i) * seq;
          let meanRowEntropy = 0;
          for (let j = 0; j < seq; j++) {
            const m = this.mean[row + j];
            if (m > 0) meanRowEntropy -= m * Math.log(m);
            stdSum += std[row + j];
            if (std[row + j] > stdMax) stdMax = std[row + j];
          }
          const at = matrix * seq + i;
          js += Math.max(0, meanRowEntropy - this.entropyMean[at]);
          spread += T > 1 ? Math.sqrt(Math.max(0, this.entropyM2[at]) / (T - 1)) : 0;
          entropySum += this.entropyMean[at];
        }
        const rows = Math.max(1, seq);
        records.push({
          layer,
          head,
          meanJsDivergence: js / rows,
          entropySpread: spread / rows,
          meanEntropy: entropySum / rows,
          meanStd: stdSum / Math.max(1, seq * seq),
          maxStd: stdMax,
        });
      }
    return { samples: T, shape: [...this.shape], mean, std, heads: records };
  }
}
