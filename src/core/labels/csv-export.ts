/**
 * CSV export that is safe to open in a spreadsheet: text cells that a spreadsheet would run as a
 * formula (leading =, +, -, @, tab or carriage return) get a leading single quote (OWASP's advice
 * against CSV injection), and fields are quoted per RFC 4180.
 */

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => unknown;
}

export interface CsvOptions {
  delimiter?: ',' | '\t' | ';';
  /** Line ending (default CRLF, as RFC 4180 and spreadsheets expect). */
  newline?: '\r\n' | '\n';
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Strings only: a number such as −3 is data, not a formula, and stays as it is. */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function formatCell(value: unknown, delimiter: string): string {
  let cell: string;
  if (value === null || value === undefined) cell = '';
  else if (typeof value === 'number') cell = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') cell = value ? 'true' : 'false';
  else cell = escapeFormula(String(value));
  const needsQuotes =
    cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r') || /^\s|\s$/.test(cell);
  return needsQuotes ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * `columns` is either keys of the row objects (header = key) or explicit {header, value} pairs.
 */
export function toCsv<Row extends object>(
  rows: readonly Row[],
  columns: readonly (string | CsvColumn<Row>)[],
  options: CsvOptions = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const newline = options.newline ?? '\r\n';
  const resolved: CsvColumn<Row>[] = columns.map((c) =>
    typeof c === 'string' ? { header: c, value: (row: Row) => (row as Record<string, unknown>)[c] } : c,
  );
  const lines = [resolved.map((c) => formatCell(c.header, delimiter)).join(delimiter)];
  for (const row of rows) lines.push(resolved.map((c) => formatCell(c.value(row), delimiter)).join(delimiter));
  return lines.join(newline) + newline;
}
