/**
 * Checks on pasted data that do not stop parsing but that the user should hear about: binary or
 * mis-encoded input, too few rows per class, duplicates, spreadsheet formulas.
 */
import { describeRows, plural, type Problem } from './problems';

export interface LabeledRow {
  text: string;
  label: string;
  /** Spreadsheet-style row number in the input (header = row 1). */
  sourceRow: number;
}

/** Binary files usually contain NUL bytes; text almost never does. */
export function checkRawText(text: string): Problem[] {
  const problems: Problem[] = [];
  const sample = text.slice(0, 1 << 20);
  const nulCount = (sample.match(/\u0000/g) ?? []).length;
  const replacementCount = (sample.match(/\uFFFD/g) ?? []).length;
  // UTF-16 read as UTF-8: its byte-order mark turns into two replacement (or Latin-1) characters and
  // every ASCII letter is followed or preceded by a NUL.
  const utf16Misread =
    /^(\uFFFD\uFFFD|\u00FF\u00FE|\u00FE\u00FF)/.test(text) ||
    /^(?:[^\u0000]\u0000){4}|^(?:\u0000[^\u0000]){4}/.test(sample);
  if (utf16Misread) {
    problems.push({
      code: 'utf16-bom',
      severity: 'error',
      message:
        'This looks like a UTF-16 file read as UTF-8 (byte-order mark at the start, NUL bytes between letters). ' +
        'Load the file itself rather than pasting, or re-save it as UTF-8.',
    });
    return problems;
  }
  if (nulCount > 0) {
    problems.push({
      code: 'binary-data',
      severity: 'error',
      message: `The input contains ${plural(nulCount, 'NUL byte')}: it looks like a binary file (a spreadsheet, archive or image), not text. Export it as CSV or TSV first.`,
    });
  }
  if (replacementCount > 0) {
    problems.push({
      code: 'replacement-characters',
      severity: 'warning',
      message: `The input contains ${plural(replacementCount, 'unreadable character')} ("\uFFFD"), usually a file saved in another encoding than UTF-8. Re-save it as UTF-8 if the texts look wrong.`,
    });
  }
  return problems;
}

/** Cells a spreadsheet would run as a formula when the data is opened there. */
export function looksLikeFormula(cell: string): boolean {
  return /^(=|@|[+-](?=[^\s\d.,])|\t|\r)/.test(cell);
}

export interface RowCheckOptions {
  folds: number;
}

export interface SingleRowClasses {
  /** Rows whose class has fewer than the minimum rows, in input order: to set aside with consent. */
  rows: LabeledRow[];
  /** Set instead when setting them aside would leave fewer than 2 classes: the data cannot be audited as read. */
  blocking: Problem | null;
}

/**
 * Classes too small for cross-validation (a class needs a row to train on and one to predict). Caught
 * here, before the run, rather than after every embedding has been computed.
 */
export function singleRowClasses(rows: readonly LabeledRow[], minRows: number): SingleRowClasses {
  if (minRows <= 1 || rows.length <= 1) return { rows: [], blocking: null };
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  const small = [...counts].filter(([, n]) => n < minRows);
  if (small.length === 0) return { rows: [], blocking: null };
  const large = [...counts].filter(([, n]) => n >= minRows).map(([label]) => label);
  if (large.length >= 2) return { rows: rows.filter((r) => counts.get(r.label)! < minRows), blocking: null };
  const named = small
    .slice(0, 10)
    .map(([label, n]) => `"${label}" has ${plural(n, 'row')}`)
    .join(', ');
  const more = small.length > 10 ? ` and ${small.length - 10} more` : '';
  const message =
    large.length === 0 && small.every(([, n]) => n === 1)
      ? `No label occurs in more than one row (${plural(rows.length, 'row')}, each with its own label): this is probably not the label column. Choose the label column above.`
      : `Finding mislabeled rows needs at least 2 classes with at least ${minRows} rows each, but ${large.length === 0 ? 'no class has' : `only "${large[0]}" has`} that many: ${named}${more}. Add rows to the small classes, or fix their labels.`;
  return { rows: [], blocking: { code: 'single-row-class', severity: 'error', message } };
}

export function checkRows(rows: readonly LabeledRow[], options: RowCheckOptions): Problem[] {
  const problems: Problem[] = [];
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  if (rows.length === 1) {
    problems.push({
      code: 'too-few-rows',
      severity: 'error',
      message: `There is only one data row (row ${rows[0].sourceRow}). Finding mislabeled rows needs many rows of at least 2 classes: at least ${options.folds} per class for ${options.folds}-fold cross-validation.`,
      rows: [rows[0].sourceRow],
    });
    return problems;
  }
  if (rows.length > 0 && counts.size === 1) {
    const [only] = counts.keys();
    problems.push({
      code: 'one-class',
      severity: 'error',
      message: `Every row has the same label ("${only}"). Finding mislabeled rows needs at least 2 classes.`,
    });
  }
  const small = [...counts]
    .filter(([, n]) => n < options.folds)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  if (small.length > 0 && counts.size > 1) {
    const list = small.map(([label, n]) => `"${label}" has ${plural(n, 'row')}`).join(', ');
    problems.push({
      code: 'small-classes',
      severity: 'warning',
      message: `Some classes have fewer rows than the ${options.folds} cross-validation folds: ${list}. Add rows, merge or remove those classes, or use fewer folds.`,
    });
  }

  const firstByText = new Map<string, LabeledRow>();
  const duplicates: number[] = [];
  const conflicts: number[] = [];
  for (const row of rows) {
    const key = row.text.trim().toLowerCase();
    const first = firstByText.get(key);
    if (!first) {
      firstByText.set(key, row);
    } else if (first.label === row.label) {
      duplicates.push(row.sourceRow);
    } else {
      conflicts.push(row.sourceRow);
    }
  }
  if (duplicates.length > 0) {
    problems.push({
      code: 'duplicate-rows',
      severity: 'info',
      message: `${plural(duplicates.length, 'row repeats', 'rows repeat')} an earlier row's text and label (${describeRows(duplicates)}). Duplicates can hide label errors because their copies vote together.`,
      rows: duplicates,
    });
  }
  if (conflicts.length > 0) {
    problems.push({
      code: 'conflicting-duplicates',
      severity: 'warning',
      message: `${plural(conflicts.length, 'row has', 'rows have')} the same text as an earlier row but a different label (${describeRows(conflicts)}). At least one of each pair is mislabeled.`,
      rows: conflicts,
    });
  }

  const formulas = rows.filter((r) => looksLikeFormula(r.text) || looksLikeFormula(r.label)).map((r) => r.sourceRow);
  if (formulas.length > 0) {
    problems.push({
      code: 'formula-cells',
      severity: 'info',
      message: `${plural(formulas.length, 'row starts', 'rows start')} with =, +, -, @ or similar (${describeRows(formulas)}). They are treated as plain text; exported CSV files escape them so a spreadsheet will not run them as formulas.`,
      rows: formulas,
    });
  }
  return problems;
}
