/**
 * The classification source of a calibration run: the label tool's rows, each read by the model's
 * classification head, its label matched to a class name of config.json's id2label. A row whose label is
 * not a class is not scored, and the result says how many and which (never dropped without a word).
 */
import {
  MAX_CALIBRATION_POSITIONS,
  MAX_UNMATCHED_EXAMPLES,
  type CalibrationRow,
  type UnmatchedRows,
} from '../../contracts/calibration';
import type { EncodedText } from '../../model/tokenizer';
import type { PreparedModel } from '../model/prepare-model';

export interface ScoredRow {
  /** Index in the rows given. */
  row: number;
  encoded: EncodedText;
  classId: number;
}

export interface RowPlan {
  output: string;
  labels: string[];
  rows: ScoredRow[];
  unmatched: UnmatchedRows;
  notes: string[];
}

export function planRows(model: PreparedModel, rows: readonly CalibrationRow[]): RowPlan {
  const output = model.description.roles.classification;
  const labels = model.info.classLabels;
  if (!output || !labels || labels.length === 0)
    throw new Error(
      "Scoring labelled rows needs a classification head whose classes are named (config.json's id2label); this model has none. Score a text instead.",
    );
  const width = model.description.roles.numLabels ?? labels.length;
  if (width !== labels.length)
    throw new Error(
      `The classification head gives ${width} classes but config.json's id2label names ${labels.length}; the rows' labels cannot be matched.`,
    );
  const classOf = new Map(labels.map((label, id) => [label, id]));
  const unmatched: UnmatchedRows = { count: 0, labels: [], examples: [] };
  const scored: ScoredRow[] = [];
  let truncated = 0;
  rows.forEach((row, index) => {
    const label = row.label.trim();
    const classId = classOf.get(label);
    if (classId === undefined) {
      unmatched.count++;
      if (!unmatched.labels.includes(label) && unmatched.labels.length < MAX_UNMATCHED_EXAMPLES)
        unmatched.labels.push(label);
      if (unmatched.examples.length < MAX_UNMATCHED_EXAMPLES)
        unmatched.examples.push({ row: index, text: row.text, label });
      return;
    }
    const encoded = model.tokenizer.encode(row.text, null, model.info.maxPositions);
    if (encoded.untruncatedLength > encoded.ids.length) truncated++;
    scored.push({ row: index, encoded, classId });
  });
  const notes: string[] = [];
  if (unmatched.count)
    notes.push(
      `${unmatched.count} of ${rows.length} rows were not scored: their label (${unmatched.labels.map((l) => `“${l}”`).join(', ')}${unmatched.count > unmatched.labels.length ? ', …' : ''}) is not one of the model's classes (${labels.join(', ')}).`,
    );
  if (truncated)
    notes.push(
      `${truncated === 1 ? 'One row was' : `${truncated} rows were`} longer than the model reads (${model.info.maxPositions} tokens) and cut.`,
    );
  if (scored.length < 2)
    throw new Error(
      rows.length === 0
        ? 'The label tool has no rows to score; paste or load labelled data there first.'
        : `Calibration needs at least two rows whose label is one of the model's classes (${labels.join(', ')}); ${scored.length === 0 ? 'none' : 'only one'} of the ${rows.length} rows has one${unmatched.labels.length ? ` (labels such as “${unmatched.labels[0]}” are not classes of this model)` : ''}.`,
    );
  if (scored.length > MAX_CALIBRATION_POSITIONS)
    throw new Error(
      `The data has ${scored.length} rows to score; calibration scores at most ${MAX_CALIBRATION_POSITIONS} at once. Use fewer rows.`,
    );
  return { output, labels, rows: scored, unmatched, notes };
}
