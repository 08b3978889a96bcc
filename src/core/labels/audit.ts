/**
 * The label audit as the app shows it: for every row the given label, the model's suggestion and
 * how much to trust the given label, plus the flagged rows in review order and per-class summaries.
 */
import { argmaxFirst } from './numeric';
import { computeConfidentJointWithIndices, estimateJoint } from './confident-joint';
import { findLabelIssues, type FindLabelIssuesOptions } from './filter';
import { getLabelQualityScores, orderLabelIssues, type RankBy } from './rank';
import { confidentThresholdsUnchecked } from './thresholds';
import { validateLabelInputs, type ProbabilityRows } from './validation';

export interface Suggestion {
  /** The class with the highest out-of-sample probability (first on ties). */
  label: number;
  probability: number;
}

export function suggestLabels(predProbs: ProbabilityRows): Suggestion[] {
  return predProbs.map((row) => {
    const label = argmaxFirst(row);
    return { label, probability: row[label] };
  });
}

export interface AuditOptions extends FindLabelIssuesOptions {
  /** Score used for qualityScore and the review order (default self_confidence). */
  rankBy?: RankBy;
  adjustPredProbs?: boolean;
}

export interface AuditRow {
  givenLabel: number;
  suggestedLabel: number;
  suggestedProbability: number;
  /** Probability-like score that the given label is right (higher = more trustworthy). */
  qualityScore: number;
  isIssue: boolean;
}

export interface ClassSummary {
  label: number;
  rows: number;
  issues: number;
  /** issues / rows (0 for an empty class). */
  issueRate: number;
  /** Mean probability the model gives a row's own class, over the class's rows (the confident threshold). */
  threshold: number;
  /** Flagged rows of this class by suggested label. */
  issuesBySuggestedLabel: number[];
  /** The class most of its flagged rows are suggested to be, or null. */
  mostConfusedWith: number | null;
}

export interface AuditResult {
  rows: AuditRow[];
  /** Flagged row indices, most likely mislabeled first. */
  ranking: number[];
  numIssues: number;
  /**
   * Calibrated confident joint C[given][true]: the estimated noise matrix in rows. Integer counts;
   * row k sums to the number of rows labelled k, the whole matrix to the number of rows.
   */
  confidentJoint: number[][];
  /** Estimated joint distribution Q[given][true] (sums to 1). */
  estimatedJoint: number[][];
  /** Flagged rows only, by given label (rows) and suggested label (columns). */
  flaggedConfusion: number[][];
  classSummaries: ClassSummary[];
}

export function auditLabels(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: AuditOptions = {},
): AuditResult {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'no' });
  const rankBy = options.rankBy ?? 'self_confidence';
  const mask = findLabelIssues(labels, predProbs, options);
  const scores = getLabelQualityScores(labels, predProbs, { method: rankBy, adjustPredProbs: options.adjustPredProbs });
  const ranking = orderLabelIssues(mask, labels, predProbs, {
    method: rankBy,
    adjustPredProbs: options.adjustPredProbs,
    tieRank: options.tieRank,
  });
  const suggestions = suggestLabels(predProbs);
  const rows: AuditRow[] = labels.map((givenLabel, i) => ({
    givenLabel,
    suggestedLabel: suggestions[i].label,
    suggestedProbability: suggestions[i].probability,
    qualityScore: scores[i],
    isIssue: mask[i],
  }));

  const issuesBySuggested = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const classRows = new Array<number>(numClasses).fill(0);
  rows.forEach((row) => {
    classRows[row.givenLabel]++;
    if (row.isIssue) issuesBySuggested[row.givenLabel][row.suggestedLabel]++;
  });
  const thresholds = confidentThresholdsUnchecked(labels, predProbs, numClasses);
  const classSummaries: ClassSummary[] = classRows.map((count, k) => {
    const bySuggested = issuesBySuggested[k];
    const issues = bySuggested.reduce((a, b) => a + b, 0);
    const top = argmaxFirst(bySuggested);
    return {
      label: k,
      rows: count,
      issues,
      issueRate: count > 0 ? issues / count : 0,
      threshold: count > 0 ? thresholds[k] : NaN,
      issuesBySuggestedLabel: bySuggested,
      mostConfusedWith: issues > 0 ? top : null,
    };
  });

  return {
    rows,
    ranking,
    numIssues: ranking.length,
    confidentJoint: computeConfidentJointWithIndices(labels, predProbs).confidentJoint,
    estimatedJoint: estimateJoint(labels, predProbs),
    flaggedConfusion: issuesBySuggested.map((row) => row.slice()),
    classSummaries,
  };
}
