import { describe, expect, it } from 'vitest';
import { decodeTextBytes, detectDelimiter, parseLabeledText, type ProblemCode } from '../../../src/core/labels';

const codes = (r: { problems: { code: ProblemCode }[] }) => r.problems.map((p) => p.code);
const problem = (r: { problems: { code: ProblemCode; message: string; rows?: number[]; severity: string }[] }, code: ProblemCode) =>
  r.problems.find((p) => p.code === code)!;

const films = [
  'a wonderful film with a moving story,positive',
  'dull and far too long,negative',
  'the best thing I saw this year,positive',
  'I walked out after twenty minutes,negative',
  'brilliant acting and a clever plot,positive',
  'a waste of a good cast,negative',
];

describe('parseLabeledText: delimiters, header and columns', () => {
  it.each([
    [',', 'comma'],
    ['\t', 'tab'],
    [';', 'semicolon'],
    ['|', 'pipe'],
  ])('detects the %j delimiter (%s), the header and the columns', (delimiter) => {
    const lines = ['review' + delimiter + 'sentiment', ...films.map((l) => l.replace(',', delimiter))];
    const r = parseLabeledText(lines.join('\n'));
    expect(r.delimiter).toBe(delimiter);
    expect(r.hasHeader).toBe(true);
    expect(r.columns).toMatchObject({ textColumn: 0, labelColumn: 1, names: ['review', 'sentiment'] });
    expect(r.rows).toHaveLength(6);
    expect(r.rows[0]).toEqual({ text: 'a wonderful film with a moving story', label: 'positive', sourceRow: 2 });
    expect(r.classes).toEqual(['negative', 'positive']);
    expect(r.labelIds.slice(0, 2)).toEqual([1, 0]);
  });

  it('finds the text and label columns by content when there is no header, label first', () => {
    const text = films.map((l) => { const [t, y] = l.split(','); return `${y},${t}`; }).join('\r\n');
    const r = parseLabeledText(text);
    expect(r.hasHeader).toBe(false);
    expect(r.columns).toMatchObject({ textColumn: 1, labelColumn: 0 });
    expect(r.rows[0].sourceRow).toBe(1);
  });

  it('detects an unnamed header from the label column', () => {
    const r = parseLabeledText(['sentence,y_true', ...films].join('\n'));
    expect(r.hasHeader).toBe(true);
    const r2 = parseLabeledText(['words,kind', ...films].join('\n'));
    expect(r2.hasHeader).toBe(true);
    expect(r2.rows).toHaveLength(6);
  });

  it('keeps commas inside quoted texts and picks the comma over other candidates', () => {
    const text = 'text,label\n"good, really good",pos\n"bad; very bad",neg\n"fine | ok",pos\n"awful, just awful",neg\n';
    expect(detectDelimiter(text)).toBe(',');
    const r = parseLabeledText(text);
    expect(r.rows.map((x) => x.text)).toEqual(['good, really good', 'bad; very bad', 'fine | ok', 'awful, just awful']);
  });

  it('honours explicit overrides by index and by header name, and names a missing column', () => {
    const text = ['id,text,label,annotator', ...films.map((l, i) => `${i},${l},ann${i % 2}`)].join('\n');
    expect(parseLabeledText(text).columns).toMatchObject({ textColumn: 1, labelColumn: 2 });
    const r = parseLabeledText(text, { labelColumn: 'annotator' });
    expect(r.rows[0].label).toBe('ann0');
    expect(parseLabeledText(text, { textColumn: 1, labelColumn: 3, hasHeader: true }).rows[1].label).toBe('ann1');
    const missing = parseLabeledText(text, { labelColumn: 'gold' });
    expect(missing.ok).toBe(false);
    expect(problem(missing, 'unknown-column').message).toMatch(/no label column "gold".*"id", "text", "label", "annotator"/);
  });
});

describe('parseLabeledText: JSON lines', () => {
  it('reads objects with text/label keys, numbers as labels, and reports bad lines by number', () => {
    const text = ['{"text": "good film", "label": 1}', '{"text": "bad film", "label": 0}', 'not json', '{"text": "ok", "label": 1}', '[1,2]'].join('\n');
    const r = parseLabeledText(text);
    expect(r.format).toBe('jsonl');
    expect(r.rows).toEqual([
      { text: 'good film', label: '1', sourceRow: 1 },
      { text: 'bad film', label: '0', sourceRow: 2 },
      { text: 'ok', label: '1', sourceRow: 4 },
    ]);
    expect(problem(r, 'invalid-json').rows).toEqual([3, 5]);
    expect(r.incompleteRows.map((x) => x.reason)).toEqual(['not valid JSON', 'not a JSON object']);
    const none = parseLabeledText('{broken\n{also broken', { format: 'jsonl' });
    expect(none.ok).toBe(false);
    expect(none.problems.map((p) => p.code)).toEqual(['invalid-json', 'empty-input']);
  });

  it('uses chosen keys', () => {
    const text = '{"body": "long text here one", "gold": "a", "meta": "x"}\n{"body": "long text here two", "gold": "b", "meta": "y"}';
    const r = parseLabeledText(text, { textColumn: 'body', labelColumn: 'gold' });
    expect(r.rows.map((x) => [x.text, x.label])).toEqual([['long text here one', 'a'], ['long text here two', 'b']]);
  });
});

describe('parseLabeledText: problems in plain English', () => {
  it('empty input and header only', () => {
    expect(codes(parseLabeledText('  \n '))).toEqual(['empty-input']);
    const headerOnly = parseLabeledText('text,label\n');
    expect(headerOnly.ok).toBe(false);
    expect(codes(headerOnly)).toContain('header-only');
  });

  it('one class only, and classes smaller than the folds named with their counts', () => {
    const one = parseLabeledText('text,label\nfoo bar,a\nbaz qux,a\n');
    expect(problem(one, 'one-class').message).toMatch(/same label \("a"\)/);
    expect(one.ok).toBe(false);
    const small = parseLabeledText(['text,label', ...films, 'a new kind of film,mixed'].join('\n'), { folds: 5 });
    expect(problem(small, 'small-classes').message).toMatch(/"mixed" has 1 row, "negative" has 3 rows, "positive" has 3 rows/);
  });

  it('sets rows with an empty text or label aside, and excludes them only with consent', () => {
    const text = ['text,label', films[0], ',positive', 'no label here,', films[1]].join('\n');
    const r = parseLabeledText(text);
    expect(r.rows).toHaveLength(2);
    expect(r.incompleteRows).toEqual([
      { sourceRow: 3, text: '', label: 'positive', reason: 'empty text' },
      { sourceRow: 4, text: 'no label here', label: '', reason: 'empty label' },
    ]);
    const p = problem(r, 'incomplete-rows');
    expect(p.severity).toBe('error');
    expect(p.message).toMatch(/rows 3 and 4.*confirm/);
    const consented = parseLabeledText(text, { excludeIncomplete: true });
    expect(problem(consented, 'incomplete-rows').severity).toBe('warning');
    expect(consented.ok).toBe(true);
  });

  it('reports duplicates, and same text with different labels', () => {
    const r = parseLabeledText(['text,label', ...films, films[0], 'Dull and far too long,positive'].join('\n'));
    expect(problem(r, 'duplicate-rows').rows).toEqual([8]);
    expect(problem(r, 'conflicting-duplicates').message).toMatch(/row 9/);
  });

  it('maps an unterminated quote to a message with its line number, and a row with extra fields', () => {
    const text = 'text,label\n"fine film",pos\n"broken film,neg\nanother,pos\n';
    const r = parseLabeledText(text);
    expect(r.ok).toBe(false);
    expect(problem(r, 'malformed-quotes').message).toMatch(/never closed \(opening quote on line 3\)/);
    const extra = parseLabeledText(['text,label', ...films, 'oh no, a comma,negative'].join('\n'));
    expect(problem(extra, 'field-count').message).toMatch(/row 8.*unquoted ","/);
    expect(extra.incompleteRows[0]).toMatchObject({ sourceRow: 8, reason: 'has 3 fields, expected 2' });
  });

  it('flags very long texts and formula-like cells', () => {
    const r = parseLabeledText(['text,label', ...films, `${'word '.repeat(500)},positive`, '=HYPERLINK("http://x"),negative', '-5 degrees today,negative'].join('\n'), { maxTextLength: 2000 });
    expect(problem(r, 'long-texts').rows).toEqual([8]);
    expect(problem(r, 'formula-cells').rows).toEqual([9]);
  });

  it('detects binary data, replacement characters and UTF-16 read as UTF-8', () => {
    expect(codes(parseLabeledText('PK\u0003\u0004\u0000\u0000abc,def\n'))).toContain('binary-data');
    const mojibake = parseLabeledText(['text,label', 'caf\uFFFD au lait,drink', ...films].join('\n'));
    expect(problem(mojibake, 'replacement-characters').message).toMatch(/1 unreadable character/);
    expect(mojibake.ok).toBe(true);
    expect(codes(parseLabeledText('\uFFFD\uFFFDt\u0000e\u0000x\u0000t\u0000'))).toEqual(['utf16-bom']);
  });
});

describe('decodeTextBytes', () => {
  it('decodes UTF-16 with a byte-order mark, strips a UTF-8 BOM and reports invalid UTF-8', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from('hé,1').flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(decodeTextBytes(utf16)).toMatchObject({ text: 'hé,1', encoding: 'utf-16le' });
    expect(decodeTextBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text).toBe('a');
    const latin1 = decodeTextBytes(new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
    expect(latin1.text).toBe('caf\uFFFD');
    expect(latin1.problems[0].code).toBe('replacement-characters');
  });
});

describe('parseLabeledText: size', () => {
  it('handles 150,000 rows without recursion or spread limits', () => {
    const lines = ['text,label'];
    for (let i = 0; i < 150_000; i++) lines.push(`sample text number ${i} with a few words,${i % 3 === 0 ? 'spam' : 'ham'}`);
    const r = parseLabeledText(lines.join('\n'));
    expect(r.ok).toBe(true);
    expect(r.rows).toHaveLength(150_000);
    expect(r.classes).toEqual(['ham', 'spam']);
  });
});

describe('header detection', () => {
  it('does not mistake a first data row with a one-off label for a header', () => {
    const text = ['an unusual first film that is in a class of its own,mixed', ...films].join('\n');
    const r = parseLabeledText(text);
    expect(r.hasHeader).toBe(false);
    expect(r.rows).toHaveLength(7);
  });

  it('recognises a header with unfamiliar names', () => {
    const r = parseLabeledText(['Tweet Body,Gold Class', ...films].join('\n'));
    expect(r.hasHeader).toBe(true);
    expect(r.columns?.names).toEqual(['Tweet Body', 'Gold Class']);
  });

  it('does not take numeric first rows for a header', () => {
    const r = parseLabeledText(['1,2', '3,4', '5,6', '7,8'].join('\n'));
    expect(r.hasHeader).toBe(false);
  });
});
