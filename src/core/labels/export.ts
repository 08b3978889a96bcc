/**
 * What the label tool exports after review: the cleaned dataset as CSV (removed rows left out, accepted
 * suggestions applied) and the whole audit as JSON (per-row probabilities, decisions and the noise matrix).
 * Pure functions of the audit output and the user's decisions, so they are tested without a page.
 */
import type { LabelAuditOutput } from '../contracts/labels';
import { toCsv } from '../table/csv';
import { noiseMatricesOf } from './noise-matrix';

export const DECISION_NONE = 0;
export const DECISION_ACCEPT = 1;
export const DECISION_KEEP = 2;
export const DECISION_REMOVE = 3;
export type Decision = typeof DECISION_NONE | typeof DECISION_ACCEPT | typeof DECISION_KEEP | typeof DECISION_REMOVE;

const DECISION_NAMES = ['none', 'accept', 'keep', 'remove'];

/** The label a row ends up with after its decision. */
export function finalLabel(result: LabelAuditOutput, decisions: Uint8Array, row: number): string {
  const decision = decisions[row];
  return result.classes[decision === DECISION_ACCEPT ? result.suggestedLabels[row] : result.givenLabels[row]];
}

/** The cleaned dataset: removed rows left out, accepted suggestions applied (formula cells escaped by toCsv). */
export function cleanedCsv(result: LabelAuditOutput, texts: readonly string[], decisions: Uint8Array): string {
  const rows: string[][] = [];
  for (let i = 0; i < result.rows; i++) {
    if (decisions[i] === DECISION_REMOVE) continue;
    rows.push([texts[i], finalLabel(result, decisions, i)]);
  }
  return toCsv(['text', 'label'], rows);
}

export interface AuditExport {
  result: LabelAuditOutput;
  /** The source file's row number of each audited row. */
  sourceRows: Int32Array;
  texts: readonly string[];
  decisions: Uint8Array;
  /** The file name, or "pasted data". */
  source: string;
}

export function auditJson({ result, sourceRows, texts, decisions, source }: AuditExport): string {
  const matrices = noiseMatricesOf(result);
  const truncated = new Set(result.truncatedRows);
  const rows = Array.from({ length: result.rows }, (_, i) => ({
    row: sourceRows[i],
    text: texts[i],
    givenLabel: result.classes[result.givenLabels[i]],
    suggestedLabel: result.classes[result.suggestedLabels[i]],
    suggestedProbability: result.suggestedProbabilities[i],
    qualityScore: result.qualityScores[i],
    flagged: result.isIssue[i] === 1,
    /** The text was longer than the model's maximum and was cut to it for the embedding. */
    truncated: truncated.has(i),
    decision: DECISION_NAMES[decisions[i]],
    finalLabel: decisions[i] === DECISION_REMOVE ? null : finalLabel(result, decisions, i),
    probabilities: Object.fromEntries(
      result.classes.map((c, k) => [c, result.probabilities[i * result.numClasses + k]]),
    ),
  }));
  return JSON.stringify(
    {
      tool: 'Transformer Playground label audit',
      source,
      model: result.modelLabel,
      settings: result.settings,
      folds: result.folds,
      classes: result.classes,
      numIssues: result.numIssues,
      ranking: Array.from(result.ranking, (i) => sourceRows[i]),
      noiseMatrix: {
        description:
          'Estimated noise matrix: the calibrated confident joint, in rows; each row sums to the rows with that given label.',
        rows: 'given label',
        columns: 'estimated true label',
        counts: matrices.confidentJoint,
      },
      flaggedGivenVsSuggested: { rows: 'given label', columns: 'suggested label', counts: matrices.flaggedConfusion },
      estimatedJoint: result.estimatedJoint,
      classSummaries: result.classSummaries.map((s) => ({
        ...s,
        label: result.classes[s.label],
        mostConfusedWith: s.mostConfusedWith === null ? null : result.classes[s.mostConfusedWith],
      })),
      timingsMs: result.timings,
      notes: result.notes,
      rows,
    },
    null,
    1,
  );
}
