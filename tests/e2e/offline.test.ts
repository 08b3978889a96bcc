import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

describe('offline after one visit', () => {
  it('starts, stays cross-origin isolated and runs the built-in model with no network', async () => {
    const context = await e2e.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('offline-ready').waitFor({ timeout: 120_000 });
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('network-status').getByText('offline').waitFor();
    await waitForModelReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getByTestId('ep-badge').textContent()).toMatch(/WASM · [2-9] threads/);

    await page.getByTestId('attention-text').fill('Offline, the model still reads this sentence.');
    await page.getByTestId('attention-tokens').getByText('sentence', { exact: true }).waitFor({ timeout: 60_000 });
    await page.getByTestId('view-model').click();
    expect(await page.getByTestId('head-thumbnail').count()).toBe(16);
    await context.close();
  });
});
