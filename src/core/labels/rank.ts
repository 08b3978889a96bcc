/**
 * Label-quality scores (higher = more likely correct) and the ordering of flagged rows by them,
 * as in cleanlab's rank module (SPEC.md §7).
 */
import { RANK_METHODS, type RankBy } from '../contracts/labels';
import { numpySum, numpySumBy, stableArgsort } from './numeric';
import { confidentThresholdsUnchecked } from './thresholds';
import { LabelInputError, validateLabelInputs, type ProbabilityRows } from './validation';

export { RANK_METHODS, type RankBy };

export interface LabelQualityOptions {
  /** Score method (default self_confidence). */
  method?: RankBy;
  /** Shift probabilities by the per-class thresholds before scoring, to offset class imbalance. */
  adjustPredProbs?: boolean;
}

/** Lower bound on the self-confidence used as a divisor in the entropy score. */
const MIN_SELF_CONFIDENCE = 1e-6;

function adjustedProbabilities(labels: readonly number[], predProbs: ProbabilityRows, numClasses: number): number[][] {
  const thresholds = confidentThresholdsUnchecked(labels, predProbs, numClasses);
  const maxThreshold = Math.max(...thresholds);
  return predProbs.map((row) => {
    const shifted = Array.from(row, (p, k) => p - thresholds[k] + maxThreshold);
    const total = numpySum(shifted);
    return shifted.map((p) => p / total);
  });
}

function selfConfidence(row: ArrayLike<number>, label: number): number {
  return row[label];
}

function normalizedMargin(row: ArrayLike<number>, label: number): number {
  let bestOther = -Infinity;
  for (let k = 0; k < row.length; k++) if (k !== label && row[k] > bestOther) bestOther = row[k];
  return (row[label] - bestOther + 1) / 2;
}

function xlogx(p: number): number {
  return p === 0 ? 0 : p * Math.log(p);
}

function confidenceWeightedEntropy(row: ArrayLike<number>, label: number): number {
  const selfConf = Math.max(row[label], MIN_SELF_CONFIDENCE);
  const entropy = -numpySumBy(row.length, (k) => xlogx(row[k])) / Math.log(row.length);
  const ratio = entropy / selfConf;
  return Math.log(ratio + 1) / Math.max(ratio, MIN_SELF_CONFIDENCE);
}

export function getLabelQualityScores(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: LabelQualityOptions = {},
): number[] {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'yes' });
  const method = options.method ?? 'self_confidence';
  if (!RANK_METHODS.includes(method)) {
    throw new LabelInputError(`Unknown ranking method "${String(method)}"; use one of ${RANK_METHODS.join(', ')}.`);
  }
  if (method === 'confidence_weighted_entropy') {
    if (options.adjustPredProbs) {
      throw new LabelInputError('adjustPredProbs cannot be used with confidence_weighted_entropy.');
    }
    for (let i = 0; i < predProbs.length; i++) {
      for (let k = 0; k < numClasses; k++) {
        const p = predProbs[i][k];
        if (p < 0 || p > 1) {
          throw new LabelInputError(
            `confidence_weighted_entropy needs probabilities strictly within [0, 1]; row ${i}, class ${k} is ${p}.`,
          );
        }
      }
    }
  }
  if (method === 'normalized_margin' && numClasses < 2) {
    throw new LabelInputError('normalized_margin needs at least 2 probability columns.');
  }
  const rows = options.adjustPredProbs ? adjustedProbabilities(labels, predProbs, numClasses) : predProbs;
  const score =
    method === 'self_confidence'
      ? selfConfidence
      : method === 'normalized_margin'
        ? normalizedMargin
        : confidenceWeightedEntropy;
  return labels.map((y, i) => score(rows[i], y));
}

export interface OrderLabelIssuesOptions extends LabelQualityOptions {
  /** Same as `method` (the name find-level options use); wins if both are given. */
  rankBy?: RankBy;
  /** Priority among rows with exactly equal scores (lower first); row index by default. */
  tieRank?: ArrayLike<number>;
}

/** Flagged row indices, most likely mislabeled first (ascending label-quality score, stable). */
export function orderLabelIssues(
  issueMask: readonly boolean[],
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: OrderLabelIssuesOptions = {},
): number[] {
  if (issueMask.length !== labels.length) {
    throw new LabelInputError(`Shape mismatch: mask has ${issueMask.length} rows, labels ${labels.length}.`);
  }
  const scores = getLabelQualityScores(labels, predProbs, {
    method: options.rankBy ?? options.method,
    adjustPredProbs: options.adjustPredProbs,
  });
  const flagged: number[] = [];
  for (let i = 0; i < issueMask.length; i++) if (issueMask[i]) flagged.push(i);
  const order = stableArgsort(
    flagged.map((i) => scores[i]),
    options.tieRank ? flagged.map((i) => options.tieRank![i]) : undefined,
  );
  return order.map((j) => flagged[j]);
}
