/**
 * Which texts the model will cut, found before the run with the model's own tokenizer. Counting every
 * token of a 50,000-row file on each edit would be slow, so the count is bounded: short texts cannot
 * exceed the maximum, a long text is decided on a prefix, and past a budget of characters the rest is
 * estimated from the tokens per character seen so far (and the message says it is an estimate).
 */
import { describeRows, plural, type Problem } from './problems';
import type { LabeledRow } from './input-checks';

export interface TokenCounter {
  /** The longest sequence the model reads, special tokens included. */
  maxTokens: number;
  /** Tokens the model would see for `text` before truncation, special tokens included. */
  count(text: string): number;
}

export interface LongTexts {
  /** Source rows whose texts exceed the model maximum. */
  rows: number[];
  /** True when some rows were judged by the tokens-per-character estimate rather than counted. */
  estimated: boolean;
}

/** Characters tokenized at most per check: about a second of tokenizer time in a browser worker. */
const TOKENIZE_BUDGET_CHARS = 2_000_000;
/** A prefix this many characters per allowed token has far more tokens than allowed in any real text. */
const PREFIX_CHARS_PER_TOKEN = 16;

/** UTF-8 length, stopping as soon as it exceeds `limit` (no token covers less than one byte). */
function utf8LengthExceeds(text: string, limit: number): boolean {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xe000 ? 2 : 3;
    if (bytes > limit) return true;
  }
  return false;
}

/** The text up to a whitespace near `length` characters, so no word is cut in two (a cut word can tokenize longer). */
function prefixAtWord(text: string, length: number): string {
  if (text.length <= length) return text;
  const space = text.lastIndexOf(' ', length);
  return text.slice(0, space > length / 2 ? space : length);
}

export function findLongTexts(
  rows: readonly LabeledRow[],
  counter: TokenCounter,
  budgetChars = TOKENIZE_BUDGET_CHARS,
): LongTexts {
  const overhead = counter.count('');
  // One more than the content can take: a SentencePiece word-start marker may add a token.
  const contentLimit = counter.maxTokens - overhead - 1;
  const prefixLength = counter.maxTokens * PREFIX_CHARS_PER_TOKEN;
  const long: number[] = [];
  let spentChars = 0;
  // Tokens per character, from the prefixes counted, for the rows past the budget.
  let sampleChars = 0;
  let sampleTokens = 0;
  let estimated = false;
  for (const row of rows) {
    const text = row.text;
    if (text.length * 3 <= contentLimit || !utf8LengthExceeds(text, contentLimit)) continue;
    if (spentChars >= budgetChars && sampleChars > 0) {
      estimated = true;
      if (overhead + (text.length * sampleTokens) / sampleChars > counter.maxTokens) long.push(row.sourceRow);
      continue;
    }
    const prefix = prefixAtWord(text, prefixLength);
    let tokens = counter.count(prefix);
    spentChars += prefix.length;
    sampleChars += prefix.length;
    sampleTokens += tokens - overhead;
    if (tokens <= counter.maxTokens && prefix.length < text.length) {
      tokens = counter.count(text);
      spentChars += text.length;
    }
    if (tokens > counter.maxTokens) long.push(row.sourceRow);
  }
  return { rows: long, estimated };
}

export function longTextProblem(rows: readonly LabeledRow[], counter: TokenCounter): Problem | null {
  const { rows: long, estimated } = findLongTexts(rows, counter);
  if (long.length === 0) return null;
  const max = counter.maxTokens.toLocaleString('en-US');
  return {
    code: 'long-texts',
    severity: 'info',
    message:
      `${estimated ? 'About ' : ''}${plural(long.length, 'text is', 'texts are')} longer than the model's maximum of ${max} tokens (${describeRows(long)}) and will be truncated: ` +
      `the model embeddings see only the first ${max} tokens of ${long.length === 1 ? 'it' : 'each'} (TF-IDF uses the whole text).` +
      (estimated ? ' The count is partly estimated from the tokens per character of the texts counted first.' : ''),
    rows: long,
  };
}
