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
