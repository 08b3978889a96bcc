/**
 * How the label tool's rows cross the worker boundary. 50,000 row objects cost the page hundreds of
 * milliseconds to receive, so a parse travels as one NUL-joined string and typed arrays (PackedParse), rows
 * to audit or train on come back the same way (PackedRows), and an audit's typed arrays are transferred.
 */
import { TEXT_SEPARATOR, type LabelAuditOutput, type PackedParse, type PackedRows } from '../core/contracts/labels';
import type { LabeledDataParse } from '../core/engine/labels/label-input';

export function packParse({ parsed, text }: LabeledDataParse): PackedParse {
  const { rows, labelIds, ...summary } = parsed;
  return {
    summary,
    rowCount: rows.length,
    texts: rows.map((r) => r.text).join(TEXT_SEPARATOR),
    labelIds: Int32Array.from(labelIds),
    sourceRows: Int32Array.from(rows, (r) => r.sourceRow),
    text,
  };
}

export function unpackTexts(texts: string, count: number): string[] {
  return count === 0 ? [] : texts.split(TEXT_SEPARATOR);
}

export function unpackRows(rows: PackedRows): { texts: string[]; labels: string[] } {
  const texts = unpackTexts(rows.texts, rows.count);
  if (texts.length !== rows.count || rows.labelIds.length !== rows.count)
    throw new Error('The rows to audit arrived damaged; parse the data again.');
  return { texts, labels: Array.from(rows.labelIds, (k) => rows.classes[k]) };
}

/** The rows a head trains on: texts, and label ids into `classes` as they came. */
export function unpackHeadRows(rows: PackedRows): { texts: string[]; labelIds: Int32Array; classes: string[] } {
  const texts = unpackTexts(rows.texts, rows.count);
  if (texts.length !== rows.count || rows.labelIds.length !== rows.count)
    throw new Error('The rows to train on arrived damaged; read the data again.');
  return { texts, labelIds: rows.labelIds, classes: rows.classes };
}

/** The transferable buffers of an audit output (for Comlink.transfer). */
export function auditTransferables(output: LabelAuditOutput): ArrayBuffer[] {
  return [
    output.givenLabels,
    output.probabilities,
    output.suggestedLabels,
    output.suggestedProbabilities,
    output.qualityScores,
    output.isIssue,
    output.ranking,
  ].map((a) => a.buffer as ArrayBuffer);
}
