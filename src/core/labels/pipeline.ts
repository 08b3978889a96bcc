/**
 * The whole label audit on ready-made features: out-of-sample probabilities by stratified K-fold
 * logistic regression, then confident learning on them. This is what the worker calls once the
 * texts are embedded.
 */
import { auditLabels, type AuditOptions, type AuditResult } from './audit';
import { crossValPredictProba, type CrossValOptions, type CrossValResult } from './cross-validation';
import type { FeatureMatrix } from './logistic-regression';

export interface LabelAuditRunOptions extends CrossValOptions, AuditOptions {}

export interface LabelAuditRun {
  crossValidation: CrossValResult;
  audit: AuditResult;
}

export function runLabelAudit(
  X: FeatureMatrix,
  labels: readonly number[],
  options: LabelAuditRunOptions = {},
): LabelAuditRun {
  const crossValidation = crossValPredictProba(X, labels, options);
  const audit = auditLabels(labels, crossValidation.probabilityRows, options);
  return { crossValidation, audit };
}

/** Packs rows of numbers (e.g. from JSON) into the flat matrix the solver works on. */
export function featureMatrixFromRows(rows: readonly ArrayLike<number>[]): FeatureMatrix & { data: Float64Array } {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`Feature row ${i} has ${row.length} values, row 0 has ${cols}.`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  return { data, rows: rows.length, cols };
}
