import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeModelHost, openPage, useAppAndBrowser, waitForModelReady, loadFromHub } from './harness';
import { askAnalogy, candidateRows, candidates } from './analogy-page';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();
let host: FakeModelHost;

beforeAll(async () => {
  host = new FakeModelHost();
  for (const [file, bytes] of Object.entries(tinyModelFiles())) host.put('tests/tiny-bert', file, bytes);
  await host.start();
});

afterAll(async () => {
  await host?.stop();
});

describe('word-analogy tool', () => {
  it('man : woman :: king : ? — ranked results per space, the picture, switching space, and a per-section evaluation', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-analogy').click();

    await askAnalogy(page, 'man', 'woman', 'king');

    // Token embeddings and static vectors side by side (the default spaces), ten ranked candidates each.
    await candidateRows(page, 'static').nth(9).waitFor({ timeout: 120_000 });
    await candidateRows(page, 'token').nth(9).waitFor();
    const staticWords = await candidates(page, 'static');
    expect(staticWords).toHaveLength(10);
    expect(staticWords.slice(0, 3)).toContain('queen');
    for (const word of [...staticWords, ...(await candidates(page, 'token'))]) {
      expect(['man', 'woman', 'king']).not.toContain(word);
      expect(word).not.toMatch(/^##|^\[/);
    }
    expect(await page.getByTestId('analogy-result-token').getByTestId('analogy-query-ranks').textContent()).toMatch(
      /king \(c\) would rank #\d+ \(excluded\)/,
    );

    // The picture: a, b, c, the answer and the target as points, with a table alternative; export as SVG.
    const picture = page.getByTestId('analogy-picture');
    await picture.waitFor();
    expect(await picture.locator('g.point').count()).toBe(9);
    expect(await picture.locator('polygon.parallelogram').count()).toBe(1);
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-svg').first().click(),
    ]);
    expect(readFileSync((await svgDownload.path())!, 'utf8')).toContain('<svg');
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-png').first().click(),
    ]);
    expect(
      readFileSync((await pngDownload.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // Switch the picture to the static space, then add the contextual space.
    await page.getByTestId('analogy-picture-tab-static').click();
    await expect(page.getByTestId('analogy-picture-tab-static').getAttribute('aria-selected')).resolves.toBe('true');
    expect(await picture.getByText('Static word vectors:', { exact: false }).count()).toBe(1);
    await page.getByTestId('analogy-space-contextual').check();
    await candidateRows(page, 'contextual').nth(9).waitFor({ timeout: 180_000 });

    // A word the tokenizer splits: averaged pieces with a note; an unknown word: a clear message in the static space.
    await page.getByTestId('analogy-c').fill('kingliness');
    await page.getByTestId('analogy-run').click();
    await page.getByTestId('analogy-result-token').getByTestId('analogy-pieces-note').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('analogy-result-static').getByTestId('analogy-oov').textContent()).toMatch(
      /"kingliness".*not in the vocabulary/,
    );

    // Evaluate the example file: per-section accuracy per space, exportable as CSV.
    await page.getByTestId('analogy-example-file').click();
    const table = page.getByTestId('analogy-eval-table');
    await table.waitFor({ timeout: 180_000 });
    for (const section of ['family', 'plural', 'comparative', 'capital-of', 'tense', 'overall']) {
      expect(await table.locator('td', { hasText: new RegExp(`^${section}$`) }).count()).toBe(3);
    }
    expect(await table.textContent()).toMatch(/\d+\.\d%/);
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('section[aria-labelledby="analogy-eval-title"]').getByTestId('export-csv').click(),
    ]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('accuracy_3cosadd');
    expect(csv).toContain('capital-of');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('chosen layer, neighbour explorer, a dropped word2vec file, and inputs remembered across a reload', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-analogy').click();
    await candidateRows(page, 'token').first().waitFor({ timeout: 120_000 });

    // Contextual vectors from layer 2.
    await page.getByTestId('analogy-space-contextual').check();
    await page.getByTestId('analogy-layer').selectOption({ label: 'layer 2' });
    await page
      .getByTestId('analogy-result-contextual')
      .getByRole('heading', { name: /layer 2/ })
      .waitFor({ timeout: 180_000 });
    await candidateRows(page, 'contextual').nth(9).waitFor({ timeout: 60_000 });

    // Nearest neighbours in each shown space.
    await page.getByTestId('analogy-nn-word').fill('queen');
    await page.getByTestId('analogy-nn-run').click();
    const neighbours = page.getByTestId('analogy-neighbours');
    await neighbours.locator('article').nth(2).waitFor({ timeout: 60_000 });
    expect(await neighbours.locator('article').count()).toBe(3);

    // A word2vec text file with a header, picked through the drop zone.
    await page.locator('summary', { hasText: 'Add your own word vectors' }).click();
    const text = '4 3\nman 1 0 0\nwoman 1 1 0\nking 1 0 1\nqueen 1 1 1\n';
    await page
      .locator('details.user-vectors input[type=file]')
      .setInputFiles({ name: 'tiny.vec', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.getByTestId('analogy-space-user').waitFor();
    await expect(page.getByTestId('analogy-space-user').isChecked()).resolves.toBe(true);
    await askAnalogy(page, 'man', 'woman', 'king');
    await candidateRows(page, 'user').first().waitFor({ timeout: 60_000 });
    expect(await candidates(page, 'user')).toEqual(['queen']);

    // Inputs come back after a reload.
    await page.getByTestId('analogy-c').fill('prince');
    await page.getByTestId('analogy-run').click();
    await page.waitForTimeout(500);
    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('tab-analogy').click();
    await expect(page.getByTestId('analogy-c').inputValue()).resolves.toBe('prince');
    await expect(page.getByTestId('analogy-space-contextual').isChecked()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a model without static-vectors/ has no static space, and the UI says so', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await loadFromHub(page, 'tests/tiny-bert', host.url);
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 60_000 });
    await waitForModelReady(page);
    await page.getByTestId('tab-analogy').click();
    await page.getByTestId('analogy-no-static').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('analogy-no-static').textContent()).toMatch(/ships no static word vectors/);
    await expect(page.getByTestId('analogy-space-static').isDisabled()).resolves.toBe(true);
    // The first query (with the default spaces, static among them) explains in the static card why there is nothing.
    expect(await page.getByTestId('analogy-result-static').textContent()).toMatch(/no static word vectors/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
