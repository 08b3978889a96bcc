/**
 * Reading labeled data for the audit, off the main thread: file bytes are decoded (UTF-8 or UTF-16
 * by byte-order mark, Windows-1252 when they are not valid UTF-8) and the text is parsed with the
 * labels core (papaparse for CSV / TSV, JSON lines), every problem reported. With a model loaded,
 * texts its tokenizer will cut are named before the run.
 */
import {
  decodeTextBytes,
  parseLabeledText,
  type EncodingChoice,
  type ParsedLabeledText,
  type ParseLabeledTextOptions,
  type TokenCounter,
} from '../../labels';
import type { ModelTokenizer } from '../../model/tokenizer';
import { TEXT_SEPARATOR, type PackedParse, type PackedRows } from '../../contracts/labels';

export interface LabeledDataParse {
  parsed: ParsedLabeledText;
  /** The decoded text when bytes were given (so the page can keep it), else null. */
  text: string | null;
}

/** What the parse needs of a loaded model. */
export interface ParsingModel {
  tokenizer: Pick<ModelTokenizer, 'pieces' | 'encode'>;
  info: { maxPositions: number };
}

export interface LabeledDataOptions extends Omit<ParseLabeledTextOptions, 'tokenCounter'> {
  /** How to decode bytes (ignored for text); 'auto' falls back to Windows-1252 when bytes are not UTF-8. */
  encoding?: EncodingChoice;
}

/** Token counts with the model's tokenizer: word pieces plus the special tokens every input gets. */
export function tokenCounterFor(model: ParsingModel): TokenCounter {
  const special = model.tokenizer.encode('').untruncatedLength;
  return {
    maxTokens: model.info.maxPositions,
    count: (text) => (text === '' ? special : special + model.tokenizer.pieces(text).ids.length),
  };
}

export function parseLabeledData(
  input: string | Uint8Array,
  options: LabeledDataOptions = {},
  model: ParsingModel | null = null,
): LabeledDataParse {
  const { encoding, ...rest } = options;
  // The audit's cross-validation needs two rows of a class: smaller classes are caught here, before the run.
  const parseOptions: ParseLabeledTextOptions = {
    minRowsPerClass: 2,
    ...rest,
    tokenCounter: model ? tokenCounterFor(model) : undefined,
  };
  if (typeof input === 'string') return { parsed: parseLabeledText(input, parseOptions), text: null };
  const decoded = decodeTextBytes(input, encoding);
  const parsed = parseLabeledText(decoded.text, parseOptions);
  parsed.problems.unshift(...decoded.problems);
  return { parsed, text: decoded.text };
}

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
