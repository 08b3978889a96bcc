/**
 * The bad-input suite through the real UI entry points, in one page: the label paste box and file
 * drop, the model "Local files" picker, the analogy-file drop and the word-vector drop. Every case
 * checks the specific message the page shows and that what the user had is still there: the loaded
 * model, the pasted data, the last audit with its decisions, the last analogy evaluation, the user's
 * word vectors. (tests/unit/bad-input/* checks the same parsers' exact messages in Node.)
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx';
import { externalDataFiles } from '../helpers/external-data-files';
import {
  fusedAttentionModel,
  oversizedModel,
  randomBytes,
  singleMatMulModel,
  truncatedModelBytes,
} from '../helpers/onnx-bad-models';
import { TINY_VOCAB, tinyTokenizerJson } from '../helpers/onnx-tiny-tokenizer';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();
const tiny = tinyModelFiles();

const GOOD_ROWS = [
  'text,label',
  ...Array.from({ length: 6 }, (_, i) => `a river boat on the water number ${i},water`),
  ...Array.from({ length: 6 }, (_, i) => `an engine and a wheel on the road number ${i},road`),
];
const GOOD = GOOD_ROWS.join('\n');
const films = GOOD_ROWS.slice(1);

const garbage = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 7919 + 13) % 256));
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const biggerTokenizer = () => {
  const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
  const vocab = { ...json.model.vocab };
  for (let i = 0; i < 100; i++) vocab[`extra${i}`] = TINY_VOCAB.length + i;
  return JSON.stringify({ ...json, model: { ...json.model, vocab } });
};

let page: Page;
let closeContext: () => Promise<void>;
let modelName = '';
let auditSummary = '';

beforeAll(async () => {
  const context = await e2e.browser.newContext();
  closeContext = () => context.close();
  ({ page } = await openPage(context, e2e.url));
  await waitForModelReady(page);
  modelName = (await page.getByTestId('model-status').locator('.name').textContent()) ?? '';
  expect(modelName).not.toBe('');
});

afterAll(async () => {
  await closeContext?.();
});

async function expectModelKept(): Promise<void> {
  expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(modelName);
  await page.getByTestId('model-ready').waitFor();
}

async function labelsTab(): Promise<void> {
  await page.getByTestId('tab-labels').click();
  await page.getByTestId('labels-input').or(page.getByTestId('labels-parse-summary')).first().waitFor();
}

/** The last audit and its one decision are still shown. */
async function expectAuditKept(): Promise<void> {
  await page.getByTestId('labels-results').waitFor();
  expect(await page.getByTestId('labels-summary').textContent()).toBe(auditSummary);
}

describe('bad input through every entry point, in one page', () => {
  it('labels: a first good audit with one decision (the state every later case must keep)', async () => {
    await labelsTab();
    await page.getByTestId('labels-input').fill(GOOD);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^12 rows, 2 classes/);
    await page.getByLabel('TF-IDF words').check();
    await page.getByTestId('labels-run').click();
    await page.getByTestId('labels-results').waitFor({ timeout: 120_000 });
    const first = page.getByTestId('label-row').first();
    await first.getByTestId('remove').click();
    await expect
      .poll(() => page.getByTestId('labels-summary').textContent())
      .toMatch(/0 accepted, 0 kept, 1 to remove/);
    auditSummary = (await page.getByTestId('labels-summary').textContent())!;
  });

  const pasted: { name: string; text: string; message: string; runnable: boolean }[] = [
    {
      name: 'unbalanced quotes',
      text: 'text,label\n"fine film",pos\n"broken film,neg\nanother,pos\n',
      message: 'A quoted field is never closed (opening quote on line 3); everything after it was read as one cell.',
      runnable: false,
    },
    {
      name: 'mixed delimiters',
      text: [...GOOD_ROWS, 'a tab-separated row\twater', 'another tab row\troad'].join('\n'),
      message: 'The data mixes delimiters: most rows are split by commas, but rows 14 and 15 use tabs.',
      runnable: false,
    },
    {
      name: 'a header only',
      text: 'text,label\n',
      message: 'There is a header row but no data rows below it.',
      runnable: false,
    },
    {
      name: 'one class',
      text: 'text,label\na cat,animal\na dog,animal\na fish,animal\n',
      message: 'Every row has the same label ("animal"). Finding mislabeled rows needs at least 2 classes.',
      runnable: false,
    },
    {
      name: 'one row',
      text: 'text,label\na cat,animal\n',
      message: 'There is only one data row (row 2). Finding mislabeled rows needs many rows of at least 2 classes',
      runnable: false,
    },
    {
      name: 'UTF-16 text pasted as UTF-8',
      text: utf16le(GOOD).toString('utf8'),
      message: 'This looks like a UTF-16 file read as UTF-8 (byte-order mark at the start, NUL bytes between letters).',
      runnable: false,
    },
    {
      name: 'formula cells',
      text: [...GOOD_ROWS, '=1+1 a boat on the water,water', '@SUM(A1:A9) an engine,road'].join('\n'),
      message:
        '2 rows start with =, +, -, @ or similar (rows 14 and 15). They are treated as plain text; exported CSV files escape them',
      runnable: true,
    },
    {
      name: 'no second column',
      text: 'just some text\nand more text\n',
      message: 'Could not find a second column: no line is split by a comma, tab, semicolon or pipe.',
      runnable: false,
    },
  ];

  for (const { name, text, message, runnable } of pasted) {
    it(`labels paste box: ${name}`, async () => {
      await labelsTab();
      await page.getByTestId('labels-input').fill(text);
      await page.getByTestId('labels-problems').getByText(message).first().waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(!runnable);
      await expectAuditKept();
      await expectModelKept();
    });
  }

  it('labels paste box: detection fails, the user chooses the format and the columns, and the data is accepted', async () => {
    await labelsTab();
    const detected = page.getByTestId('labels-detected');
    const summary = page.getByTestId('labels-parse-summary');
    // A first text starting with "{" is taken for JSON lines: nothing can be read, but the format stays choosable.
    await page.getByTestId('labels-input').fill(['{braces} a river boat on the water,water', ...films].join('\n'));
    await page
      .getByTestId('labels-problems')
      .getByText('No line could be read as a JSON object with a text and a label.')
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(true);
    await detected.getByLabel('Format').selectOption('delimited');
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/^13 rows, 2 classes/);
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(false);

    // A third column with one value is guessed as the label: the user chooses the real one.
    await detected.getByLabel('Format').selectOption('auto');
    await page.getByTestId('labels-input').fill(films.map((row) => `${row},web`).join('\n'));
    await page
      .getByTestId('labels-problems')
      .getByText('Every row has the same label ("web").')
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('label-column').selectOption({ label: 'column 2' });
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/^12 rows, 2 classes/);
    expect(await page.getByTestId('labels-problems').getByText('Every row has the same label').count()).toBe(0);

    // Pasting data with fewer columns drops the choice made for the old data instead of failing on it.
    await page.getByTestId('label-column').selectOption({ label: 'column 3' });
    await page
      .getByTestId('labels-problems')
      .getByText('Every row has the same label ("web").')
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('labels-input').fill(GOOD);
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/^12 rows, 2 classes/);
    await expect.poll(() => page.getByTestId('label-column').inputValue()).toBe('');
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(false);
    await expectAuditKept();
    await expectModelKept();
  });

  it('labels paste box: a class with a single row is named before the run and left out only with consent', async () => {
    await labelsTab();
    await page.getByTestId('labels-input').fill([...GOOD_ROWS, 'a field of flowers,garden'].join('\n'));
    await page
      .getByText(
        '1 class has fewer than 2 rows, the least cross-validation can work with: "garden" (row 14). Fix it, or confirm that it should be left out of the audit.',
      )
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(true);
    await page.getByTestId('labels-consent').check();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^12 rows, 2 classes/);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(false);
    // The row stays listed; the consent can be taken back.
    await page.getByText('1 row that cannot be audited as read (left out)').click();
    await page.getByText('row 14: the only row labeled "garden" — “a field of flowers” [garden]').waitFor();
    await page.getByTestId('labels-consent').uncheck();
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(true);
    await page.getByTestId('labels-input').fill(GOOD);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^12 rows, 2 classes/);
    await expectAuditKept();
  });

  it('labels file drop: a Windows-1252 file keeps its accents and says how it was read', async () => {
    await labelsTab();
    const text = [...GOOD_ROWS, 'a café by the water,water'].join('\n');
    await page
      .locator('#panel-labels input[type=file]')
      .setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'latin1') });
    await page
      .getByTestId('labels-problems')
      .getByText(/^The file was read as Windows-1252 because it is not valid UTF-8/)
      .waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^13 rows, 2 classes/);
    expect(await page.getByTestId('labels-input').inputValue()).toBe(text);
    await page.getByTestId('labels-input').fill(GOOD);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^12 rows, 2 classes/);
    await expectAuditKept();
  });

  const rejectedFiles: { name: string; buffer: Buffer; message: RegExp }[] = [
    {
      name: 'garbage.csv',
      buffer: garbage(4096),
      message:
        /^garbage\.csv was not loaded: The input contains \d+ NUL bytes: it looks like a binary file \(a spreadsheet, archive or image\), not text\. Export it as CSV or TSV first\. Your previous data is kept\.$/,
    },
    {
      name: 'header.csv',
      buffer: Buffer.from('text,label\n'),
      message:
        /^header\.csv was not loaded: There is a header row but no data rows below it\. Your previous data is kept\.$/,
    },
    {
      name: 'one-class.csv',
      buffer: Buffer.from('text,label\na cat,animal\na dog,animal\n'),
      message:
        /^one-class\.csv was not loaded: Every row has the same label \("animal"\)\. Finding mislabeled rows needs at least 2 classes\. Your previous data is kept\.$/,
    },
    {
      name: 'one-row.tsv',
      buffer: Buffer.from('text\tlabel\na cat\tanimal\n'),
      message: /^one-row\.tsv was not loaded: There is only one data row \(row 2\)\..* Your previous data is kept\.$/,
    },
    {
      name: 'quotes.csv',
      buffer: Buffer.from('text,label\n"open quote,pos\nnext,neg\n'),
      message:
        /^quotes\.csv was not loaded: A quoted field is never closed \(opening quote on line 2\).* Your previous data is kept\.$/,
    },
    {
      name: 'empty.csv',
      buffer: Buffer.alloc(0),
      message: /^empty\.csv was not loaded: The input is empty\..* Your previous data is kept\.$/,
    },
  ];

  it('labels file drop: files that cannot be audited are not loaded, each with its reason, and the pasted data stays', async () => {
    await labelsTab();
    await page.getByTestId('labels-input').fill(GOOD);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^12 rows, 2 classes/);
    for (const { name, buffer, message } of rejectedFiles) {
      await page.locator('#panel-labels input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer });
      const alert = page.getByRole('alert').filter({ hasText: `${name} was not loaded` });
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.locator('.text').textContent(), name).toMatch(message);
      expect(await page.getByTestId('labels-input').inputValue()).toBe(GOOD);
      expect(await page.getByTestId('labels-parse-summary').textContent()).toMatch(/^12 rows, 2 classes/);
      await expectAuditKept();
    }
    await expectModelKept();
  });

  it('labels file drop: a UTF-16 file, a 5 MB cell and 100,000 rows load, with what the user should know', async () => {
    await labelsTab();
    await page
      .locator('#panel-labels input[type=file]')
      .setInputFiles({ name: 'utf16.csv', mimeType: 'text/csv', buffer: utf16le(GOOD) });
    await page
      .getByTestId('labels-problems')
      .getByText(
        'The file is UTF-16 (little-endian, it starts with a byte-order mark); it was converted to text as such.',
      )
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('labels-parse-summary').textContent()).toMatch(/^12 rows, 2 classes/);
    expect(await page.getByTestId('labels-input').inputValue()).toBe(GOOD);

    const bigCell = [...GOOD_ROWS, `${'word '.repeat(1_000_000)},water`].join('\n');
    await page
      .locator('#panel-labels input[type=file]')
      .setInputFiles({ name: 'big-cell.csv', mimeType: 'text/csv', buffer: Buffer.from(bigCell) });
    await page
      .getByTestId('labels-problems')
      .getByText(
        "1 text is longer than the model's maximum of 128 tokens (row 14) and will be truncated: the model embeddings see only the first 128 tokens of it (TF-IDF uses the whole text).",
      )
      .waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('labels-parse-summary').textContent()).toMatch(/^13 rows, 2 classes/);
    await page
      .getByText(`big-cell.csv: ${bigCell.length.toLocaleString('en-US')} characters (too large to show here).`)
      .waitFor();

    const lines = ['text\tlabel'];
    for (let i = 0; i < 100_000; i++)
      lines.push(
        `row ${i} ${['river boat water', 'engine wheel road', 'flower leaf seed'][i % 3]}\t${['water', 'road', 'garden'][i % 3]}`,
      );
    await page.locator('#panel-labels input[type=file]').setInputFiles({
      name: 'rows.tsv',
      mimeType: 'text/tab-separated-values',
      buffer: Buffer.from(lines.join('\n')),
    });
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^100,000 rows, 3 classes/);
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(false);
    // The audit of the first data and its decision are still there, marked as out of date.
    await expectAuditKept();
    await page.getByText('The data or settings changed since this audit.').waitFor();
    await page
      .getByTestId('labels-input')
      .or(page.getByRole('button', { name: 'Clear', exact: true }))
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByTestId('labels-input').fill(GOOD);
  });

  const models: { name: string; files: { name: string; buffer: Buffer }[]; message: string | RegExp }[] = [
    {
      name: 'a truncated ONNX',
      files: [{ name: 'model.onnx', buffer: Buffer.from(truncatedModelBytes(0.6)) }],
      message:
        /^model\.onnx: This file is not an ONNX model, or it is incomplete \(protobuf decode failed at byte \d+ of \d+: .*probably truncated/,
    },
    {
      name: 'random bytes',
      files: [{ name: 'weights.onnx', buffer: Buffer.from(randomBytes(5000)) }],
      message:
        'weights.onnx: This file is not an ONNX model (protobuf decode failed at byte 4 of 5000: invalid end group tag).',
    },
    {
      name: 'a non-transformer (single MatMul)',
      files: [{ name: 'matmul.onnx', buffer: Buffer.from(encodeModel(singleMatMulModel())) }],
      message:
        'matmul.onnx has no "input_ids" input (its inputs: x), so it cannot take text: it does not look like a transformer language model.',
    },
    {
      name: 'a model over the memory the browser allows',
      files: [{ name: 'huge.onnx', buffer: Buffer.from(encodeModel(oversizedModel(4))) }],
      message:
        "The model needs more memory than this browser gives the page: huge.onnx declares 4.0 GB of weights, and onnxruntime's WebAssembly heap (at most 4.0 GB) must hold them about twice while the session is created, so at most about 2.0 GB of weights can load.",
    },
    {
      name: 'a malformed tokenizer.json',
      files: [
        { name: 'model.onnx', buffer: Buffer.from(tiny['onnx/model.onnx']) },
        { name: 'tokenizer.json', buffer: Buffer.from('{"model": {"type": "WordPiece", "vocab": ') },
      ],
      message: /^tokenizer\.json is not valid JSON \(.+\)\.$/,
    },
    {
      name: "a tokenizer.json that does not match the model's vocabulary size",
      files: [
        { name: 'model.onnx', buffer: Buffer.from(tiny['onnx/model.onnx']) },
        { name: 'tokenizer.json', buffer: Buffer.from(biggerTokenizer()) },
      ],
      message: `The tokenizer does not match the model: it has ${TINY_VOCAB.length + 100} tokens but the model's embedding has only ${TINY_VOCAB.length} rows. Use the tokenizer.json that came with this model.`,
    },
  ];

  for (const { name, files, message } of models) {
    it(`model local files: ${name}`, async () => {
      await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
      const withTokenizer = files.some((f) => f.name === 'tokenizer.json')
        ? files
        : [...files, { name: 'tokenizer.json', buffer: Buffer.from(tiny['tokenizer.json']) }];
      await page
        .locator('input[type=file][accept^=".onnx,.json"]')
        .setInputFiles(withTokenizer.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
      const alert = page
        .getByRole('alert')
        .filter({ hasText: typeof message === 'string' ? message : message.source.replace(/\\/g, '').slice(1, 30) });
      await alert.waitFor({ timeout: 60_000 });
      const text = (await alert.locator('.text').textContent())!;
      if (typeof message === 'string') expect(text.startsWith(message), text).toBe(true);
      else expect(text).toMatch(message);
      await expectModelKept();
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      // The pasted data and the audit are untouched by a failed model load.
      await labelsTab();
      expect(await page.getByTestId('labels-input').inputValue()).toBe(GOOD);
      await expectAuditKept();
    });
  }

  it('model local files: a model without its tokenizer.json is refused before loading', async () => {
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('input[type=file][accept^=".onnx,.json"]').setInputFiles({
      name: 'model.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(tiny['onnx/model.onnx']),
    });
    await page
      .getByRole('alert')
      .filter({ hasText: 'A tokenizer.json is needed next to model.onnx: pick or drop both files together' })
      .waitFor({ timeout: 30_000 });
    await expectModelKept();
    await page
      .getByRole('alert')
      .filter({ hasText: 'A tokenizer.json is needed' })
      .getByRole('button', { name: 'Dismiss' })
      .click();
  });

  const analogyFiles: { name: string; text: string | Buffer; message: string }[] = [
    {
      name: 'three-words.txt',
      text: ': capital-world\nathens greece baghdad iraq\nparis france berlin\n',
      message: 'Line 3: expected 4 words (a b c d), found 3: "paris france berlin".',
    },
    {
      name: 'ini-sections.txt',
      text: '[capital-world]\nathens greece baghdad iraq\n',
      message:
        'Line 1: expected 4 words (a b c d), found 1: "[capital-world]". If it is meant as a section header, start it with a colon, e.g. ": capital-world".',
    },
    {
      name: 'headers-only.txt',
      text: ': capital-world\n: family\n',
      message:
        'The analogy file has no questions, only section headers or comments. It needs lines of four words "a b c d".',
    },
    {
      name: 'empty.txt',
      text: '',
      message:
        'The analogy file is empty. It needs lines of four words "a b c d", optionally under ": section" headers.',
    },
    {
      name: 'binary.txt',
      text: garbage(2000),
      message:
        'The analogy file is not text: it contains NUL bytes, so it looks like a binary file. It needs plain-text lines of four words "a b c d".',
    },
  ];

  it('analogy file drop: each bad file is explained and the last evaluation stays under its own name', async () => {
    await page.getByTestId('tab-analogy').click();
    await page.getByTestId('analogy-example-file').click();
    const table = page.getByTestId('analogy-eval-table');
    await table.waitFor({ timeout: 240_000 });
    const heading = page.locator('p', { has: page.locator('strong', { hasText: 'analogies.txt (example)' }) });
    await heading.waitFor();
    const before = await heading.textContent();
    const tableBefore = await table.textContent();
    for (const { name, text, message } of analogyFiles) {
      await page
        .locator('#panel-analogy input[type=file][accept=".txt,text/plain"]')
        .setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.isBuffer(text) ? text : Buffer.from(text) });
      const alert = page.getByRole('alert').filter({ hasText: message });
      await alert.waitFor({ timeout: 60_000 });
      expect(await alert.locator('.text').textContent(), name).toBe(message);
      expect(await heading.textContent()).toBe(before);
      expect(await table.textContent()).toBe(tableBefore);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
    }
    await expectModelKept();
  });

  const vectorFiles: { name: string; text: string | Buffer; message: string }[] = [
    {
      name: 'ragged.vec',
      text: 'cat 0.1 0.2 0.3\ndog 0.4 0.5 0.6\nfish 0.7 0.8\n',
      message: 'Line 3: "fish" has 2 numbers, expected 3 like the lines before it.',
    },
    {
      name: 'header-dim.vec',
      text: '2 4\ncat 0.1 0.2 0.3\ndog 0.4 0.5 0.6\n',
      message: 'Line 2: "cat" has 3 numbers, expected 4 like the lines before it.',
    },
    {
      name: 'cut.vec',
      text: '3 2\ncat 0.1 0.2\ndog 0.3 0.4\n',
      message: 'The header announces 3 vectors but the file holds 2 (truncated?).',
    },
    {
      name: 'words.vec',
      text: 'cat 0.1 0.2\ndog 0.3 abc\n',
      message: 'Line 2: value 2 of "dog" is "abc", not a finite number.',
    },
    { name: 'empty.vec', text: '', message: 'The word-vector file is empty.' },
    {
      name: 'vectors.bin',
      text: Buffer.concat([Buffer.from('3 4\n'), garbage(400)]),
      message:
        "Line 2 contains NUL bytes: this is a binary file (perhaps word2vec's .bin format), not the text format. Convert it to text (one word and its numbers per line) and load that.",
    },
  ];

  it('word-vector file drop: each bad file is explained and the vectors loaded before stay', async () => {
    await page.getByTestId('tab-analogy').click();
    await page.locator('summary', { hasText: 'Add your own word vectors' }).click();
    const input = page.locator('details.user-vectors input[type=file]');
    await input.setInputFiles({
      name: 'tiny.vec',
      mimeType: 'text/plain',
      buffer: Buffer.from('4 3\nman 1 0 0\nwoman 1 1 0\nking 1 0 1\nqueen 1 1 1\n'),
    });
    const userSpace = page.locator('label', { has: page.getByTestId('analogy-space-user') });
    await expect.poll(() => userSpace.textContent(), { timeout: 60_000 }).toMatch(/Your vectors \(tiny\.vec\)/);
    for (const { name, text, message } of vectorFiles) {
      await input.setInputFiles({
        name,
        mimeType: 'text/plain',
        buffer: Buffer.isBuffer(text) ? text : Buffer.from(text),
      });
      const alert = page.getByRole('alert').filter({ hasText: message });
      await alert.waitFor({ timeout: 60_000 });
      expect(await alert.locator('.text').textContent(), name).toBe(message);
      expect(await userSpace.textContent()).toMatch(/Your vectors \(tiny\.vec\)/);
      expect(await page.getByTestId('analogy-space-user').isChecked()).toBe(true);
      await alert.getByRole('button', { name: 'Dismiss' }).click();
    }
    // The kept vectors still answer.
    await page.getByTestId('analogy-a').fill('man');
    await page.getByTestId('analogy-b').fill('woman');
    await page.getByTestId('analogy-c').fill('king');
    await page.getByTestId('analogy-run').click();
    await page
      .getByTestId('analogy-result-user')
      .locator('[data-testid="analogy-candidates"] li')
      .first()
      .waitFor({ timeout: 60_000 });
    expect(
      await page
        .getByTestId('analogy-result-user')
        .locator('[data-testid="analogy-candidates"] li')
        .first()
        .textContent(),
    ).toMatch(/queen/);
  });

  it('model local files: a model with fused attention loads and every tool says what it cannot do; the built-in model comes back', async () => {
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('input[type=file][accept^=".onnx,.json"]').setInputFiles([
      {
        name: 'fused.onnx',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(encodeModel(fusedAttentionModel(TINY_VOCAB.length))),
      },
      { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(tiny['tokenizer.json']) },
    ]);
    await page.getByTestId('model-status').getByText('fused.onnx').waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-attention').click();
    await page
      .getByText(
        'Attention is not available for this model: the model uses fused attention ops (com.microsoft.Attention ×1) that compute attention internally, so its attention probabilities cannot be read: attention view unavailable.',
      )
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-uncertainty').click();
    await page
      .getByText(/MC dropout is not available for this model: .*fused attention ops \(com\.microsoft\.Attention ×1\)/)
      .waitFor();
    // The pasted data does not depend on the model.
    await labelsTab();
    expect(await page.getByTestId('labels-input').inputValue()).toBe(GOOD);
    await expectAuditKept();

    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Built in', { exact: true }).click();
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-status').getByText(modelName).waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
  });
  it('model local files: a model whose weights are in model.onnx_data is refused, named, when only its .onnx is picked, and loads with it', async () => {
    const external = externalDataFiles();
    const modelBefore = (await page.getByTestId('model-status').locator('.name').textContent()) ?? '';
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    const picker = page.locator('input[type=file][accept^=".onnx,.json"]');
    const onnx = { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(external.onnx) };
    const tokenizer = { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(external.tokenizer) };
    await picker.setInputFiles([onnx, tokenizer]);
    const message =
      'model.onnx keeps its weights in a separate external data file, model.onnx_data, which was not among the files picked. Pick or drop model.onnx_data together with model.onnx and tokenizer.json.';
    const alert = page.getByRole('alert').filter({ hasText: 'which was not among the files picked' });
    await alert.waitFor({ timeout: 60_000 });
    expect((await alert.locator('.text').textContent())!.startsWith(message)).toBe(true);
    expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(modelBefore);
    await page.getByTestId('model-ready').waitFor();
    await alert.getByRole('button', { name: 'Dismiss' }).click();

    await picker.setInputFiles([
      onnx,
      tokenizer,
      { name: 'model.onnx_data', mimeType: 'application/octet-stream', buffer: Buffer.from(external.data) },
    ]);
    await page.getByTestId('model-status').getByText('model.onnx').waitFor({ timeout: 60_000 });
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    // Attention runs on the weights from the data file.
    await page.getByTestId('attention-text').fill('the cat sat');
    await page.getByTestId('attention-tokens').getByText('cat', { exact: true }).waitFor({ timeout: 60_000 });
  });

  it('model local files: a tokenizer trimmed below the embedding table loads with a visible warning naming the mismatch', async () => {
    const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
    const kept = TINY_VOCAB.length - 5;
    const vocab = Object.fromEntries(Object.entries(json.model.vocab).filter(([, id]) => id < kept));
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('input[type=file][accept^=".onnx,.json"]').setInputFiles([
      { name: 'trimmed.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(tiny['onnx/model.onnx']) },
      {
        name: 'tokenizer.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ ...json, model: { ...json.model, vocab } })),
      },
    ]);
    await page.getByTestId('model-status').getByText('trimmed.onnx').waitFor({ timeout: 60_000 });
    const warning = page.getByRole('status').filter({ hasText: "This model's files disagree" });
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.locator('.text').textContent()).toContain(
      `The tokenizer has ${kept} tokens but the model's embedding table has ${TINY_VOCAB.length} rows: ids ${kept} to ${TINY_VOCAB.length - 1} are never used.`,
    );
  });
});
