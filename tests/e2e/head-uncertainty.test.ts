import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

/**
 * A head trained in the label tool, opened in the uncertainty tool: the runs table's "Open in uncertainty (MC)"
 * switches tools with that head and its first held-out row; MC dropout through the transformer and the head
 * runs there (p = 0 with the head's dropout off says every sample is the plain pass); after a reload the head
 * is gone and the tool says so instead of offering it.
 */
const e2e = useAppAndBrowser();

describe('a trained head in the uncertainty tool', () => {
  it('opens a run from the runs table, samples it, and after a reload says the head is gone', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);
    const panel = page.getByTestId('head-panel');
    await panel.getByTestId('head-epochs').fill('5');
    await panel.getByTestId('head-epochs').press('Tab');
    await panel.getByTestId('head-train').click();
    const rows = panel.getByTestId('head-runs-row');
    await expect.poll(() => rows.count(), { timeout: 240_000 }).toBe(2);

    // Run B (with dropout) opens in the uncertainty tool with its head chosen and a held-out text to try.
    await rows.nth(1).getByTestId('head-open-uncertainty').click();
    await page.getByTestId('mc-head-controls').waitFor({ state: 'visible' });
    expect(await page.getByTestId('mc-task-head').isChecked()).toBe(true);
    const chosen = page.getByTestId('mc-head');
    expect(await chosen.locator('option:checked').textContent()).toMatch(/^#2 run B: MLP/);
    const text = await page.getByTestId('mc-text').inputValue();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toBe('The horse ate the grass.');

    // p = 0 and the head's dropout off: every sample is the one plain pass.
    await page.getByTestId('mc-samples').fill('8');
    await page.getByTestId('mc-samples').press('Tab');
    await page.getByTestId('mc-dropout').fill('0');
    await page.getByTestId('mc-dropout').press('Tab');
    await page.getByTestId('mc-head-dropout').uncheck();
    await page.getByTestId('mc-run').click();
    const info = page.getByTestId('mc-run-info');
    await info.filter({ hasText: '#2 run B' }).waitFor({ timeout: 120_000 });
    expect(await info.textContent()).toMatch(/its own dropout off.*T = 8, p = 0,/);
    await page.getByText('p = 0: dropout is off, so every sample equals the deterministic prediction.').waitFor();
    expect(await page.getByTestId('mc-prediction').textContent()).toMatch(/MC-dropout prediction: .+ dropout off:/);

    // The head's own dropout on: the samples spread, and the note is gone.
    await page.getByTestId('mc-head-dropout').check();
    await page.getByTestId('mc-run').click();
    await info.filter({ hasText: 'its own dropout on' }).waitFor({ timeout: 120_000 });
    expect(await page.getByText('p = 0: dropout is off').count()).toBe(0);

    // A reload ends the page's heads: the task falls back and the tool says why, with no dead option.
    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('tab-uncertainty').click();
    await page.getByText('live only in the page that trained them').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('mc-task-classification').isChecked()).toBe(true);
    expect(await page.getByTestId('mc-task-head').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
