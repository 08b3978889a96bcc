import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODEL_CACHE_NAME } from '../../src/core/model/model-cache';
import { FakeModelHost, openPage, useAppAndBrowser, waitForModelReady, loadFromHub } from './harness';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();
const host = new FakeModelHost();
beforeAll(async () => {
  for (const [file, bytes] of Object.entries(tinyModelFiles())) host.put('tests/tiny-bert', file, bytes);
  await host.start();
});
afterAll(() => host.stop());

/** Whether the app has kept a built-in model whole: its .onnx is written last, after every other file. */
const keptBuiltin = (page: Page, name: string) =>
  page.evaluate(
    async ({ cacheName, name }) =>
      (await (await caches.open(cacheName)).match(new URL(`models/${name}/onnx/model.onnx`, document.baseURI).href)) !==
      undefined,
    { cacheName: BUILTIN_MODEL_CACHE_NAME, name },
  );

async function loadBuiltin(page: Page, name: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Built in', { exact: true }).click();
  await page.getByTestId('embedded-select').selectOption(name);
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-status').getByText(`${name} (built in)`).waitFor({ timeout: 120_000 });
  await waitForModelReady(page);
}

describe('offline after one visit', () => {
  it('starts, stays cross-origin isolated, and each of the four tools produces a result with no network', async () => {
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

    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-samples').fill('8');
    await page.getByTestId('mc-samples').press('Tab');
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-run-info').filter({ hasText: /T = 8/ }).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('mc-prediction').textContent()).toMatch(/\S/);

    await page.getByTestId('tab-analogy').click();
    await page.getByTestId('analogy-run').click();
    // Both the model's token space and the shipped static vectors come from the precache.
    await page
      .getByTestId('analogy-result-token')
      .locator('[data-testid="analogy-candidates"] li')
      .nth(4)
      .waitFor({ timeout: 120_000 });
    await page
      .getByTestId('analogy-result-static')
      .locator('[data-testid="analogy-candidates"] li')
      .nth(4)
      .waitFor({ timeout: 120_000 });

    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);
    await page.getByTestId('labels-run').click();
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    expect(await page.getByTestId('labels-summary').textContent()).toMatch(/^\d+ of 360 rows flagged/);
    expect(await page.getByTestId('network-status').textContent()).toMatch(/offline/);
    await context.close();
  });
});

describe('both built-in models offline', () => {
  it('after one visit, an offline reload opens the default model and loads the decoder too, never picked online', async () => {
    const context = await e2e.browser.newContext();
    try {
      const { page, errors } = await openPage(context, e2e.url);
      await waitForModelReady(page);
      await page.getByTestId('offline-ready').waitFor({ timeout: 120_000 });
      // The decoder is kept once the page is idle after the service worker installed.
      await expect.poll(() => keptBuiltin(page, 'playground-gpt-mini'), { timeout: 120_000, interval: 500 }).toBe(true);

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('network-status').getByText('offline').waitFor();
      await page.getByTestId('model-status').getByText('playground-bert-mini (built in)').waitFor({ timeout: 120_000 });
      await waitForModelReady(page);
      await loadBuiltin(page, 'playground-gpt-mini');
      // The decoder runs offline: the attention tool tokenizes and draws a new text with it.
      await page.getByTestId('tab-attention').click();
      await page.getByTestId('attention-text').fill('The whale swam across the sea.');
      await page.getByTestId('attention-tokens').getByText(/whale/).first().waitFor({ timeout: 60_000 });
      await loadBuiltin(page, 'playground-bert-mini');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a model the storage quota cannot hold', () => {
  it('runs, says it cannot be kept offline, is not listed; an offline reload falls back to the built-in model and says so', async () => {
    const context = await e2e.browser.newContext();
    try {
      const { page } = await openPage(context, e2e.url);
      await waitForModelReady(page);
      await page.getByTestId('offline-ready').waitFor({ timeout: 120_000 });
      await expect.poll(() => keptBuiltin(page, 'playground-gpt-mini'), { timeout: 120_000, interval: 500 }).toBe(true);
      // A private window's small quota: what the site already stores plus 20 kB. Chromium's estimate() keeps
      // reporting usage + 10 GiB whatever the quota, so it is the write itself that fails here.
      const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(e2e.url).origin, quotaSize: usage + 20_000 });

      await loadFromHub(page, 'tests/tiny-bert', host.url);
      await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 120_000 });
      await waitForModelReady(page);
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: 'offline use' }).textContent(), { timeout: 30_000 })
        .toMatch(
          /^tests\/tiny-bert is loaded and works now, but it cannot be kept for offline use: the browser refused to store \S+ \(storage full, not allowed here, or the small allowance of a private window\)/,
        );
      // Nothing half-kept is listed as a cached model.
      expect(await page.getByTestId('cached-models').getByText('tiny-bert').count()).toBe(0);

      // Offline emulation does not reach a page while another CDP session is attached to it.
      await cdp.detach();
      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('network-status').getByText('offline').waitFor();
      await page.getByTestId('model-status').getByText('playground-bert-mini (built in)').waitFor({ timeout: 120_000 });
      await waitForModelReady(page);
      expect(await page.getByRole('status').filter({ hasText: 'loaded instead' }).textContent()).toMatch(
        /^The model you used last could not be loaded \(.*\); the built-in model playground-bert-mini is loaded instead\./,
      );
    } finally {
      await context.close();
    }
  });
});
