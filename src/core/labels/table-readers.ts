/**
 * Reading pasted labeled data into a table of records before any column is chosen: delimited text through
 * Papa Parse (with its quoting problems reported by line), JSON lines one object a line (with the lines that
 * are not one kept aside as unreadable rows).
 */
import Papa from 'papaparse';
import type { Delimiter } from './column-detection';
import { describeRows, type Problem } from './problems';

/** A row the audit cannot take as it is, with the reason (shown to the user, who may agree to leave it out). */
export interface IncompleteRow {
  sourceRow: number;
  text: string;
  label: string;
  reason: string;
}

/** The records read from the input, before any column is chosen. */
export interface Table {
  records: string[][];
  /** Spreadsheet row number of each record. */
  sourceRows: number[];
  header: string[] | null;
  /** Records that could not be read at all (bad JSON lines). */
  unreadable: IncompleteRow[];
  /** JSON lines: the keys each object has (a missing key and an empty value are different mistakes). */
  ownKeys?: string[][];
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

export function parseDelimited(text: string, delimiter: Delimiter, problems: Problem[]): string[][] {
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy' });
  const unterminated = result.errors.filter((e) => e.code === 'MissingQuotes');
  const malformed = result.errors.filter((e) => e.code === 'InvalidQuotes');
  if (unterminated.length > 0) {
    const lines = unterminated.map((e) => lineOfOffset(text, e.index ?? 0));
    problems.push({
      code: 'malformed-quotes',
      severity: 'error',
      message: `A quoted field is never closed (opening quote on line ${lines.join(', ')}); everything after it was read as one cell. Add the missing closing quote, or double quotes inside a quoted field ("").`,
      rows: unterminated.map((e) => (e.row ?? 0) + 1),
    });
  }
  if (malformed.length > 0) {
    const rows = malformed.map((e) => (e.row ?? 0) + 1);
    problems.push({
      code: 'malformed-quotes',
      severity: 'warning',
      message: `Misplaced quote characters in ${describeRows(rows)} (a quote right after a closing quote, or text after a quoted field). Check those rows; quotes inside a quoted field must be doubled ("").`,
      rows,
    });
  }
  return result.data;
}

/** Stands in for a JSON list or object where a single value was expected (NUL never survives checkRawText). */
export const NESTED_VALUE = '\u0000nested';

function jsonValueToCell(value: unknown): string | null {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function parseJsonLines(text: string): Table {
  const objects: { line: number; value: Record<string, unknown> }[] = [];
  const unreadable: IncompleteRow[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value))
        objects.push({ line: i + 1, value: value as Record<string, unknown> });
      else unreadable.push({ sourceRow: i + 1, text: line, label: '', reason: 'not a JSON object' });
    } catch {
      unreadable.push({ sourceRow: i + 1, text: line, label: '', reason: 'not valid JSON' });
    }
  });
  const keys: string[] = [];
  for (const { value } of objects.slice(0, 1000))
    for (const key of Object.keys(value)) if (!keys.includes(key)) keys.push(key);
  const records = objects.map(({ value }) => keys.map((key) => jsonValueToCell(value[key]) ?? NESTED_VALUE));
  return {
    records,
    sourceRows: objects.map((o) => o.line),
    header: keys,
    unreadable,
    ownKeys: objects.map(({ value }) => Object.keys(value)),
  };
}

/** The most common value (the usual row width when there is no header). */
export function modeOf(values: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = values[0] ?? 0,
    bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
