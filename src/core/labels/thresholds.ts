/**
 * Per-class confident thresholds: the average self-confidence of the rows given that class
 * (Northcutt et al. 2021, eq. 2), the bar a row must clear to be counted as confidently in a class.
 */
import { numpySumBy } from './numeric';
import { rowsByClass, validateLabelInputs, type ProbabilityRows } from './validation';

/** A class nobody carries gets an unreachable threshold, so no row is ever confidently in it. */
const ABSENT_CLASS_THRESHOLD = 2;
/** Keeps thresholds strictly positive so an all-zero column cannot make every row "confident". */
const THRESHOLD_FLOOR = 2e-6;

export function getConfidentThresholds(labels: readonly number[], predProbs: ProbabilityRows): number[] {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'yes' });
  return confidentThresholdsUnchecked(labels, predProbs, numClasses);
}

export function confidentThresholdsUnchecked(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  numClasses: number,
): number[] {
  const byClass = rowsByClass(labels, numClasses);
  return byClass.map((rows, k) => {
    const mean =
      rows.length > 0 ? numpySumBy(rows.length, (j) => predProbs[rows[j]][k]) / rows.length : ABSENT_CLASS_THRESHOLD;
    return Math.max(mean, THRESHOLD_FLOOR);
  });
}
