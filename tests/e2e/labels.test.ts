import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, repoRoot, useAppAndBrowser, waitForModelReady } from './harness';

/**
 * The mislabeled-row finder end to end: paste the WordNet glosses with planted label errors (plus a
 * formula-like row), run on the built-in model, find the planted rows flagged with the right
 * suggestions, accept one, remove one by keyboard, export, reload, and find everything intact — with
 * no request leaving the page's origin.
 */
const e2e = useAppAndBrowser();

const csv = readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8').trimEnd();
const planted = (JSON.parse(readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.flips.json'), 'utf8')) as {
  flips: { row: number; original: string; given: string }[];
}).flips;
const FORMULA_TEXT = '=HYPERLINK("http://example.invalid") a tool for cutting wood';
const pasted = `${csv}\n"${FORMULA_TEXT.replace(/"/g, '""')}",noun.artifact\n`;
/** Spreadsheet row (header = 1) of a 0-based data row. */
const sheetRow = (dataRow: number) => dataRow + 2;

interface AuditJson {
  numIssues: number;
  rows: { row: number; text: string; givenLabel: string; suggestedLabel: string; flagged: boolean; decision: string; finalLabel: string | null }[];
}

async function downloadText(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])) as [Download, void];
  const file = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(file!, 'utf8') };
}

describe('mislabeled-row finder', () => {
  it('flags planted label errors, takes decisions, exports, and keeps everything across a reload, all in the page', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors, requests } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();

    await page.getByTestId('labels-input').fill(pasted);
    await expect.poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 }).toMatch(/^361 rows, 8 classes/);
    await page.getByTestId('labels-run').click();
    await page.getByRole('progressbar').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    const summary = await page.getByTestId('labels-summary').textContent();
    expect(summary).toMatch(/of 361 rows flagged/);
    expect(await page.getByTestId('noise-matrix').locator('rect').count()).toBe(64);

    // The planted rows: most are flagged, and flagged ones mostly suggest the original label.
    const audit = JSON.parse((await downloadText(page, 'labels-export-json')).text) as AuditJson;
    const bySheetRow = new Map(audit.rows.map((r) => [r.row, r]));
    const found = planted.filter((f) => bySheetRow.get(sheetRow(f.row))?.flagged);
    const right = found.filter((f) => bySheetRow.get(sheetRow(f.row))!.suggestedLabel === f.original);
    expect(found.length / planted.length).toBeGreaterThan(0.5);
    expect(right.length / found.length).toBeGreaterThan(0.7);

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
    expect(lines).toHaveLength(1 + 361 - 1);
    const targetText = bySheetRow.get(target!)!.text;
    const acceptedLine = lines.find((line) => line.startsWith(targetText.includes(',') || targetText.includes('"') ? `"${targetText.replace(/"/g, '""')}"` : targetText));
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
    expect(await page.getByTestId('labels-summary').textContent()).toBe(summary!.replace(/0 accepted, 0 kept, 0 to remove/, '1 accepted, 0 kept, 1 to remove'));
    expect(await page.getByTestId('labels-input').inputValue()).toBe(pasted);
    await page.getByTestId('filter-flagged').check();
    const restoredRow = page.locator(`[data-testid="label-row"][data-row="${target}"]`);
    await restoredRow.waitFor({ state: 'visible' });
    expect(await restoredRow.getByTestId('accept').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator(`[data-testid="label-row"][data-row="${other}"]`).getByTestId('remove').getAttribute('aria-pressed')).toBe('true');

    // Filters: given label, suggested label and a text search narrow the table.
    await page.getByPlaceholder('text contains…').fill(targetText.slice(0, 30).toUpperCase());
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.evaluateAll((elements) => elements.map((e) => Number((e as HTMLElement).dataset.row)))).toContain(target);
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
    await expect.poll(() => page.getByTestId('labels-timings').textContent(), { timeout: 120_000 }).toMatch(/361 embeddings from the cache|360 embeddings from the cache/);

    const origin = new URL(e2e.url).origin;
    const foreign = requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin);
    expect(foreign).toEqual([]);
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
    await expect.poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 }).toMatch(/^360 rows, 8 classes/);
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(false);

    // Cancel mid-run: the data stays, the tool says so, and it can run again.
    await page.getByTestId('labels-run').click();
    await page.getByRole('button', { name: 'Cancel' }).first().click({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'The audit was cancelled' }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('labels-parse-summary').textContent()).toMatch(/^360 rows, 8 classes/);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled(), { timeout: 30_000 }).toBe(false);

    await input.fill('');
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(true);
    expect(await page.getByTestId('labels-empty').isVisible()).toBe(true);

    await input.fill('text,label\na cat,animal\na dog,animal\na fish,animal\n');
    await expect.poll(() => page.getByTestId('labels-problems').textContent(), { timeout: 30_000 }).toMatch(/same label/);
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(true);

    const rows = ['text,label'];
    for (let i = 0; i < 6; i++) rows.push(`a small animal number ${i},animal`, `a hand tool number ${i},tool`);
    rows.push(',tool', 'a thing with no label,');
    await input.fill(rows.join('\n'));
    await page.getByTestId('labels-consent').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId('labels-run').isDisabled()).toBe(true);
    await page.getByTestId('labels-consent').check();
    await expect.poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 }).toMatch(/^12 rows, 2 classes/);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(false);
    await context.close();
  });
  it('audits 50,000 dropped rows with a progress bar, a virtualized table and no long main-thread task from parsing or rendering', async () => {
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
      const words = Array.from({ length: 8 }, () => (next() < 0.8 ? topics[k] : topics[(k + 1) % 3])[Math.floor(next() * 5)]);
      const label = next() < 0.05 ? names[(k + 1 + Math.floor(next() * 2)) % 3] : names[k];
      lines.push(`row ${i} ${words.join(' ')}\t${label}`);
    }
    // Hand the file over first, then drop it: only the page's own work is timed.
    await page.evaluate((text) => ((window as unknown as { bigFile: File }).bigFile = new File([text], 'big.tsv', { type: 'text/tab-separated-values' })), lines.join('\n'));
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; bigFile: File };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
      const data = new DataTransfer();
      data.items.add(w.bigFile);
      document.querySelector('#panel-labels .drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 }).toMatch(/^50,000 rows, 3 classes/);
    const parseTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    await page.getByLabel('TF-IDF words').check();
    await page.getByTestId('labels-run').click();
    await page.getByRole('progressbar').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    expect(await page.getByTestId('labels-summary').textContent()).toMatch(/of 50,000 rows flagged/);
    const rendered = await page.getByTestId('label-row').count();
    expect(rendered).toBeLessThan(60);
    await page.locator('[data-testid="label-table"] .viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('[data-testid="label-row"][aria-rowindex="50001"]').count()).toBe(1);
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    console.log(`50,000 rows: long tasks while parsing ${JSON.stringify(parseTasks.map(Math.round))}, afterwards ${JSON.stringify(tasks.map(Math.round))}`);
    // The budget is 50 ms; this machine is shared and slow, so only gross blocking fails the test.
    expect(Math.max(0, ...parseTasks, ...tasks)).toBeLessThan(400);
    expect(errors).toEqual([]);
    await context.close();
  });
});
