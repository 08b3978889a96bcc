import { describe, expect, it } from 'vitest';
import {
  decodeTextBytes,
  delimiterCandidates,
  detectDelimiter,
  findLongTexts,
  parseLabeledText,
  type ProblemCode,
  type TokenCounter,
} from '../../../src/core/labels';

const codes = (r: { problems: { code: ProblemCode }[] }) => r.problems.map((p) => p.code);
const problem = (
  r: { problems: { code: ProblemCode; message: string; rows?: number[]; severity: string }[] },
  code: ProblemCode,
) => r.problems.find((p) => p.code === code)!;

/** A stand-in tokenizer: one token per word plus [CLS] and [SEP]. */
const wordCounter = (maxTokens: number): TokenCounter => ({
  maxTokens,
  count: (text) => 2 + text.split(/\s+/).filter(Boolean).length,
});

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
    const text = films
      .map((l) => {
        const [t, y] = l.split(',');
        return `${y},${t}`;
      })
      .join('\r\n');
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
    expect(problem(missing, 'unknown-column').message).toMatch(
      /no label column "gold".*"id", "text", "label", "annotator"/,
    );
  });
});

describe('parseLabeledText: what the user can choose from when detection fails', () => {
  it('names a column chosen by index as people count (from 1) and still returns the columns and guesses', () => {
    const text = ['text,label', ...films].join('\n');
    const r = parseLabeledText(text, { labelColumn: 2 });
    expect(r.ok).toBe(false);
    expect(problem(r, 'unknown-column').message).toBe(
      'There is no label column number 3: the data has 2 columns ("text", "label"). Choose the label column again.',
    );
    expect(r.columns).toEqual({ names: ['text', 'label'], textColumn: 0, labelColumn: 1 });
    expect(r.delimiter).toBe(',');
    expect(r.hasHeader).toBe(true);
  });

  it('without any delimiter: one column, the delimiters found in the text, and an error', () => {
    const r = parseLabeledText('great film; very good\nawful film\nthe best, really\nboring\n');
    expect(problem(r, 'no-label-column').severity).toBe('error');
    expect(r.columns).toEqual({ names: ['column 1'], textColumn: -1, labelColumn: -1 });
    expect(r.delimiterCandidates).toEqual([',', ';']);
    // Choosing one of them reads the data (the texts are short, so nothing else is wrong with it).
    const chosen = parseLabeledText('great film;good\nawful film;bad\nthe best;good\nboring;bad\n', { delimiter: ';' });
    expect(chosen.ok).toBe(true);
    expect(chosen.rows).toHaveLength(4);
  });

  it('a text and a label chosen as the same column is an error that keeps the columns, and choosing two columns reads the data', () => {
    const text = ['text,label', ...films].join('\n');
    const same = parseLabeledText(text, { textColumn: 0, labelColumn: 0 });
    expect(problem(same, 'no-label-column').message).toBe(
      'The text and the label cannot be the same column ("text"). Choose two different columns.',
    );
    expect(same.columns?.names).toEqual(['text', 'label']);
    const fixed = parseLabeledText(text, { textColumn: 0, labelColumn: 1 });
    expect(fixed.ok).toBe(true);
    expect(fixed.rows).toHaveLength(6);
  });

  it('CSV taken for JSON lines (first cell starts with "{") keeps the format choice open and reads as CSV when chosen', () => {
    const text = ['{braces} in the first text,positive', ...films].join('\n');
    const auto = parseLabeledText(text);
    expect(auto.format).toBe('jsonl');
    expect(auto.ok).toBe(false);
    const csv = parseLabeledText(text, { format: 'delimited' });
    expect(csv.ok).toBe(true);
    expect(csv.rows[0]).toEqual({ text: '{braces} in the first text', label: 'positive', sourceRow: 1 });
  });

  it('lists delimiter candidates by how consistently they split the lines', () => {
    expect(delimiterCandidates('a\tb,c\nd\te\nf\tg,h,i\n')).toEqual(['\t', ',']);
    expect(delimiterCandidates('no delimiters at all\n')).toEqual([]);
  });
});

describe('parseLabeledText: classes too small for cross-validation', () => {
  const withSingle = ['text,label', ...films, 'a new kind of film,mixed'].join('\n');

  it('sets a one-row class aside before the run, naming its label, and leaves it out only with consent', () => {
    const r = parseLabeledText(withSingle, { minRowsPerClass: 2 });
    expect(r.ok).toBe(false);
    const p = problem(r, 'incomplete-rows');
    expect(p.message).toBe(
      '1 class has fewer than 2 rows, the least cross-validation can work with: "mixed" (row 8). Fix it, or confirm that it should be left out of the audit.',
    );
    expect(p.rows).toEqual([8]);
    expect(r.incompleteRows).toEqual([
      { sourceRow: 8, text: 'a new kind of film', label: 'mixed', reason: 'the only row labeled "mixed"' },
    ]);
    expect(r.classes).toEqual(['negative', 'positive']);
    const consented = parseLabeledText(withSingle, { minRowsPerClass: 2, excludeIncomplete: true });
    expect(consented.ok).toBe(true);
    expect(problem(consented, 'incomplete-rows').message).toBe(
      '1 row was left out as you confirmed because no other row has its label: "mixed" (row 8).',
    );
    expect(consented.rows).toHaveLength(6);
  });

  it('names empty rows and one-row classes in one message', () => {
    const r = parseLabeledText([withSingle, ',positive'].join('\n'), { minRowsPerClass: 2 });
    expect(problem(r, 'incomplete-rows').message).toBe(
      '1 row has an empty text or label, or could not be read (row 9); 1 class has fewer than 2 rows, the least cross-validation can work with: "mixed" (row 8). Fix them, or confirm that they should be left out of the audit.',
    );
  });

  it('classes with fewer rows than folds but at least 2 keep the fold warning, by label', () => {
    const r = parseLabeledText(
      ['text,label', ...films, 'a new kind of film,mixed', 'another odd film,mixed'].join('\n'),
      { minRowsPerClass: 2, folds: 5 },
    );
    expect(r.ok).toBe(true);
    expect(codes(r)).not.toContain('incomplete-rows');
    expect(problem(r, 'small-classes').message).toMatch(/"mixed" has 2 rows/);
  });

  it('does not set rows aside when that would leave fewer than 2 classes: a label column of unique values is named as the likely mistake', () => {
    const unique = parseLabeledText(['text,id', ...films.map((f, i) => `${f.split(',')[0]},id${i}`)].join('\n'), {
      minRowsPerClass: 2,
      textColumn: 0,
      labelColumn: 1,
    });
    expect(unique.ok).toBe(false);
    expect(problem(unique, 'single-row-class').message).toBe(
      'No label occurs in more than one row (6 rows, each with its own label): this is probably not the label column. Choose the label column above.',
    );
    expect(codes(unique)).not.toContain('small-classes');
    const lopsided = parseLabeledText(['text,label', 'one,a', 'two,a', 'three,a', 'four,b', 'five,c'].join('\n'), {
      minRowsPerClass: 2,
    });
    expect(problem(lopsided, 'single-row-class').message).toBe(
      'Finding mislabeled rows needs at least 2 classes with at least 2 rows each, but only "a" has that many: "b" has 1 row, "c" has 1 row. Add rows to the small classes, or fix their labels.',
    );
  });
});

describe('parseLabeledText: JSON lines', () => {
  it('reads objects with text/label keys, numbers as labels, and reports bad lines by number', () => {
    const text = [
      '{"text": "good film", "label": 1}',
      '{"text": "bad film", "label": 0}',
      'not json',
      '{"text": "ok", "label": 1}',
      '[1,2]',
    ].join('\n');
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
    const text =
      '{"body": "long text here one", "gold": "a", "meta": "x"}\n{"body": "long text here two", "gold": "b", "meta": "y"}';
    const r = parseLabeledText(text, { textColumn: 'body', labelColumn: 'gold' });
    expect(r.rows.map((x) => [x.text, x.label])).toEqual([
      ['long text here one', 'a'],
      ['long text here two', 'b'],
    ]);
  });
});

describe('parseLabeledText: lines with other keys and labels that differ only in spelling', () => {
  it('names the keys a line has and the keys expected, not "empty text and label"', () => {
    const text = [
      '{"text": "good film", "label": "pos"}',
      '{"text": "bad film", "label": "neg"}',
      '{"sentence": "fine film", "category": "pos"}',
      '{"text": "dull film", "label": "neg"}',
      '{"text": "great film", "label": "pos"}',
      '{"text": "odd film", "tag": "neg"}',
    ].join('\n');
    const r = parseLabeledText(text);
    expect(r.columns?.names.slice(r.columns.textColumn, r.columns.textColumn + 2)).toEqual(['text', 'label']);
    expect(r.incompleteRows.map((x) => [x.sourceRow, x.reason])).toEqual([
      [3, 'its keys are "sentence" and "category", without "text" and "label"'],
      [6, 'its keys are "text" and "tag", without "label"'],
    ]);
    expect(r.incompleteRows.some((x) => /empty/.test(x.reason))).toBe(false);
    expect(problem(r, 'other-json-keys').message).toBe(
      '2 lines have other keys than the ones read as text and label ("text" and "label"): line 3 has "sentence" and "category" (such lines: 3 and 6). Give every line the same keys, or choose the text and label keys above.',
    );
    // A key that is there with an empty value is still an empty text.
    const blank = parseLabeledText(
      '{"text": "", "label": "a"}\n{"text": "x y", "label": "b"}\n{"text": "z w", "label": "a"}',
    );
    expect(blank.incompleteRows.map((x) => x.reason)).toEqual(['empty text']);
  });

  it('warns that "1" and "1.0", or "Positive" and "positive ", are separate classes', () => {
    const rows = [
      'one,1',
      'two,1.0',
      'three,1',
      'four,0',
      'five,Positive',
      'six,positive',
      'seven,not  spam',
      'eight,Not spam',
    ];
    const r = parseLabeledText(`text,label\n${rows.join('\n')}`);
    expect(r.classes).toContain('1');
    expect(r.classes).toContain('1.0');
    const warning = problem(r, 'similar-labels');
    expect(warning.severity).toBe('warning');
    expect(warning.message).toContain('"1" (2 rows) and "1.0" (1 row)');
    expect(warning.message).toContain('"Positive" (1 row) and "positive" (1 row)');
    expect(warning.message).toContain('"not  spam" (1 row) and "Not spam" (1 row)');
    expect(warning.message).not.toContain('"0"');
    expect(codes(parseLabeledText('text,label\na b,1\nc d,10\ne f,01x\ng h,1x'))).not.toContain('similar-labels');
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
    expect(problem(small, 'small-classes').message).toMatch(
      /"mixed" has 1 row, "negative" has 3 rows, "positive" has 3 rows/,
    );
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

  it('flags texts longer than the model maximum in tokens, and formula-like cells', () => {
    const atLimit = 'word '.repeat(126).trim();
    const rows = [
      ...films,
      `${'word '.repeat(500)},positive`,
      '=HYPERLINK("http://x"),negative',
      '-5 degrees today,negative',
      `${atLimit},negative`,
      `${atLimit} more,positive`,
    ];
    const r = parseLabeledText(['text,label', ...rows].join('\n'), { tokenCounter: wordCounter(128) });
    expect(problem(r, 'long-texts').rows).toEqual([8, 12]);
    expect(problem(r, 'long-texts').message).toBe(
      "2 texts are longer than the model's maximum of 128 tokens (rows 8 and 12) and will be truncated: the model embeddings see only the first 128 tokens of each (TF-IDF uses the whole text).",
    );
    expect(problem(r, 'formula-cells').rows).toEqual([9]);
    // Without a model there is nothing to truncate to, so nothing is said.
    expect(codes(parseLabeledText(['text,label', ...rows].join('\n')))).not.toContain('long-texts');
  });

  it('counts long texts on a prefix, and past its budget estimates from the tokens per character, saying so', () => {
    const counted: string[] = [];
    const counter: TokenCounter = { maxTokens: 10, count: (text) => (counted.push(text), wordCounter(10).count(text)) };
    const rows = Array.from({ length: 40 }, (_, i) => ({
      text: i % 2 === 0 ? 'ab '.repeat(3 + i) : 'ab '.repeat(5000),
      label: 'x',
      sourceRow: i + 2,
    }));
    const exact = findLongTexts(rows, counter);
    expect(exact.estimated).toBe(false);
    expect(exact.rows).toEqual(rows.filter((r) => r.text.trim().split(' ').length + 2 > 10).map((r) => r.sourceRow));
    // A 15,000-character text is decided on its first 160 characters.
    expect(Math.max(...counted.map((t) => t.length))).toBeLessThanOrEqual(160);
    const estimated = findLongTexts(rows, counter, 500);
    expect(estimated.estimated).toBe(true);
    expect(estimated.rows).toEqual(exact.rows);
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
  });

  it('reads bytes that are not UTF-8 as Windows-1252, losing nothing, and says so; UTF-8 stays a choice', () => {
    const bytes = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]);
    const latin1 = decodeTextBytes(bytes);
    expect(latin1).toMatchObject({ text: 'café €5', encoding: 'windows-1252' });
    expect(latin1.problems).toHaveLength(1);
    expect(latin1.problems[0]).toMatchObject({ code: 'legacy-encoding', severity: 'warning' });
    expect(latin1.problems[0].message).toMatch(/^The file was read as Windows-1252 because it is not valid UTF-8/);
    const asUtf8 = decodeTextBytes(bytes, 'utf-8');
    expect(asUtf8.text).toBe('caf\uFFFD \uFFFD5');
    expect(asUtf8.problems[0].code).toBe('replacement-characters');
    // Valid UTF-8 is read as UTF-8 with no note; Windows-1252 only when chosen.
    const utf8 = new TextEncoder().encode('café');
    expect(decodeTextBytes(utf8)).toEqual({ text: 'café', encoding: 'utf-8', problems: [] });
    expect(decodeTextBytes(utf8, 'windows-1252').text).toBe('cafÃ©');
  });
});

describe('parseLabeledText: size', () => {
  it('handles 150,000 rows without recursion or spread limits', () => {
    const lines = ['text,label'];
    for (let i = 0; i < 150_000; i++)
      lines.push(`sample text number ${i} with a few words,${i % 3 === 0 ? 'spam' : 'ham'}`);
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
