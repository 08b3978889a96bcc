/**
 * Reading labeled data for the audit, off the main thread: file bytes are decoded (UTF-8 or UTF-16
 * by byte-order mark, with a note on bytes that are not valid UTF-8) and the text is parsed with
 * the labels core (papaparse for CSV / TSV, JSON lines), every problem reported.
 */
import { decodeTextBytes, parseLabeledText, type ParsedLabeledText, type ParseLabeledTextOptions } from '../labels';

export interface LabeledDataParse {
  parsed: ParsedLabeledText;
  /** The decoded text when bytes were given (so the page can keep it), else null. */
  text: string | null;
}

export function parseLabeledData(input: string | Uint8Array, options: ParseLabeledTextOptions = {}): LabeledDataParse {
  if (typeof input === 'string') return { parsed: parseLabeledText(input, options), text: null };
  const decoded = decodeTextBytes(input);
  const parsed = parseLabeledText(decoded.text, options);
  parsed.problems.unshift(...decoded.problems);
  return { parsed, text: decoded.text };
}

/**
 * A parse as it crosses to the page: 50,000 row objects cost the page hundreds of milliseconds to
 * receive, so the rows travel as one NUL-joined string (NUL never survives parsing) and typed arrays.
 */
export interface PackedParse {
  summary: Omit<ParsedLabeledText, 'rows' | 'labelIds'>;
  rowCount: number;
  /** Every row's text joined with "\0". */
  texts: string;
  labelIds: Int32Array;
  sourceRows: Int32Array;
  /** The decoded file text when bytes were parsed, else null. */
  text: string | null;
}

export const TEXT_SEPARATOR = '\u0000';

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

/** Rows for an audit as they cross from the page to the worker. */
export interface PackedRows {
  texts: string;
  count: number;
  labelIds: Int32Array;
  classes: string[];
}

export function unpackRows(rows: PackedRows): { texts: string[]; labels: string[] } {
  const texts = unpackTexts(rows.texts, rows.count);
  if (texts.length !== rows.count || rows.labelIds.length !== rows.count) throw new Error('The rows to audit arrived damaged; parse the data again.');
  return { texts, labels: Array.from(rows.labelIds, (k) => rows.classes[k]) };
}
