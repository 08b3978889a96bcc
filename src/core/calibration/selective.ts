/**
 * Selective prediction: abstain on the least certain positions first and watch the accuracy of the rest
 * (El-Yaniv & Wiener 2010), and how well each certainty measure tells wrong predictions from right ones
 * (AUROC, wrong = positive).
 *
 * - Certainty order: highest max probability first; lowest predictive entropy first; lowest mutual
 *   information first. Ties keep the position order, so the curve is deterministic.
 * - The area is the mean accuracy over coverages k/n, k = 1..n.
 * - AUROC is the Mann–Whitney statistic: the probability that a wrong position looks less certain than a
 *   right one, ties counting one half (average ranks), as roc_auc_score computes it.
 */
import type {
  CertaintyMeasure,
  McPredictionColumns,
  PredictionColumns,
  SelectiveCurve,
} from '../contracts/calibration';
import { correctness } from './metrics';

/** Uncertainty score per position for a measure: larger = less certain. */
export function uncertaintyScores(
  columns: PredictionColumns | McPredictionColumns,
  measure: CertaintyMeasure,
): Float64Array {
  if (measure === 'maxProbability') return columns.maxProb.map((p) => -p);
  if (measure === 'predictiveEntropy') return Float64Array.from(columns.entropy);
  if (!('mutualInformation' in columns))
    throw new Error('Mutual information needs MC-dropout samples; the dropout-off prediction has none.');
  return Float64Array.from(columns.mutualInformation);
}

/** accuracy[k − 1] of the k most certain positions, k = 1..n, certainty = low score. */
export function accuracyCoverage(scores: ArrayLike<number>, right: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  const accuracy = new Float64Array(n);
  let hits = 0;
  for (let k = 0; k < n; k++) {
    hits += right[order[k]];
    accuracy[k] = hits / (k + 1);
  }
  return accuracy;
}

/** P(score of a wrong position > score of a right one) + ½ P(equal); null without both kinds. */
export function aurocWrongVsRight(scores: ArrayLike<number>, right: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let wrongRankSum = 0;
  let wrong = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start + 1 .. end share their average.
    const averageRank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++)
      if (!right[order[j]]) {
        wrong++;
        wrongRankSum += averageRank;
      }
    start = end;
  }
  const rightCount = n - wrong;
  if (wrong === 0 || rightCount === 0) return null;
  return (wrongRankSum - (wrong * (wrong + 1)) / 2) / (wrong * rightCount);
}

export function selectiveCurve(
  columns: PredictionColumns | McPredictionColumns,
  trueId: ArrayLike<number>,
  measure: CertaintyMeasure,
): SelectiveCurve {
  const scores = uncertaintyScores(columns, measure);
  const right = correctness(columns, trueId);
  const accuracy = accuracyCoverage(scores, right);
  let area = 0;
  for (const a of accuracy) area += a;
  return {
    measure,
    accuracy,
    area: accuracy.length ? area / accuracy.length : NaN,
    auroc: aurocWrongVsRight(scores, right),
  };
}
