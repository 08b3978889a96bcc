/**
 * Guessing the shape of pasted tabular text: the delimiter, whether the first row is a header, and
 * which column holds the text and which the label. Every guess can be overridden by the caller.
 */

export type Delimiter = ',' | '\t' | ';' | '|';
export const DELIMITERS: readonly Delimiter[] = ['\t', ',', ';', '|'];

const SAMPLE_LINES = 50;

/** Occurrences of `delimiter` per line outside double-quoted fields, for the first lines. */
function countsPerLine(text: string, delimiter: string): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let count = 0;
  for (let i = 0; i < text.length && counts.length < SAMPLE_LINES; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === delimiter) count++;
    else if (!inQuotes && ch === '\n') {
      counts.push(count);
      count = 0;
    }
  }
  if (counts.length < SAMPLE_LINES && count > 0) counts.push(count);
  return counts;
}

/** Share of the first lines that `delimiter` splits into the most common (non-zero) number of fields. */
function delimiterScore(text: string, delimiter: Delimiter): number {
  const counts = countsPerLine(text, delimiter);
  if (counts.length === 0) return 0;
  const frequency = new Map<number, number>();
  for (const c of counts) if (c > 0) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  let modeCount = 0;
  for (const n of frequency.values()) modeCount = Math.max(modeCount, n);
  return modeCount / counts.length;
}

/**
 * Every delimiter that occurs in the first lines (outside quotes), most consistent first: what the
 * user can choose from when detection is unsure.
 */
export function delimiterCandidates(text: string): Delimiter[] {
  const scored = DELIMITERS.map((delimiter, order) => ({ delimiter, order, score: delimiterScore(text, delimiter) }));
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map((s) => s.delimiter);
}

/**
 * The candidate that splits most lines into the same number of fields (quote-aware, so commas in
 * quoted text do not count). Tabs win ties: they rarely occur inside prose.
 */
export function detectDelimiter(text: string): Delimiter | null {
  let best: Delimiter | null = null;
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const score = delimiterScore(text, delimiter);
    if (score > bestScore + 1e-9) {
      best = delimiter;
      bestScore = score;
    }
  }
  return bestScore >= 0.5 ? best : null;
}

const TEXT_HEADER_NAMES = [
  'text',
  'sentence',
  'content',
  'review',
  'document',
  'comment',
  'message',
  'tweet',
  'body',
  'input',
  'utterance',
  'question',
  'title',
  'description',
];
const LABEL_HEADER_NAMES = [
  'label',
  'labels',
  'class',
  'category',
  'target',
  'y',
  'sentiment',
  'intent',
  'tag',
  'topic',
  'gold',
  'annotation',
];

function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

export function isTextColumnName(name: string): boolean {
  return TEXT_HEADER_NAMES.includes(normalizeName(name));
}

export function isLabelColumnName(name: string): boolean {
  return LABEL_HEADER_NAMES.includes(normalizeName(name));
}

interface ColumnStats {
  averageLength: number;
  distinct: number;
  filled: number;
}

function columnStats(records: readonly string[][], column: number): ColumnStats {
  let total = 0,
    filled = 0;
  const values = new Set<string>();
  for (const record of records) {
    const value = (record[column] ?? '').trim();
    if (value === '') continue;
    total += value.length;
    filled++;
    values.add(value);
  }
  return { averageLength: filled > 0 ? total / filled : 0, distinct: values.size, filled };
}

/** Headers are short names, not numbers and not sentences. */
function looksLikeHeaderCell(cell: string): boolean {
  const value = cell.trim();
  return value !== '' && value.length <= 40 && !/^[-+]?\d+(\.\d+)?$/.test(value);
}

/**
 * The first row is a header when it names a known text/label column, or when it looks like names
 * (short, non-numeric cells, much shorter than the texts below) and its value in a label-like column
 * occurs nowhere below while that column's values otherwise repeat.
 */
export function detectHeader(records: readonly string[][]): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  if (first.some((cell) => isTextColumnName(cell) || isLabelColumnName(cell))) return true;
  if (records.length < 3 || !first.every(looksLikeHeaderCell)) return false;
  const body = records.slice(1);
  const width = first.length;
  const stats = Array.from({ length: width }, (_, c) => columnStats(body, c));
  const longest = stats.reduce((best, s, c) => (s.averageLength > stats[best].averageLength ? c : best), 0);
  if ((first[longest] ?? '').trim().length > stats[longest].averageLength / 2) return false;
  for (let c = 0; c < width; c++) {
    const repeats = stats[c].filled > 0 && stats[c].distinct <= Math.max(2, stats[c].filled / 2);
    const headCell = (first[c] ?? '').trim();
    if (repeats && !body.some((r) => (r[c] ?? '').trim() === headCell)) return true;
  }
  return false;
}

export interface ColumnChoice {
  textColumn: number;
  labelColumn: number;
}

/** Longest average length is the text; among the rest, the fewest distinct short values is the label. */
export function detectColumns(records: readonly string[][], header: readonly string[] | null): ColumnChoice | null {
  const width = records.slice(0, 200).reduce((max, r) => Math.max(max, r.length), header?.length ?? 0);
  if (width < 2) return null;
  if (header) {
    const text = header.findIndex(isTextColumnName);
    const label = header.findIndex(isLabelColumnName);
    if (text >= 0 && label >= 0 && text !== label) return { textColumn: text, labelColumn: label };
  }
  const stats = Array.from({ length: width }, (_, c) => columnStats(records, c));
  let textColumn = 0;
  for (let c = 1; c < width; c++) if (stats[c].averageLength > stats[textColumn].averageLength) textColumn = c;
  let labelColumn = -1;
  for (let c = 0; c < width; c++) {
    if (c === textColumn || stats[c].filled === 0) continue;
    if (labelColumn < 0) {
      labelColumn = c;
      continue;
    }
    const a = stats[c],
      b = stats[labelColumn];
    const better = a.distinct < b.distinct || (a.distinct === b.distinct && a.averageLength < b.averageLength);
    if (better) labelColumn = c;
  }
  if (labelColumn < 0) return null;
  return { textColumn, labelColumn };
}

/** Resolves a column given by index or header name; returns -1 when it does not exist. */
export function resolveColumn(choice: number | string, header: readonly string[] | null, width: number): number {
  if (typeof choice === 'number') return Number.isInteger(choice) && choice >= 0 && choice < width ? choice : -1;
  if (!header) return -1;
  const exact = header.indexOf(choice);
  if (exact >= 0) return exact;
  return header.findIndex((h) => normalizeName(h) === normalizeName(choice));
}
