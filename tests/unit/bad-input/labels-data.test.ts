/**
 * Bad labeled data through the parser the worker runs on pastes and dropped files
 * (parseLabeledData: bytes are decoded first, text is parsed as is). Each case names the problem the
 * user sees and its exact message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabeledData, type ParsingModel } from '../../../src/core/engine/labels/label-input';
import type { ProblemCode } from '../../../src/core/labels';
import { ModelTokenizer } from '../../../src/core/model/tokenizer';

const films = [
  'a wonderful film with a moving story,positive',
  'dull and far too long,negative',
  'the best thing I saw this year,positive',
  'I walked out after twenty minutes,negative',
  'brilliant acting and a clever plot,positive',
  'a waste of a good cast,negative',
];
const csv = (...lines: string[]) => ['text,label', ...lines].join('\n');
const utf16le = (text: string) => {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) bytes.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2);
  return bytes;
};
/** A model that reads at most 128 tokens: one per word plus [CLS] and [SEP]. */
const wordModel: ParsingModel = {
  tokenizer: {
    pieces: (text) => ({
      ids: text
        .split(/\s+/)
        .filter(Boolean)
        .map(() => 1),
      tokens: [],
    }),
    encode: () => ({
      ids: [0, 1],
      tokens: [],
      typeIds: [],
      attentionMask: [],
      special: [],
      continuation: [],
      untruncatedLength: 2,
    }),
  },
  info: { maxPositions: 128 },
};
const garbage = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7919 + 13) % 256);

interface DataCase {
  name: string;
  input: string | Uint8Array;
  code: ProblemCode;
  severity: 'error' | 'warning' | 'info';
  message: string | RegExp;
  /** Whether the audit can run despite the problem. */
  ok: boolean;
  /** The loaded model, when the check needs one. */
  model?: ParsingModel;
}

const cases: DataCase[] = [
  {
    name: 'CSV with an unbalanced quote',
    input: csv('"fine film",pos', '"broken film,neg', 'another,pos'),
    code: 'malformed-quotes',
    severity: 'error',
    message:
      'A quoted field is never closed (opening quote on line 3); everything after it was read as one cell. Add the missing closing quote, or double quotes inside a quoted field ("").',
    ok: false,
  },
  {
    name: 'mixed delimiters (commas, and a few rows with tabs)',
    input: csv(...films, 'a late tab-separated row\tpositive', 'another tab row\tnegative'),
    code: 'mixed-delimiters',
    severity: 'warning',
    message:
      'The data mixes delimiters: most rows are split by commas, but rows 8 and 9 use tabs. Use one delimiter throughout (or choose it above); those rows cannot be read as they are.',
    ok: false,
  },
  {
    name: 'a header only',
    input: 'text,label\n',
    code: 'header-only',
    severity: 'error',
    message: 'There is a header row but no data rows below it.',
    ok: false,
  },
  {
    name: 'empty input',
    input: ' \n\n ',
    code: 'empty-input',
    severity: 'error',
    message: 'The input is empty. Paste rows of text with a label, e.g. "text,label".',
    ok: false,
  },
  {
    name: 'one class',
    input: csv('a cat,animal', 'a dog,animal', 'a fish,animal'),
    code: 'one-class',
    severity: 'error',
    message: 'Every row has the same label ("animal"). Finding mislabeled rows needs at least 2 classes.',
    ok: false,
  },
  {
    name: 'one row',
    input: csv('a cat,animal'),
    code: 'too-few-rows',
    severity: 'error',
    message:
      'There is only one data row (row 2). Finding mislabeled rows needs many rows of at least 2 classes: at least 5 per class for 5-fold cross-validation.',
    ok: false,
  },
  {
    name: 'a 5 MB cell',
    input: csv(...films, `${'word '.repeat(1_000_000)},positive`),
    code: 'long-texts',
    severity: 'info',
    message:
      "1 text is longer than the model's maximum of 128 tokens (row 8) and will be truncated: the model embeddings see only the first 128 tokens of it (TF-IDF uses the whole text).",
    ok: true,
    model: wordModel,
  },
  {
    name: 'binary garbage (a dropped file)',
    input: garbage(4096),
    code: 'binary-data',
    severity: 'error',
    message:
      /^The input contains \d+ NUL bytes: it looks like a binary file \(a spreadsheet, archive or image\), not text\. Export it as CSV or TSV first\.$/,
    ok: false,
  },
  {
    name: 'a zip archive (an .xlsx saved as .csv)',
    input: new Uint8Array([
      0x50,
      0x4b,
      0x03,
      0x04,
      0x14,
      0x00,
      0x06,
      0x00,
      ...new TextEncoder().encode('[Content_Types].xml'),
      0,
      0,
      0,
    ]),
    code: 'binary-data',
    severity: 'error',
    message:
      'The input contains 5 NUL bytes: it looks like a binary file (a spreadsheet, archive or image), not text. Export it as CSV or TSV first.',
    ok: false,
  },
  {
    name: 'a UTF-16 file (dropped: decoded by its byte-order mark)',
    input: utf16le(csv(...films)),
    code: 'utf16-bom',
    severity: 'info',
    message: 'The file is UTF-16 (little-endian, it starts with a byte-order mark); it was converted to text as such.',
    ok: true,
  },
  {
    name: 'UTF-16 text pasted as if it were UTF-8',
    input: new TextDecoder('utf-8').decode(utf16le(csv(...films))),
    code: 'utf16-bom',
    severity: 'error',
    message:
      'This looks like a UTF-16 file read as UTF-8 (byte-order mark at the start, NUL bytes between letters). Load the file itself rather than pasting, or re-save it as UTF-8.',
    ok: false,
  },
  {
    name: 'a Latin-1 file (not valid UTF-8)',
    input: Uint8Array.from([
      ...new TextEncoder().encode('text,label\n'),
      0x63,
      0x61,
      0x66,
      0xe9,
      ...new TextEncoder().encode(' au lait,positive\n' + films.join('\n')),
    ]),
    code: 'legacy-encoding',
    severity: 'warning',
    message:
      'The file was read as Windows-1252 because it is not valid UTF-8 (it was probably saved as Windows-1252 or Latin-1); no character was lost. If accented letters look wrong, the file uses another encoding: re-save it as UTF-8.',
    ok: true,
  },
  {
    name: 'a class with a single row (caught before the run, by its label)',
    input: csv(...films, 'a documentary about bees,nature'),
    code: 'incomplete-rows',
    severity: 'error',
    message:
      '1 class has fewer than 2 rows, the least cross-validation can work with: "nature" (row 8). Fix it, or confirm that it should be left out of the audit.',
    ok: false,
  },
  {
    name: 'formula cells',
    input: csv(...films, '=HYPERLINK("http://example.invalid"),negative', '@SUM(A1:A9),positive'),
    code: 'formula-cells',
    severity: 'info',
    message:
      '2 rows start with =, +, -, @ or similar (rows 8 and 9). They are treated as plain text; exported CSV files escape them so a spreadsheet will not run them as formulas.',
    ok: true,
  },
  {
    name: 'one column only (no delimiter anywhere)',
    input: 'just some text\nand more text\nwithout labels\n',
    code: 'no-label-column',
    severity: 'error',
    message:
      'Could not find a second column: no line is split by a comma, tab, semicolon or pipe. Each row needs a text and a label, e.g. "great film,positive".',
    ok: false,
  },
  {
    name: 'rows with an empty text or label (need consent)',
    input: csv(...films, ',positive', 'no label here,'),
    code: 'incomplete-rows',
    severity: 'error',
    message:
      '2 rows have an empty text or label, or could not be read (rows 8 and 9). Fix them, or confirm that they should be left out of the audit.',
    ok: false,
  },
  {
    name: 'JSON lines that are not JSON',
    input: '{"text": "good film", "label": "pos"}\n{broken\n{"text": "bad film", "label": "neg"}\n',
    code: 'invalid-json',
    severity: 'warning',
    message: '1 line is not a JSON object (line 2). Each line must be one object such as {"text": "…", "label": "…"}.',
    ok: false,
  },
];

describe('bad labeled data: one clear message each', () => {
  it.each(cases)('$name', ({ input, code, severity, message, ok, model }) => {
    const { parsed } = parseLabeledData(input, {}, model ?? null);
    const problem = parsed.problems.find((p) => p.code === code);
    expect(problem, `problems: ${JSON.stringify(parsed.problems.map((p) => p.code))}`).toBeDefined();
    expect(problem!.severity).toBe(severity);
    if (typeof message === 'string') expect(problem!.message).toBe(message);
    else expect(problem!.message).toMatch(message);
    expect(parsed.ok).toBe(ok);
  });

  it('mixed delimiters are named once, not also as rows with the wrong number of fields', () => {
    const { parsed } = parseLabeledData(csv(...films, 'a late tab-separated row\tpositive'), {});
    expect(parsed.problems.map((p) => p.code)).toEqual(['mixed-delimiters', 'incomplete-rows', 'small-classes']);
    expect(parsed.incompleteRows).toEqual([
      { sourceRow: 8, text: 'a late tab-separated row\tpositive', label: '', reason: 'has 1 field, expected 2' },
    ]);
  });

  it('reads 100,000 rows in one go, losing none', () => {
    const lines = ['text\tlabel'];
    for (let i = 0; i < 100_000; i++)
      lines.push(
        `row ${i} ${i % 3 === 0 ? 'river boat water' : i % 3 === 1 ? 'engine wheel road' : 'flower leaf seed'}\t${['water', 'road', 'garden'][i % 3]}`,
      );
    const { parsed } = parseLabeledData(new TextEncoder().encode(lines.join('\n')), {});
    expect(parsed.ok).toBe(true);
    expect(parsed.rows).toHaveLength(100_000);
    expect(parsed.rows[99_999]).toEqual({ text: 'row 99999 river boat water', label: 'water', sourceRow: 100_001 });
    expect(parsed.classes).toEqual(['garden', 'road', 'water']);
    expect(parsed.problems).toEqual([]);
  });

  it('keeps a 5 MB cell whole (the model cuts it, the data does not)', () => {
    const cell = 'word '.repeat(1_000_000).trim();
    const { parsed } = parseLabeledData(csv(...films, `${cell},positive`), {});
    expect(parsed.rows[6].text).toBe(cell);
  });
});

describe('bad labeled data: nothing the user had is lost', () => {
  it('a Latin-1 file keeps its "é" in the parsed rows, and the decoded text goes back to the page', () => {
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('text,label\n'),
      0x63,
      0x61,
      0x66,
      0xe9,
      ...new TextEncoder().encode(' au lait,positive\n' + films.join('\n')),
    ]);
    const { parsed, text } = parseLabeledData(bytes, {});
    expect(parsed.rows[0]).toEqual({ text: 'café au lait', label: 'positive', sourceRow: 2 });
    expect(text?.startsWith('text,label\ncafé au lait,positive\n')).toBe(true);
    expect(parsed.problems.map((p) => p.code)).not.toContain('replacement-characters');
    // Reading it as UTF-8 instead stays possible, and then says what is lost.
    const asUtf8 = parseLabeledData(bytes, { encoding: 'utf-8' });
    expect(asUtf8.parsed.rows[0].text).toBe('caf\uFFFD au lait');
    expect(asUtf8.parsed.problems.map((p) => p.code)).toContain('replacement-characters');
  });

  it('a one-row class left out with consent: the audit gets the other rows, the row stays listed', () => {
    const { parsed } = parseLabeledData(csv(...films, 'a documentary about bees,nature'), { excludeIncomplete: true });
    expect(parsed.ok).toBe(true);
    expect(parsed.rows).toHaveLength(6);
    expect(parsed.classes).toEqual(['negative', 'positive']);
    expect(parsed.incompleteRows).toEqual([
      { sourceRow: 8, text: 'a documentary about bees', label: 'nature', reason: 'the only row labeled "nature"' },
    ]);
  });

  it("counts long texts with the default model's own tokenizer and maximum", () => {
    const dir = join(process.cwd(), 'models', 'playground-bert-mini');
    const tokenizer = new ModelTokenizer(
      readFileSync(join(dir, 'tokenizer.json'), 'utf8'),
      readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'),
    );
    const maxPositions = (
      JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { max_position_embeddings: number }
    ).max_position_embeddings;
    const texts = [
      'a short text',
      'antidisestablishmentarianism '.repeat(20).trim(),
      'the cat sat on the mat. '.repeat(30).trim(),
      'the cat sat on the mat. '.repeat(15).trim(),
      `${'word '.repeat(200_000)}`.trim(),
    ];
    const { parsed } = parseLabeledData(
      csv(...texts.map((t, i) => `${t},${i % 2 === 0 ? 'a' : 'b'}`)),
      {},
      { tokenizer, info: { maxPositions } },
    );
    const expected = texts.flatMap((t, i) => (tokenizer.encode(t).untruncatedLength > maxPositions ? [i + 2] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(texts.length - 1);
    expect(parsed.problems.find((p) => p.code === 'long-texts')?.rows).toEqual(expected);
  });
});
