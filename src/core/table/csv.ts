/**
 * CSV export that is safe to open in a spreadsheet: text cells that a spreadsheet would run as a
 * formula (leading =, +, -, @, tab or carriage return) get a leading single quote (OWASP's advice
 * against CSV injection), and fields are quoted per RFC 4180. One writer for every table the app exports.
 */

export type CsvCell = string | number | boolean | null | undefined;

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

export function csvCell(value: unknown, delimiter = ','): string {
  let cell: string;
  if (value === null || value === undefined) cell = '';
  else if (typeof value === 'number') cell = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') cell = value ? 'true' : 'false';
  else cell = escapeFormula(String(value));
  const needsQuotes =
    cell.includes(delimiter) ||
    cell.includes('"') ||
    cell.includes('\n') ||
    cell.includes('\r') ||
    /^\s|\s$/.test(cell);
  return needsQuotes ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Object rows: `columns` are keys of the rows (header = key) or explicit {header, value} pairs. */
export function objectsToCsv<Row extends object>(
  rows: readonly Row[],
  columns: readonly (string | CsvColumn<Row>)[],
  options: CsvOptions = {},
): string {
  const resolved: CsvColumn<Row>[] = columns.map((c) =>
    typeof c === 'string' ? { header: c, value: (row: Row) => (row as Record<string, unknown>)[c] } : c,
  );
  return toCsv(
    resolved.map((c) => c.header),
    rows.map((row) => resolved.map((c) => c.value(row) as CsvCell)),
    options,
  );
}

/** Array rows under a header row. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  options: CsvOptions = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const newline = options.newline ?? '\r\n';
  const lines = [header.map((h) => csvCell(h, delimiter)).join(delimiter)];
  for (const row of rows) lines.push(row.map((value) => csvCell(value, delimiter)).join(delimiter));
  return lines.join(newline) + newline;
}
