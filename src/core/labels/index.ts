/**
 * Public API of the label-audit core (pure TypeScript: worker, Node tests, benchmarks).
 *
 *   const parsed = parseLabeledText(pastedText, { excludeIncomplete: userAgreed });   // rows + problems
 *   if (!parsed.ok) show(parsed.problems);
 *   const X = { data: embeddings, rows: parsed.rows.length, cols: dim };            // Float32Array [N, D]
 *   const { crossValidation, audit } = runLabelAudit(X, parsed.labelIds, { folds: 5, seed, onProgress, signal });
 *   audit.ranking / audit.rows[i] / audit.classSummaries / toCsv(...) for export
 *
 * Confident learning reproduces cleanlab 2.9 exactly (tests/fixtures/cleanlab/SPEC.md); the
 * logistic regression solves scikit-learn's multinomial objective to a gradient tolerance.
 */
export { LabelInputError, type ProbabilityRows } from './validation';
export { numpySum, roundHalfEven, argmaxFirst, stableArgsort } from './numeric';
export { getConfidentThresholds } from './thresholds';
export {
  computeConfidentJoint,
  computeConfidentJointWithIndices,
  calibrateConfidentJoint,
  estimateJoint,
  type ConfidentJointOptions,
  type ConfidentJointResult,
  type EstimateJointOptions,
} from './confident-joint';
export { numLabelIssues, type NumLabelIssuesMethod } from './num-label-issues';
export { pruneCountMatrix, type PruneCountOptions } from './prune-count-matrix';
export {
  findLabelIssues,
  findRankedLabelIssues,
  FILTER_METHODS,
  type FilterBy,
  type FindLabelIssuesOptions,
  type FindRankedLabelIssuesOptions,
} from './filter';
export {
  getLabelQualityScores,
  orderLabelIssues,
  RANK_METHODS,
  type RankBy,
  type LabelQualityOptions,
  type OrderLabelIssuesOptions,
} from './rank';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type LbfgsStatus } from './lbfgs';
export {
  fitLogisticRegression,
  predictProba,
  type AbortSignalLike,
  type FeatureMatrix,
  type FitProgress,
  type LogisticModel,
  type LogisticRegressionOptions,
} from './logistic-regression';
export { stratifiedFoldAssignment, foldSplit, classCounts, FoldError, type StratifiedFoldsOptions } from './folds';
export {
  crossValPredictProba,
  type CrossValOptions,
  type CrossValProgress,
  type CrossValResult,
} from './cross-validation';
export {
  auditLabels,
  suggestLabels,
  type AuditOptions,
  type AuditResult,
  type AuditRow,
  type ClassSummary,
  type Suggestion,
} from './audit';
export {
  parseLabeledText,
  type ParseLabeledTextOptions,
  type ParsedLabeledText,
  type IncompleteRow,
  type LabeledRow,
} from './ingest';
export { decodeTextBytes, type DecodedText, type EncodingChoice, type TextEncoding } from './text-decoding';
export { findLongTexts, type LongTexts, type TokenCounter } from './long-texts';
export { delimiterCandidates, detectDelimiter, detectHeader, detectColumns, type Delimiter } from './column-detection';
export { looksLikeFormula } from './input-checks';
export { describeRows, type Problem, type ProblemCode, type ProblemSeverity } from './problems';
export { objectsToCsv, escapeFormula, type CsvColumn, type CsvOptions } from '../table/csv';
export { tfidfFeatures, tokenize, type TfidfOptions, type TfidfResult } from './tfidf';
export { l2NormalizeRows, concatFeatureBlocks, type ConcatOptions } from './feature-blocks';
export { runLabelAudit, featureMatrixFromRows, type LabelAuditRun, type LabelAuditRunOptions } from './pipeline';
export { featureStatistics } from './preconditioner';
