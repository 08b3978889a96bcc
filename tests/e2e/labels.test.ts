import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, repoRoot, useAppAndBrowser, waitForModelReady } from './harness';
import { recordContextRequests } from './request-log';

/**
 * The mislabeled-row finder end to end: paste the WordNet glosses with planted label errors (plus a
 * formula-like row and a text longer than the model's maximum), run on the built-in model, find the
 * planted rows flagged with their original labels suggested, accept one, remove one by keyboard,
 * export, reload, and find everything intact — with no request (page, worker or service worker)
 * leaving the page's origin.
 */
const e2e = useAppAndBrowser();

const csv = readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8').trimEnd();
const planted = (
  JSON.parse(readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.flips.json'), 'utf8')) as {
    flips: { row: number; original: string; given: string }[];
  }
).flips;
const FORMULA_TEXT = '=HYPERLINK("http://example.invalid") a tool for cutting wood';
/** About 400 tokens: far over the model's 128. */
const LONG_TEXT = `a very long description ${Array.from({ length: 200 }, (_, i) => `part${i}`).join(' ')} of a made object`;
const pasted = `${csv}\n"${FORMULA_TEXT.replace(/"/g, '""')}",noun.artifact\n${LONG_TEXT},noun.artifact\n`;
const ROWS = 362;
const LONG_ROW = 361;
/** Spreadsheet row (header = 1) of a 0-based data row. */
const sheetRow = (dataRow: number) => dataRow + 2;

interface AuditJson {
  numIssues: number;
  classes: string[];
  ranking: number[];
  noiseMatrix: { rows: string; columns: string; counts: number[][] };
  flaggedGivenVsSuggested: { counts: number[][] };
  rows: {
    row: number;
    text: string;
    givenLabel: string;
    suggestedLabel: string;
    flagged: boolean;
    truncated: boolean;
    decision: string;
    finalLabel: string | null;
  }[];
}

async function downloadText(page: Page, button: string | Locator): Promise<{ name: string; text: string }> {
  const target = typeof button === 'string' ? page.getByTestId(button) : button;
  const [download] = (await Promise.all([page.waitForEvent('download'), target.click()])) as [Download, void];
  const file = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(file!, 'utf8') };
}

describe('mislabeled-row finder', () => {
  it('flags planted label errors, takes decisions, exports, and keeps everything across a reload, all in the page', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const traffic = recordContextRequests(context);
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();

    await page.getByTestId('labels-input').fill(pasted);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^${ROWS} rows, 8 classes`));
    await page.getByTestId('labels-run').click();
    await page.getByRole('progressbar').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    const summary = await page.getByTestId('labels-summary').textContent();
    expect(summary).toMatch(new RegExp(`of ${ROWS} rows flagged`));

    // The planted rows, measured on the default model (playground-bert-mini as retrained in 242fbed,
    // 5 folds, seed 0) in this browser: 25 of 29 flagged, 21 of those with the original label
    // suggested, 8 of the 10 most suspicious rows planted ones with their original label, 25 of 83
    // flagged rows planted (Node's onnxruntime gets 26, 21, 8 and 26 of 85). The bounds allow a row
    // or so of numeric drift; a weaker model or a broken pipeline fails them.
    const audit = JSON.parse((await downloadText(page, 'labels-export-json')).text) as AuditJson;
    const bySheetRow = new Map(audit.rows.map((r) => [r.row, r]));
    const plantedBySheetRow = new Map(planted.map((f) => [sheetRow(f.row), f]));
    const found = planted.filter((f) => bySheetRow.get(sheetRow(f.row))!.flagged);
    const right = found.filter((f) => bySheetRow.get(sheetRow(f.row))!.suggestedLabel === f.original);
    const topTen = audit.ranking
      .slice(0, 10)
      .filter((row) => plantedBySheetRow.get(row)?.original === bySheetRow.get(row)!.suggestedLabel);
    console.log(
      `WordNet planted flips in the browser: ${found.length}/${planted.length} flagged, ${right.length} with the original label suggested, ` +
        `${topTen.length} of the top 10 planted and right, ${audit.numIssues} rows flagged`,
    );
    expect(found.length / planted.length).toBeGreaterThanOrEqual(0.8);
    expect(right.length / found.length).toBeGreaterThanOrEqual(0.75);
    expect(topTen.length).toBeGreaterThanOrEqual(7);
    expect(found.length / audit.numIssues).toBeGreaterThanOrEqual(0.25);

    // The heatmap is confident learning's estimated noise matrix: given × estimated true label, in rows.
    const shownCounts = async () =>
      (await page.getByTestId('noise-matrix').getByTestId('noise-count').allTextContents()).map(Number);
    expect(await page.getByTestId('noise-matrix-title').textContent()).toMatch(/Estimated noise matrix/);
    const estimated = await shownCounts();
    expect(estimated).toEqual(audit.noiseMatrix.counts.flat());
    expect([audit.noiseMatrix.rows, audit.noiseMatrix.columns]).toEqual(['given label', 'estimated true label']);
    audit.classes.forEach((name, k) => {
      const rowSum = estimated.slice(k * 8, (k + 1) * 8).reduce((a, b) => a + b, 0);
      expect(rowSum, name).toBe(audit.rows.filter((r) => r.givenLabel === name).length);
    });
    const matrixCsv = await downloadText(page, page.getByTestId('noise-matrix-figure').getByTestId('export-csv'));
    expect(matrixCsv.name).toBe('label-noise-matrix.csv');
    expect(
      matrixCsv.text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',').slice(1).map(Number)),
    ).toEqual(audit.noiseMatrix.counts);
    // The second view counts only the flagged rows, by given and suggested label.
    await page.getByTestId('noise-view-flagged').check();
    expect(await page.getByTestId('noise-matrix-title').textContent()).toMatch(/Flagged rows/);
    const flaggedCounts = await shownCounts();
    expect(flaggedCounts).toEqual(audit.flaggedGivenVsSuggested.counts.flat());
    expect(flaggedCounts.reduce((a, b) => a + b, 0)).toBe(audit.numIssues);
    await page.getByTestId('noise-view-estimated').check();

    // The text over the model's maximum is marked as cut, in the table and in the JSON (and no other row is).
    expect(audit.rows.filter((r) => r.truncated).map((r) => r.row)).toEqual([sheetRow(LONG_ROW)]);
    await page.getByPlaceholder('text contains…').fill('part199');
    const longRow = page.locator(`[data-testid="label-row"][data-row="${sheetRow(LONG_ROW)}"]`);
    await longRow.getByTestId('truncated-marker').waitFor({ state: 'visible' });
    expect(await longRow.getByTestId('truncated-marker').getAttribute('title')).toMatch(/maximum length/);
    await page.getByPlaceholder('text contains…').fill('');

    // The table shows flagged rows first; pick a planted one with the right suggestion and accept it.
    await page.getByTestId('filter-flagged').check();
    const rows = page.getByTestId('label-table').getByTestId('label-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const shown = await rows.evaluateAll((elements) => elements.map((e) => Number((e as HTMLElement).dataset.row)));
    const rightRows = new Set(right.map((f) => sheetRow(f.row)));
    const target = shown.find((row) => rightRows.has(row));
    expect(target, `a planted row among the first rows shown (${shown.join(', ')})`).toBeDefined();
    const targetFlip = right.find((f) => sheetRow(f.row) === target)!;
    const targetRow = page.locator(`[data-testid="label-row"][data-row="${target}"]`);
    expect(await targetRow.getByTestId('given-label').textContent()).toBe(targetFlip.given);
    expect(await targetRow.getByTestId('suggested-label').textContent()).toContain(targetFlip.original);
    await targetRow.getByTestId('accept').click();
    expect(await targetRow.getByTestId('accept').getAttribute('aria-pressed')).toBe('true');

    // Mark another flagged row for removal with the keyboard.
    const other = shown.find((row) => row !== target)!;
    const otherRow = page.locator(`[data-testid="label-row"][data-row="${other}"]`);
    await otherRow.focus();
    await page.keyboard.press('r');
    expect(await otherRow.getByTestId('remove').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('labels-summary').textContent()).toMatch(/1 accepted, 0 kept, 1 to remove/);

    // The cleaned CSV: one row fewer, the accepted label applied, the formula cell escaped.
    const cleaned = await downloadText(page, 'labels-export-csv');
    expect(cleaned.name).toBe('cleaned-dataset.csv');
    const lines = cleaned.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('text,label');
    expect(lines).toHaveLength(1 + ROWS - 1);
    const targetText = bySheetRow.get(target!)!.text;
    const acceptedLine = lines.find((line) =>
      line.startsWith(
        targetText.includes(',') || targetText.includes('"') ? `"${targetText.replace(/"/g, '""')}"` : targetText,
      ),
    );
    expect(acceptedLine).toBeDefined();
    expect(acceptedLine!.endsWith(`,${targetFlip.original}`)).toBe(true);
    expect(cleaned.text).toContain(`"'${FORMULA_TEXT.replace(/"/g, '""')}"`);
    expect(cleaned.text).not.toMatch(/(^|\r\n)"?=HYPERLINK/);
    const removedText = bySheetRow.get(other)!.text;
    expect(lines.some((line) => line.includes(removedText))).toBe(false);

    // Reload: data, result and decisions come back from IndexedDB.
    await page.waitForTimeout(1000);
    await page.reload();
    await waitForModelReady(page);
    if (!(await page.getByTestId('labels-results').isVisible())) await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId('labels-summary').textContent()).toBe(
      summary!.replace(/0 accepted, 0 kept, 0 to remove/, '1 accepted, 0 kept, 1 to remove'),
    );
    expect(await page.getByTestId('labels-input').inputValue()).toBe(pasted);
    await page.getByTestId('filter-flagged').check();
    const restoredRow = page.locator(`[data-testid="label-row"][data-row="${target}"]`);
    await restoredRow.waitFor({ state: 'visible' });
    expect(await restoredRow.getByTestId('accept').getAttribute('aria-pressed')).toBe('true');
    expect(
      await page
        .locator(`[data-testid="label-row"][data-row="${other}"]`)
        .getByTestId('remove')
        .getAttribute('aria-pressed'),
    ).toBe('true');

    // Filters: given label, suggested label and a text search narrow the table.
    await page.getByPlaceholder('text contains…').fill(targetText.slice(0, 30).toUpperCase());
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.evaluateAll((elements) => elements.map((e) => Number((e as HTMLElement).dataset.row)))).toContain(
      target,
    );
    await page.getByPlaceholder('text contains…').fill('');
    await page.getByTestId('filter-given').selectOption({ label: targetFlip.given });
    await page.getByTestId('filter-suggested').selectOption({ label: targetFlip.original });
    const narrowed = await rows.evaluateAll((elements) => elements.map((e) => Number((e as HTMLElement).dataset.row)));
    expect(narrowed).toContain(target);
    for (const row of narrowed) {
      expect(bySheetRow.get(row)!.givenLabel).toBe(targetFlip.given);
      expect(bySheetRow.get(row)!.suggestedLabel).toBe(targetFlip.original);
    }

    // A rerun after the reload takes its embeddings from the worker's IndexedDB cache.
    await page.getByTestId('labels-run').click();
    const distinctTexts = new Set(audit.rows.map((r) => r.text)).size;
    await expect
      .poll(() => page.getByTestId('labels-timings').textContent(), { timeout: 120_000 })
      .toContain(`${distinctTexts} embeddings from the cache`);

    // Every request of the context counts: the page, the model worker and the service worker (whose
    // precache traffic is seen here, so the recording covers it).
    await expect
      .poll(() => traffic.requests.filter((r) => r.fromServiceWorker).length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(traffic.offOrigin(new URL(e2e.url).origin)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('"Try an example" asks before replacing pasted data: Escape or "Keep my data" keeps it, the keyboard reaches both answers', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    const own = 'text,label\nmy first row,alpha\nmy second row,beta\nmy third row,alpha\n';
    await page.getByTestId('labels-input').fill(own);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^3 rows, 2 classes/);
    const dialog = page.getByTestId('labels-example-confirm');

    await page.getByTestId('labels-example').click();
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.getByText('Replace your 3 rows with the example?').count()).toBe(1);
    // The keeping answer has the focus; Escape answers it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'labels-example-confirm-keep',
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('labels-input').inputValue()).toBe(own);

    await page.getByTestId('labels-example').click();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);

    // The unchanged example is not the user's: trying it again asks nothing.
    await page.getByTestId('labels-example').click();
    expect(await dialog.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('loads the example, cancels a run keeping the data, and explains empty input, one class and incomplete rows (left out only with consent)', async () => {
    const context = await e2e.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    const input = page.getByTestId('labels-input');

    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(false);

    // Cancel mid-run: the data stays, the tool says so, and it can run again.
    await page.getByTestId('labels-run').click();
    await page.getByRole('button', { name: 'Cancel' }).first().click({ timeout: 30_000 });
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'The audit was cancelled' }).count(), { timeout: 30_000 })
      .toBe(1);
    expect(await page.getByTestId('labels-parse-summary').textContent()).toMatch(/^360 rows, 8 classes/);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled(), { timeout: 30_000 }).toBe(false);

    await input.fill('');
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(true);
    expect(await page.getByTestId('labels-empty').isVisible()).toBe(true);

    await input.fill('text,label\na cat,animal\na dog,animal\na fish,animal\n');
    await expect
      .poll(() => page.getByTestId('labels-problems').textContent(), { timeout: 30_000 })
      .toMatch(/same label/);
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(true);

    const rows = ['text,label'];
    for (let i = 0; i < 6; i++) rows.push(`a small animal number ${i},animal`, `a hand tool number ${i},tool`);
    rows.push(',tool', 'a thing with no label,');
    await input.fill(rows.join('\n'));
    await page.getByTestId('labels-consent').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(true);
    await page.getByTestId('labels-consent').check();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^12 rows, 2 classes/);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(false);
    await context.close();
  });
  it('audits 50,000 dropped rows with a progress bar and a virtualized table', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    const topics = [
      ['river', 'boat', 'water', 'fish', 'bank'],
      ['engine', 'wheel', 'road', 'fuel', 'driver'],
      ['flower', 'leaf', 'garden', 'seed', 'root'],
    ];
    const names = ['water', 'road', 'garden'];
    const lines = ['text\tlabel'];
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 50_000; i++) {
      const k = i % 3;
      const words = Array.from(
        { length: 8 },
        () => (next() < 0.8 ? topics[k] : topics[(k + 1) % 3])[Math.floor(next() * 5)],
      );
      const label = next() < 0.05 ? names[(k + 1 + Math.floor(next() * 2)) % 3] : names[k];
      lines.push(`row ${i} ${words.join(' ')}\t${label}`);
    }
    // How long the page's main thread is blocked is measured by the browser bench, not here.
    await page.evaluate(
      (text) =>
        ((window as unknown as { bigFile: File }).bigFile = new File([text], 'big.tsv', {
          type: 'text/tab-separated-values',
        })),
      lines.join('\n'),
    );
    await page.evaluate(() => {
      const w = window as unknown as { bigFile: File };
      const data = new DataTransfer();
      data.items.add(w.bigFile);
      document
        .querySelector('#panel-labels .drop')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^50,000 rows, 3 classes/);
    await page.getByLabel('TF-IDF words').check();
    await page.getByTestId('labels-run').click();
    await page.getByRole('progressbar').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    expect(await page.getByTestId('labels-summary').textContent()).toMatch(/of 50,000 rows flagged/);
    const rendered = await page.getByTestId('label-row').count();
    expect(rendered).toBeLessThan(60);
    await page.locator('[data-testid="label-table"] .viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('[data-testid="label-row"][aria-rowindex="50001"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
