/**
 * Parsing pasted labeled text (CSV, TSV, semicolon- or pipe-separated, or JSON lines) into
 * (text, label) rows, with every problem reported in plain English with its row numbers. Nothing is
 * dropped silently: rows that cannot be used are returned separately and are only left out of the
 * audit once the caller passes `excludeIncomplete: true` (the user's consent).
 */
import {
  DELIMITERS,
  delimiterCandidates,
  detectColumns,
  detectDelimiter,
  detectHeader,
  resolveColumn,
  type Delimiter,
} from './column-detection';
import { checkRawText, checkRows, singleRowClasses, type LabeledRow } from './input-checks';
import { labelVariantsProblem } from './label-variants';
import { longTextProblem, type TokenCounter } from './long-texts';
import { describeRows, plural, type Problem } from './problems';
import { modeOf, NESTED_VALUE, parseDelimited, parseJsonLines, type IncompleteRow, type Table } from './table-readers';

export type { LabeledRow } from './input-checks';
export type { IncompleteRow } from './table-readers';

export interface ParseLabeledTextOptions {
  format?: 'auto' | 'delimited' | 'jsonl';
  delimiter?: Delimiter;
  hasHeader?: boolean;
  /** Column index (0-based) or header name / JSON key. */
  textColumn?: number | string;
  labelColumn?: number | string;
  /** Cross-validation folds the data is meant for; smaller classes are reported (default 5). */
  folds?: number;
  /**
   * The model's tokenizer and maximum length, to report the texts it will truncate (set in the worker,
   * where the model is; without it there is no such report).
   */
  tokenCounter?: TokenCounter;
  /**
   * Rows of a class with fewer rows than this are set aside like incomplete rows, with the user's
   * consent (the audit passes 2: cross-validation needs two rows of a class). Default 1: none.
   */
  minRowsPerClass?: number;
  /** The user agreed to leave out rows with an empty text or label or a broken shape. */
  excludeIncomplete?: boolean;
}

export interface ParsedLabeledText {
  rows: LabeledRow[];
  /** Rows that cannot be audited as they are, with the reason; never part of `rows`. */
  incompleteRows: IncompleteRow[];
  /** Distinct labels, sorted (numbers numerically). */
  classes: string[];
  /** Index into `classes` for every row of `rows`. */
  labelIds: number[];
  format: 'delimited' | 'jsonl';
  delimiter: Delimiter | null;
  /** Delimiters found in the first lines, most consistent first (what the user may choose from). */
  delimiterCandidates: Delimiter[];
  hasHeader: boolean;
  /**
   * Column names (header cells, JSON keys, or "column 1", …) and the columns used, or on a failure
   * the best guesses (-1 when there is none), so the user can always choose. Null when no table was read.
   */
  columns: { names: string[]; textColumn: number; labelColumn: number } | null;
  problems: Problem[];
  /** False when an error-level problem blocks the audit. */
  ok: boolean;
}

function finish(base: Omit<ParsedLabeledText, 'classes' | 'labelIds' | 'ok'>): ParsedLabeledText {
  const classes = [...new Set(base.rows.map((r) => r.label))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const index = new Map(classes.map((c, i) => [c, i]));
  return {
    ...base,
    classes,
    labelIds: base.rows.map((r) => index.get(r.label)!),
    ok: !base.problems.some((p) => p.severity === 'error'),
  };
}

export function parseLabeledText(input: string, options: ParseLabeledTextOptions = {}): ParsedLabeledText {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const folds = options.folds ?? 5;
  const problems: Problem[] = [];
  const empty = {
    rows: [] as LabeledRow[],
    incompleteRows: [] as IncompleteRow[],
    delimiter: null,
    delimiterCandidates: [] as Delimiter[],
    hasHeader: false,
    columns: null as ParsedLabeledText['columns'],
    problems,
  };
  const format =
    options.format && options.format !== 'auto' ? options.format : /^\s*\{/.test(text) ? 'jsonl' : 'delimited';

  if (text.trim() === '') {
    problems.push({
      code: 'empty-input',
      severity: 'error',
      message: 'The input is empty. Paste rows of text with a label, e.g. "text,label".',
    });
    return finish({ ...empty, format });
  }
  problems.push(...checkRawText(text));
  if (problems.some((p) => p.severity === 'error')) return finish({ ...empty, format });

  let table: Table;
  let delimiter: Delimiter | null = null;
  const candidates = format === 'delimited' ? delimiterCandidates(text) : [];
  let hasHeader: boolean;
  if (format === 'jsonl') {
    table = parseJsonLines(text);
    hasHeader = false;
    if (table.unreadable.length > 0) {
      const rows = table.unreadable.map((r) => r.sourceRow);
      problems.push({
        code: 'invalid-json',
        severity: 'warning',
        message: `${plural(rows.length, 'line is', 'lines are')} not a JSON object (line ${rows.slice(0, 10).join(', ')}${rows.length > 10 ? ', …' : ''}). Each line must be one object such as {"text": "…", "label": "…"}.`,
        rows,
      });
    }
  } else {
    delimiter = options.delimiter ?? detectDelimiter(text);
    if (!delimiter) {
      problems.push({
        code: 'no-label-column',
        severity: 'error',
        message:
          'Could not find a second column: no line is split by a comma, tab, semicolon or pipe. Each row needs a text and a label, e.g. "great film,positive".',
      });
      return finish({
        ...empty,
        format,
        delimiterCandidates: candidates,
        columns: { names: ['column 1'], textColumn: -1, labelColumn: -1 },
      });
    }
    const records = parseDelimited(text, delimiter, problems);
    hasHeader = options.hasHeader ?? detectHeader(records);
    table = {
      records: hasHeader ? records.slice(1) : records,
      sourceRows: records.map((_, i) => i + 1).slice(hasHeader ? 1 : 0),
      header: hasHeader ? records[0] : null,
      unreadable: [],
    };
  }

  if (table.records.length === 0) {
    const [code, message] =
      format === 'jsonl'
        ? (['empty-input', 'No line could be read as a JSON object with a text and a label.'] as const)
        : hasHeader
          ? (['header-only', 'There is a header row but no data rows below it.'] as const)
          : (['empty-input', 'No data rows were found.'] as const);
    problems.push({ code, severity: 'error', message });
    const names = table.header ?? [];
    const columns = names.length > 0 ? { names, textColumn: -1, labelColumn: -1 } : null;
    return finish({
      ...empty,
      format,
      delimiter,
      delimiterCandidates: candidates,
      hasHeader,
      columns,
      incompleteRows: table.unreadable,
    });
  }

  const width = table.records.reduce((max, r) => Math.max(max, r.length), table.header?.length ?? 0);
  const names = Array.from({ length: width }, (_, c) => table.header?.[c] ?? `column ${c + 1}`);
  const guessed = detectColumns(table.records, table.header);
  let textColumn = guessed?.textColumn ?? -1;
  let labelColumn = guessed?.labelColumn ?? -1;
  const quotedNames = names.map((n) => `"${n}"`).join(', ');
  const failed = (problem: Problem) => {
    problems.push(problem);
    return finish({
      ...empty,
      format,
      delimiter,
      delimiterCandidates: candidates,
      hasHeader,
      columns: { names, textColumn, labelColumn },
    });
  };
  for (const [which, choice] of [
    ['text', options.textColumn],
    ['label', options.labelColumn],
  ] as const) {
    if (choice === undefined) continue;
    const column = resolveColumn(choice, table.header, width);
    if (column < 0) {
      // Indices are 0-based inside, but people count columns from 1.
      const asked = typeof choice === 'number' ? `number ${choice + 1}` : `"${choice}"`;
      return failed({
        code: 'unknown-column',
        severity: 'error',
        message: `There is no ${which} column ${asked}: the data has ${plural(width, 'column')} (${quotedNames}). Choose the ${which} column again.`,
      });
    }
    if (which === 'text') textColumn = column;
    else labelColumn = column;
  }
  if (textColumn < 0 || labelColumn < 0 || textColumn === labelColumn) {
    return failed({
      code: textColumn < 0 ? 'no-text-column' : 'no-label-column',
      severity: 'error',
      message:
        textColumn >= 0 && textColumn === labelColumn
          ? `The text and the label cannot be the same column ("${names[textColumn]}"). Choose two different columns.`
          : `Could not tell which column holds the text and which the label (columns: ${quotedNames}). Choose them with the text and label column menus.`,
    });
  }
  const columns = { names, textColumn, labelColumn };

  const expectedWidth = table.header?.length ?? modeOf(table.records.map((r) => r.length));
  let rows: LabeledRow[] = [];
  const incompleteRows: IncompleteRow[] = [...table.unreadable];
  const wrongShape: number[] = [];
  const expectedKeys = [names[textColumn], names[labelColumn]];
  const otherKeys: { sourceRow: number; keys: string[] }[] = [];
  table.records.forEach((record, i) => {
    const sourceRow = table.sourceRows[i];
    const ownKeys = table.ownKeys?.[i];
    const missingKeys = ownKeys ? expectedKeys.filter((key) => !ownKeys.includes(key)) : [];
    const rowText = (record[textColumn] ?? '').trim();
    const label = (record[labelColumn] ?? '').trim();
    const extra = record.slice(expectedWidth).some((cell) => cell.trim() !== '');
    let reason: string | null = null;
    if (format === 'delimited' && (record.length < Math.max(textColumn, labelColumn) + 1 || extra)) {
      reason = `has ${plural(record.length, 'field')}, expected ${expectedWidth}`;
      wrongShape.push(sourceRow);
    } else if (ownKeys && missingKeys.length > 0) {
      reason = `its keys are ${quoteList(ownKeys)}, without ${quoteList(missingKeys)}`;
      otherKeys.push({ sourceRow, keys: ownKeys });
    } else if (rowText === NESTED_VALUE || label === NESTED_VALUE) {
      reason = 'the text or label is a list or object, not a single value';
    } else if (rowText === '' && label === '') reason = 'empty text and label';
    else if (rowText === '') reason = 'empty text';
    else if (label === '') reason = 'empty label';
    if (reason)
      incompleteRows.push({
        sourceRow,
        text: rowText.replace(NESTED_VALUE, ''),
        label: label.replace(NESTED_VALUE, ''),
        reason,
      });
    else rows.push({ text: rowText, label, sourceRow });
  });
  if (otherKeys.length > 0) {
    const first = otherKeys[0];
    problems.push({
      code: 'other-json-keys',
      severity: 'warning',
      message: `${plural(otherKeys.length, 'line has', 'lines have')} other keys than the ones read as text and label (${quoteList(expectedKeys)}): line ${first.sourceRow} has ${quoteList(first.keys)}${otherKeys.length > 1 ? ` (such lines: ${describeRows(otherKeys.map((r) => r.sourceRow)).replace(/^rows /, '')})` : ''}. Give every line the same keys, or choose the text and label keys above.`,
      rows: otherKeys.map((r) => r.sourceRow),
    });
  }
  // Rows that are one field wide but split by another delimiter: the data mixes delimiters.
  const otherDelimiter = new Map<Delimiter, number[]>();
  if (format === 'delimited' && delimiter) {
    table.records.forEach((record, i) => {
      if (record.length !== 1) return;
      const other = DELIMITERS.find((d) => d !== delimiter && record[0].includes(d));
      if (other) otherDelimiter.set(other, [...(otherDelimiter.get(other) ?? []), table.sourceRows[i]]);
    });
  }
  const name = (d: Delimiter) => (d === '\t' ? 'tabs' : d === ',' ? 'commas' : d === ';' ? 'semicolons' : 'pipes');
  for (const [other, mixedRows] of otherDelimiter) {
    problems.push({
      code: 'mixed-delimiters',
      severity: 'warning',
      message: `The data mixes delimiters: most rows are split by ${name(delimiter!)}, but ${describeRows(mixedRows)} ${mixedRows.length === 1 ? 'uses' : 'use'} ${name(other)}. Use one delimiter throughout (or choose it above); those rows cannot be read as they are.`,
      rows: mixedRows,
    });
  }
  const explained = new Set([...otherDelimiter.values()].flat());
  const unexplained = wrongShape.filter((row) => !explained.has(row));
  if (unexplained.length > 0) {
    problems.push({
      code: 'field-count',
      severity: 'warning',
      message: `${plural(unexplained.length, 'row has', 'rows have')} a different number of fields than the header (${describeRows(unexplained)}), often an unquoted ${delimiter === '\t' ? 'tab' : `"${delimiter}"`} inside the text. Quote such texts.`,
      rows: unexplained,
    });
  }
  const single = singleRowClasses(rows, options.minRowsPerClass ?? 1);
  if (single.blocking) problems.push(single.blocking);
  else if (single.rows.length > 0) {
    const setAside = new Set(single.rows);
    rows = rows.filter((row) => !setAside.has(row));
    for (const row of single.rows)
      incompleteRows.push({
        sourceRow: row.sourceRow,
        text: row.text,
        label: row.label,
        reason: `the only row labeled "${row.label}"`,
      });
  }
  incompleteRows.sort((a, b) => a.sourceRow - b.sourceRow);
  if (incompleteRows.length > 0)
    problems.push(incompleteRowsProblem(incompleteRows, single.blocking ? [] : single.rows, options));
  // A blocking single-row-class problem already names the small classes.
  problems.push(...checkRows(rows, { folds }).filter((p) => !(single.blocking && p.code === 'small-classes')));
  const variants = labelVariantsProblem(rows.map((row) => row.label));
  if (variants) problems.push(variants);
  if (options.tokenCounter) {
    const long = longTextProblem(rows, options.tokenCounter);
    if (long) problems.push(long);
  }
  return finish({
    rows,
    incompleteRows,
    format,
    delimiter,
    delimiterCandidates: candidates,
    hasHeader,
    columns,
    problems,
  });
}

/** One message for every row the audit cannot take as it is, asking for consent to leave them out. */
function incompleteRowsProblem(
  incompleteRows: IncompleteRow[],
  singleRows: readonly LabeledRow[],
  options: ParseLabeledTextOptions,
): Problem {
  const singles = new Set(singleRows.map((r) => r.sourceRow));
  const broken = incompleteRows.filter((r) => !singles.has(r.sourceRow)).map((r) => r.sourceRow);
  const all = incompleteRows.map((r) => r.sourceRow);
  const parts: string[] = [];
  if (broken.length > 0) {
    const list = describeRows(broken);
    parts.push(
      options.excludeIncomplete
        ? `${plural(broken.length, 'row was', 'rows were')} left out as you confirmed (${list}): an empty text or label, or a broken row`
        : `${plural(broken.length, 'row has', 'rows have')} an empty text or label, or could not be read (${list})`,
    );
  }
  if (singleRows.length > 0) {
    const named = singleRows.map((r) => `"${r.label}" (row ${r.sourceRow})`);
    const shown =
      named.length > 10 ? `${named.slice(0, 10).join(', ')} and ${named.length - 10} more` : named.join(', ');
    const minimum = options.minRowsPerClass ?? 2;
    parts.push(
      options.excludeIncomplete
        ? `${plural(singleRows.length, 'row was', 'rows were')} left out as you confirmed because no other row has ${singleRows.length === 1 ? 'its label' : 'their labels'}: ${shown}`
        : `${plural(singleRows.length, 'class has', 'classes have')} fewer than ${minimum} rows, the least cross-validation can work with: ${shown}`,
    );
  }
  const sentence = parts.join('; ');
  return {
    code: 'incomplete-rows',
    severity: options.excludeIncomplete ? 'warning' : 'error',
    message: options.excludeIncomplete
      ? `${sentence}.`
      : `${sentence}. Fix ${all.length === 1 ? 'it' : 'them'}, or confirm that ${all.length === 1 ? 'it' : 'they'} should be left out of the audit.`,
    rows: all,
  };
}

/** "a", "b" and "c" */
function quoteList(items: readonly string[]): string {
  const quoted = items.map((item) => `"${item}"`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}
