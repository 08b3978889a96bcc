/**
 * Bad input through the label tool's entry points, the paste box and the file drop, in one page: every case
 * checks the specific message the page shows and that what the user had is still there: the loaded model, the
 * pasted data, the last audit with its decisions. (tests/unit/bad-input/* checks the same parsers' exact messages
 * in Node; bad-input-model-files and bad-input-analogy are the other entry points.)
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GOOD, GOOD_ROWS, garbage, useBadInputPage } from './bad-input-page';

const bad = useBadInputPage();
const { expectModelKept, labelsTab, expectAuditKept } = bad;
let page: Page;
beforeAll(() => {
  page = bad.page;
});

const films = GOOD_ROWS.slice(1);
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('bad input through the label tool, in one page', () => {
  it('labels: a first good audit with one decision (the state every later case must keep)', async () => {
    await bad.firstAudit();
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
});
