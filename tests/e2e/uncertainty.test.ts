/**
 * The MC-dropout tool in Chromium against the built app and the built-in model: fill-mask with T = 16,
 * bars with spread, a new seed gives new samples, the samples export as CSV, classification shows a
 * per-sample strip, inputs survive a reload.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, useAppAndBrowser, waitForModelReady, type LaunchedBrowser } from './harness';

const e2e = useAppAndBrowser();

async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(String(value));
  await input.press('Tab');
}

async function runAndWait(page: Page, expectInfo: RegExp): Promise<void> {
  await page.getByTestId('mc-run').click();
  await page.getByTestId('mc-run-info').filter({ hasText: expectInfo }).waitFor({ timeout: 120_000 });
}

async function samplesCsv(page: Page): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByTestId('mc-samples-panel').getByTestId('export-csv').click();
  const file = await (await download).path();
  return readFileSync(file, 'utf8');
}

describe('MC-dropout uncertainty tool', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    context = await e2e.browser.newContext({ acceptDownloads: true });
    ({ page, errors } = await openPage(context, e2e.url));
    await waitForModelReady(page);
  });

  afterAll(async () => {
    await context?.close();
  });

  it('runs fill-mask with T = 16: bars with spread, statistics, a new seed gives new samples, CSV export of the samples', async () => {
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-fill-mask').check();
    await page.getByText(/small teaching model/).waitFor();
    await page.getByTestId('mc-text').fill('The cat sat on the [MASK] and looked out of the window.');
    await setNumber(page, 'mc-samples', 16);
    await setNumber(page, 'mc-seed', 5);
    await runAndWait(page, /T = 16, p = 0\.1, .*seed 5 /);

    const bars = page.getByTestId('mc-bars');
    await bars.waitFor();
    expect(await bars.getByTestId('mc-bar').count()).toBe(10);
    const spreads = await bars.getByTestId('mc-spread').evaluateAll((lines) => lines.map((line) => Number(line.getAttribute('x2')) - Number(line.getAttribute('x1'))));
    expect(spreads).toHaveLength(10);
    expect(Math.max(...spreads)).toBeGreaterThan(1);
    expect(await page.getByTestId('mc-statistics').textContent()).toMatch(/Mutual information \(BALD\)\s*[\d.]+ nats/);
    expect(await page.getByTestId('mc-convergence').count()).toBe(1);

    const first = await samplesCsv(page);
    const lines = first.trim().split(/\r\n/);
    expect(lines[0]).toBe('sample,token,id,probability,seed,p,stochastic_layers,sites');
    expect(lines).toHaveLength(1 + 16 * 10);
    expect(lines[1]).toMatch(/^1,.+,\d+,0?\.?[\d.e-]+,5,0\.1,all,attention\+hidden$/);

    // Same seed again: the same samples.
    await runAndWait(page, /seed 5 /);
    expect(await samplesCsv(page)).toBe(first);

    // A new seed: new samples.
    await setNumber(page, 'mc-seed', 6);
    await runAndWait(page, /seed 6 /);
    const second = await samplesCsv(page);
    expect(second).not.toBe(first);
    expect(second.split(/\r\n/)[1]).toMatch(/,6,0\.1,all,attention\+hidden$/);

    // "New seed" picks a random one and runs.
    await page.getByTestId('mc-new-seed').click();
    await page.getByTestId('mc-run-info').filter({ hasNotText: /seed 6 / }).waitFor({ timeout: 120_000 });
  });

  it('masks a clicked word, then classifies with a per-sample strip; inputs survive a reload', async () => {
    await page.getByTestId('mc-tokens').getByRole('button', { name: 'window', exact: true }).click();
    await page.getByTestId('mc-tokens').getByRole('button', { name: '[MASK]', exact: true }).nth(1).waitFor({ timeout: 60_000 });

    await page.getByTestId('mc-task-classification').check();
    await page.getByTestId('mc-text').fill('The horse ate the grass.');
    await setNumber(page, 'mc-samples', 8);
    await page.getByTestId('mc-layers-last').check();
    await setNumber(page, 'mc-last-k', 1);
    await runAndWait(page, /T = 8, .*last 1 layer.*tiled/);
    expect(await page.getByTestId('mc-bars').getByTestId('mc-bar').count()).toBe(8);
    expect(await page.getByTestId('mc-strip').locator('circle').count()).toBe(8 * 8);

    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('mc-text').waitFor();
    expect(await page.getByTestId('mc-text').inputValue()).toBe('The horse ate the grass.');
    expect(await page.getByTestId('mc-samples').inputValue()).toBe('8');
    expect(await page.getByTestId('mc-layers-last').isChecked()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('ranks a batch of inputs by uncertainty', async () => {
    await page.getByTestId('mc-mode-batch').check();
    await page.getByTestId('mc-batch-text').fill('A dog ran across the field.\nThe soup was too salty.\nShe planted roses.');
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-batch-table').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('mc-batch-row').count()).toBe(3);
  });

  it('shows progress on a long run and stops it on Cancel, keeping the previous result', async () => {
    await page.getByTestId('mc-layers-all').check();
    await setNumber(page, 'mc-samples', 256);
    const lines = Array.from({ length: 40 }, (_, i) => `Line ${i} about a small brown dog near the river.`).join('\n');
    await page.getByTestId('mc-batch-text').fill(lines);
    await page.getByTestId('mc-run').click();
    const bar = page.getByRole('progressbar', { name: 'Sampling the batch' });
    await page.waitForFunction(() => Number(document.querySelector('[role=progressbar][aria-label="Sampling the batch"]')?.getAttribute('aria-valuenow') ?? 0) > 0, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await bar.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('mc-batch-row').count()).toBe(3);
    expect(await page.getByRole('alert').count()).toBe(0);
    // Stopped between chunks (soft), not by restarting the worker.
    expect(await page.getByText(/was restarted/).count()).toBe(0);
    // The worker still answers.
    await page.getByTestId('mc-batch-text').fill('One more line.');
    await setNumber(page, 'mc-samples', 4);
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-batch-row').first().filter({ hasText: 'One more line.' }).waitFor({ timeout: 60_000 });
  });
});

describe('MC dropout on WebGPU (SwiftShader)', () => {
  let webgpu: LaunchedBrowser;
  beforeAll(async () => {
    webgpu = await launchChromium({ webgpu: true });
  });
  afterAll(async () => {
    await webgpu?.close();
  });

  async function classifySamples(browser: Browser, provider: 'wasm' | 'webgpu'): Promise<number[]> {
    const context = await browser.newContext({ acceptDownloads: true });
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    if (provider === 'webgpu') {
      await page.getByTestId('ep-select').selectOption('webgpu');
      await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Built in', { exact: true }).click();
      await page.getByTestId('load-model').click();
      await page.getByTestId('ep-badge').filter({ hasText: /WebGPU/i }).waitFor({ timeout: 120_000 });
    }
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-classification').check();
    await page.getByTestId('mc-text').fill('The horse ate the grass.');
    await setNumber(page, 'mc-samples', 4);
    await setNumber(page, 'mc-seed', 9);
    await page.getByTestId('mc-layers-last').check();
    await setNumber(page, 'mc-last-k', 1);
    await runAndWait(page, /T = 4, .*seed 9 .*tiled/);
    const csv = await samplesCsv(page);
    await context.close();
    return csv.trim().split(/\r\n/).slice(1).map((line) => Number(line.split(',')[3]));
  }

  it('the same seed gives the same samples on WebGPU as on WASM (noise is fed, not drawn on the device)', async () => {
    const onWasm = await classifySamples(e2e.browser, 'wasm');
    const onWebGpu = await classifySamples(webgpu.browser, 'webgpu');
    expect(onWebGpu).toHaveLength(4 * 8);
    for (let i = 0; i < onWasm.length; i++) expect(Math.abs(onWebGpu[i] - onWasm[i])).toBeLessThan(1e-3);
  });
});
