/**
 * Problems found in pasted or uploaded data, phrased for the person who pasted it. Row numbers are
 * as a spreadsheet shows them: the first line of the input (the header, if any) is row 1.
 */
export type ProblemSeverity = 'error' | 'warning' | 'info';

export type ProblemCode =
  | 'empty-input'
  | 'header-only'
  | 'binary-data'
  | 'replacement-characters'
  | 'legacy-encoding'
  | 'utf16-bom'
  | 'malformed-quotes'
  | 'field-count'
  | 'mixed-delimiters'
  | 'invalid-json'
  | 'no-label-column'
  | 'no-text-column'
  | 'unknown-column'
  | 'incomplete-rows'
  | 'too-few-rows'
  | 'one-class'
  | 'single-row-class'
  | 'small-classes'
  | 'duplicate-rows'
  | 'conflicting-duplicates'
  | 'long-texts'
  | 'formula-cells'
  | 'similar-labels'
  | 'other-json-keys';

export interface Problem {
  code: ProblemCode;
  /** 'error' blocks the audit; 'warning' changes what is audited; 'info' is for the user to know. */
  severity: ProblemSeverity;
  message: string;
  /** Spreadsheet-style row numbers concerned, if any. */
  rows?: number[];
}

const LISTED_ROWS = 10;

/** "row 4", "rows 4 and 9", "rows 4, 9, 12 and 30 more". */
export function describeRows(rows: readonly number[]): string {
  if (rows.length === 1) return `row ${rows[0]}`;
  const shown = rows.slice(0, LISTED_ROWS);
  const rest = rows.length - shown.length;
  if (rest > 0) return `rows ${shown.join(', ')} and ${rest} more`;
  return `rows ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
