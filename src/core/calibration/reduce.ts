/**
 * One predictive distribution (or T MC-dropout samples) and the true id, reduced to the few numbers the
 * calibration figures need, written into column arrays at one index. A vocabulary-sized vector is read once
 * and dropped, so a run over many positions keeps O(positions) numbers.
 */
import type { McPredictionColumns, PredictionColumns } from '../contracts/calibration';
import { mcStatistics } from '../uncertainty';
import { argmax, entropy } from '../uncertainty/entropy';

export function predictionColumns(count: number): PredictionColumns {
  return {
    trueProb: new Float64Array(count),
    maxProb: new Float64Array(count),
    top1: new Int32Array(count),
    entropy: new Float64Array(count),
    sumSquares: new Float64Array(count),
  };
}

export function mcPredictionColumns(count: number): McPredictionColumns {
  return {
    ...predictionColumns(count),
    expectedEntropy: new Float64Array(count),
    mutualInformation: new Float64Array(count),
  };
}

function checkTrueId(trueId: number, width: number): void {
  if (!Number.isInteger(trueId) || trueId < 0 || trueId >= width)
    throw new RangeError(`The true id ${trueId} is outside the ${width} classes.`);
}

/** Writes the reduction of `probs[offset .. offset + width)` (a distribution) at `index`. */
export function reduceDistribution(
  into: PredictionColumns,
  index: number,
  probs: ArrayLike<number>,
  trueId: number,
  offset = 0,
  width = probs.length - offset,
): void {
  checkTrueId(trueId, width);
  const top = argmax(probs, offset, width);
  let squares = 0;
  for (let k = offset; k < offset + width; k++) squares += probs[k] * probs[k];
  into.trueProb[index] = probs[offset + trueId];
  into.maxProb[index] = probs[offset + top];
  into.top1[index] = top;
  into.entropy[index] = entropy(probs, offset, width);
  into.sumSquares[index] = squares;
}

/**
 * Writes the reduction of T samples [T, width] at `index`: the MC mean as the prediction, with the
 * uncertainty tool's own statistics (mcStatistics), so the figures are the tool's figures.
 */
export function reduceMcSamples(
  into: McPredictionColumns,
  index: number,
  samples: ArrayLike<number>,
  shape: readonly [samples: number, width: number],
  trueId: number,
): void {
  const stats = mcStatistics(samples, shape);
  reduceDistribution(into, index, stats.mean, trueId);
  // mcStatistics' predictive entropy is the mean's entropy computed the same way; kept as the tool shows it.
  into.entropy[index] = stats.predictiveEntropy;
  into.expectedEntropy[index] = stats.expectedEntropy;
  into.mutualInformation[index] = stats.mutualInformation;
}
