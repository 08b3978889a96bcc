/**
 * The MC-dropout batch mode's inputs from a CSV / TSV / JSON-lines file in the label tool's format: every
 * text with content is an input (rows without a label too), and the labels are kept only when every text
 * had one, so they line up with the inputs.
 */
import { MAX_BATCH_INPUTS, type BatchInputsRead } from '../contracts/uncertainty';
import { parseLabeledText } from '../labels/ingest';

export function readBatchInputs(content: string): BatchInputsRead {
  const parsed = parseLabeledText(content, { excludeIncomplete: true });
  const texts = [...parsed.rows.map((row) => row.text), ...parsed.incompleteRows.map((row) => row.text)]
    .map((text) => text.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return {
    texts: texts.slice(0, MAX_BATCH_INPUTS),
    labels:
      texts.length > 0 && parsed.rows.length === texts.length
        ? parsed.rows.slice(0, MAX_BATCH_INPUTS).map((row) => row.label)
        : null,
    total: texts.length,
    textColumn: (parsed.columns && parsed.columns.names[parsed.columns.textColumn]) ?? null,
    problems: parsed.problems.map((problem) => problem.message),
  };
}
