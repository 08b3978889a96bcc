import { readFileSync } from 'node:fs';
import type { Download, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

/**
 * "Train a head" in the label tool end to end: the built-in example (360 rows) embedded by the built-in model,
 * two heads trained side by side in the worker (A without dropout, B with), both curves drawn live with the best
 * epoch marked, a pause that holds the training, the runs table filled and exported, and a second training on
 * a small share of the data added to the table.
 */
const e2e = useAppAndBrowser();

async function download(page: Page, target: Locator): Promise<{ name: string; text: string }> {
  const [file] = (await Promise.all([page.waitForEvent('download'), target.click()])) as [Download, void];
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

/** How many epochs a run's drawn held-out loss curve has (its path has one point per epoch). */
const points = (d: string | null) => (d?.match(/[ML]/g) ?? []).length;

describe('train a head', () => {
  it('trains A and B on the example, draws both curves live, pauses, fills and exports the runs table', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);

    const panel = page.getByTestId('head-panel');
    await panel.getByTestId('head-epochs').fill('40');
    await panel.getByTestId('head-epochs').press('Tab');
    await expect.poll(() => panel.getByTestId('head-hidden-dropout-B').inputValue()).toBe('0.5');
    // Keyboard: the train button is reached and pressed without the mouse.
    await panel.getByTestId('head-train').focus();
    await page.keyboard.press('Enter');

    // Live: both runs' curves appear while the training runs, then a pause holds them at one epoch.
    const heldA = panel.getByTestId('head-curve-A-held-0');
    const heldB = panel.getByTestId('head-curve-B-held-0');
    await expect.poll(async () => points(await heldA.getAttribute('d')), { timeout: 120_000 }).toBeGreaterThan(0);
    await panel.getByTestId('head-pause').click();
    await panel.getByTestId('head-resume').waitFor({ state: 'visible' });
    // The worker finishes the epoch it is in, reports it, and holds: from then on nothing moves.
    await page.waitForTimeout(500);
    const heldAt = points(await heldA.getAttribute('d'));
    await page.waitForTimeout(1000);
    expect(points(await heldA.getAttribute('d'))).toBe(heldAt);
    expect(heldAt).toBeLessThan(40);
    expect(await panel.getByRole('status').first().textContent()).toContain(`Paused after epoch ${heldAt}`);
    await panel.getByTestId('head-resume').click();

    const rows = panel.getByTestId('head-runs-row');
    await expect.poll(() => rows.count(), { timeout: 240_000 }).toBe(2);
    expect(points(await heldA.getAttribute('d'))).toBe(40);
    expect(points(await heldB.getAttribute('d'))).toBe(40);
    for (const id of ['head-curve-A-train-0', 'head-curve-B-train-0', 'head-curve-A-held-1', 'head-curve-B-held-1'])
      expect(points(await panel.getByTestId(id).getAttribute('d'))).toBe(40);
    await expect.poll(() => panel.getByTestId('head-best-A').count()).toBe(1);
    await expect.poll(() => panel.getByTestId('head-best-B').count()).toBe(1);
    expect(await panel.getByTestId('head-summary').textContent()).toMatch(/held-out rows of 360/);

    // The table exports with both runs' final held-out figures; the curves export as SVG.
    const csv = await download(page, panel.getByTestId('export-csv'));
    expect(csv.name).toBe('head-training-runs.csv');
    const [header, ...lines] = csv.text.trim().split(/\r?\n/);
    expect(header).toContain('finalHeldOutLoss');
    expect(lines).toHaveLength(2);
    const svg = await download(page, panel.getByTestId('export-svg'));
    expect(svg.name).toBe('head-training-curves.svg');
    expect(svg.text).toContain('<svg');

    // A second training on 10% of the rows is added to the table, not put in place of the first.
    await panel.getByTestId('head-data-10').check();
    await panel.getByTestId('head-train').click();
    await expect.poll(() => rows.count(), { timeout: 240_000 }).toBe(4);
    expect(await rows.nth(3).textContent()).toMatch(/10%/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
