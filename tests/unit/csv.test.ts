import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/core/table/csv';

describe('CSV export', () => {
  it('quotes separators, quotes and line breaks so a parser reads the same cells back', () => {
    const rows = [['a,b', 'say "hi"', 'two\nlines', 3.5, true, null]];
    const text = toCsv(['text', 'quote', 'multi', 'number', 'flag', 'empty'], rows);
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: '\r\n' }).data;
    expect(parsed[1]).toEqual(['a,b', 'say "hi"', 'two\nlines', '3.5', 'true', '']);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const danger of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx'])
      expect(csvCell(danger).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('plain')).toBe('plain');
  });
});
