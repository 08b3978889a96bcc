/**
 * Bad files through the analogy tool's drops, in one page: an analogy question file and a word-vector file. Every
 * case checks the specific message the page shows and that what the user had is still there: the loaded model,
 * the last analogy evaluation, the user's word vectors. (tests/unit/bad-input/* checks the same parsers' exact
 * messages in Node.)
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { garbage, useBadInputPage } from './bad-input-page';
import { askAnalogy, candidateRows } from './analogy-page';

const bad = useBadInputPage();
const { expectModelKept } = bad;
let page: Page;
beforeAll(() => {
  page = bad.page;
});

describe('bad analogy and word-vector files, in one page', () => {
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
    await askAnalogy(page, 'man', 'woman', 'king');
    await candidateRows(page, 'user').first().waitFor({ timeout: 60_000 });
    expect(
      await page
        .getByTestId('analogy-result-user')
        .locator('[data-testid="analogy-candidates"] li')
        .first()
        .textContent(),
    ).toMatch(/queen/);
  });
});
