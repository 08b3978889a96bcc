/**
 * MC-dropout samples of one position folded in one at a time, for runs that produce every position of a
 * sample together (a decoder's causal run) and cannot hold T × positions × vocabulary values. The arithmetic
 * is mcStatistics' (mean = x₀ + Σ(x_t − x₀)/T, expected entropy likewise), so the result equals
 * reduceMcSamples on the same samples bit for bit, and identical samples (p = 0) give the dropout-off values.
 */
import type { McPredictionColumns } from '../contracts/calibration';
import { entropy } from '../uncertainty/entropy';
import { mutualInformation } from '../uncertainty';
import { reduceDistribution } from './reduce';

export class McAccumulator {
  private readonly first: Float64Array;
  private readonly deviation: Float64Array;
  private firstEntropy = 0;
  private entropyDeviation = 0;
  private count = 0;

  constructor(readonly width: number) {
    this.first = new Float64Array(width);
    this.deviation = new Float64Array(width);
  }

  /** Adds one sample, `probs[offset .. offset + width)`. */
  add(probs: ArrayLike<number>, offset = 0): void {
    const { first, deviation, width } = this;
    if (this.count === 0) {
      for (let k = 0; k < width; k++) first[k] = probs[offset + k];
      this.firstEntropy = entropy(first);
    }
    for (let k = 0; k < width; k++) deviation[k] += probs[offset + k] - first[k];
    this.entropyDeviation += entropy(probs, offset, width) - this.firstEntropy;
    this.count++;
  }

  get samples(): number {
    return this.count;
  }

  /** Writes the MC-mean reduction with the entropy split at `index`. */
  reduceInto(into: McPredictionColumns, index: number, trueId: number): void {
    if (this.count === 0) throw new Error('No MC-dropout samples were added for this position.');
    const mean = new Float64Array(this.width);
    for (let k = 0; k < this.width; k++) mean[k] = this.first[k] + this.deviation[k] / this.count;
    reduceDistribution(into, index, mean, trueId);
    const predictive = entropy(mean);
    const expected = this.firstEntropy + this.entropyDeviation / this.count;
    into.entropy[index] = predictive;
    into.expectedEntropy[index] = expected;
    into.mutualInformation[index] = mutualInformation(predictive, expected);
  }
}
