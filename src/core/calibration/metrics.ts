/**
 * Calibration figures of reduced predictions (Guo et al. 2017; Naeini et al. 2015): top-1 accuracy, mean
 * confidence, expected calibration error over equal-width and equal-mass bins with the bins themselves (the
 * reliability diagram), negative log-likelihood and the multi-class Brier score.
 *
 * - Confidence is the top-1 probability; a position is right when its top-1 id is the true id.
 * - Equal-width bin b of B holds confidences in [b/B, (b+1)/B); confidence 1 goes to the last bin.
 * - Equal-mass bins: positions sorted by confidence (ties by index), bin b takes sorted ranks
 *   [⌊b·n/B⌋, ⌊(b+1)·n/B⌋), so sizes differ by at most one; its bounds are its lowest and highest confidence.
 * - ECE = Σ_b (n_b / n) · |accuracy_b − confidence_b|.
 * - NLL = mean −log p(true); a true-class probability that underflowed to 0 counts as the smallest double.
 * - Brier = mean Σ_k (p_k − [k = true])² = mean (Σ_k p_k² − 2 p(true) + 1), no one-hot vectors needed.
 */
import type { CalibrationFigures, PredictionColumns, ReliabilityBin } from '../contracts/calibration';
import { MAX_CALIBRATION_BINS, MIN_CALIBRATION_BINS } from '../contracts/calibration';

export function checkBins(bins: number): number {
  if (!Number.isInteger(bins) || bins < MIN_CALIBRATION_BINS || bins > MAX_CALIBRATION_BINS)
    throw new RangeError(
      `The number of bins must be a whole number from ${MIN_CALIBRATION_BINS} to ${MAX_CALIBRATION_BINS}, got ${bins}.`,
    );
  return bins;
}

/** Whether each position's top-1 guess was its true id. */
export function correctness(columns: PredictionColumns, trueId: ArrayLike<number>): Uint8Array {
  const right = new Uint8Array(trueId.length);
  for (let i = 0; i < trueId.length; i++) right[i] = columns.top1[i] === trueId[i] ? 1 : 0;
  return right;
}

function binOf(members: number[], columns: PredictionColumns, right: Uint8Array, lower: number, upper: number) {
  let hits = 0;
  let confidence = 0;
  for (const i of members) {
    hits += right[i];
    confidence += columns.maxProb[i];
  }
  const count = members.length;
  return {
    lower,
    upper,
    count,
    accuracy: count ? hits / count : null,
    confidence: count ? confidence / count : null,
  } satisfies ReliabilityBin;
}

export function equalWidthBins(
  columns: PredictionColumns,
  right: Uint8Array,
  indices: readonly number[],
  bins: number,
): ReliabilityBin[] {
  const members: number[][] = Array.from({ length: bins }, () => []);
  for (const i of indices) members[Math.min(bins - 1, Math.floor(columns.maxProb[i] * bins))].push(i);
  return members.map((m, b) => binOf(m, columns, right, b / bins, (b + 1) / bins));
}

export function equalMassBins(
  columns: PredictionColumns,
  right: Uint8Array,
  indices: readonly number[],
  bins: number,
): ReliabilityBin[] {
  const sorted = [...indices].sort((a, b) => columns.maxProb[a] - columns.maxProb[b] || a - b);
  const n = sorted.length;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const members = sorted.slice(Math.floor((b * n) / bins), Math.floor(((b + 1) * n) / bins));
    const lower = members.length ? columns.maxProb[members[0]] : NaN;
    const upper = members.length ? columns.maxProb[members[members.length - 1]] : NaN;
    out.push(binOf(members, columns, right, lower, upper));
  }
  return out;
}

export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((sum, bin) => sum + bin.count, 0);
  let ece = 0;
  for (const bin of bins) if (bin.count) ece += (bin.count / n) * Math.abs(bin.accuracy! - bin.confidence!);
  return ece;
}

/** Every figure over the positions `indices` (default: all). */
export function calibrationFigures(
  columns: PredictionColumns,
  trueId: ArrayLike<number>,
  bins: number,
  indices: readonly number[] = Array.from({ length: trueId.length }, (_, i) => i),
): CalibrationFigures {
  checkBins(bins);
  if (indices.length === 0) throw new Error('There are no positions to score.');
  const right = correctness(columns, trueId);
  let hits = 0;
  let confidence = 0;
  let nll = 0;
  let brier = 0;
  for (const i of indices) {
    hits += right[i];
    confidence += columns.maxProb[i];
    nll -= Math.log(Math.max(columns.trueProb[i], Number.MIN_VALUE));
    brier += columns.sumSquares[i] - 2 * columns.trueProb[i] + 1;
  }
  const n = indices.length;
  const widthBins = equalWidthBins(columns, right, indices, bins);
  const massBins = equalMassBins(columns, right, indices, bins);
  return {
    count: n,
    accuracy: hits / n,
    meanConfidence: confidence / n,
    eceWidth: expectedCalibrationError(widthBins),
    widthBins,
    eceMass: expectedCalibrationError(massBins),
    massBins,
    nll: nll / n,
    brier: brier / n,
  };
}
