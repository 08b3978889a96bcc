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
