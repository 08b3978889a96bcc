import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeModelHost, launchChromium, openPage, useAppAndBrowser, waitForModelReady, loadFromHub } from './harness';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();

async function download(page: Page, button: Locator): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return readFileSync((await file.path())!, 'utf8');
}

describe('attention with dropout (MC)', () => {
  it('samples every head on the built-in encoder: mean beside dropout off, std map, sortable stability, exports, p = 0 has no spread, the mode survives a reload', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('The dog ran across the green field.');
    await page.getByTestId('attention-tokens').getByText('across', { exact: true }).waitFor({ timeout: 60_000 });

    await page.getByTestId('attention-dropout-mc').check();
    const samples = page.getByTestId('mc-attention-samples');
    await samples.fill('8');
    await samples.press('Tab');
    await page
      .getByTestId('mc-attention-info')
      .getByText(/T = 8, p = 0\.1/)
      .waitFor({ timeout: 60_000 });

    const table = page.getByTestId('head-stability');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(4 * 4);
    // Least stable first: the JS column reads descending, and a click reverses it.
    const jsColumn = async () =>
      (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map((text) => Number(text));
    const descending = await jsColumn();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(descending[0]).toBeGreaterThan(0);
    await page.getByTestId('sort-meanJsDivergence').click();
    const ascending = await jsColumn();
    expect(ascending).toEqual([...descending].reverse());
    // Layer 1 is the first stochastic layer: its own dropout acts after its softmax, so its heads never vary.
    expect(ascending.slice(0, 4)).toEqual([0, 0, 0, 0]);

    const csv = await download(
      page,
      page.getByTestId('head-stability').locator('..').locator('..').getByTestId('export-csv'),
    );
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('layer,head,mean_js_divergence_nats,entropy_spread_nats,mean_entropy_nats,mean_std,max_std');
    expect(lines).toHaveLength(1 + 16);

    // The model view: a grid of every head's instability; a head opens by keyboard.
    await page.getByTestId('view-model').click();
    const grid = page.getByTestId('mc-stability-grid');
    await grid.waitFor();
    expect(await grid.locator('[data-cell]').count()).toBe(4 * 4);
    await grid.locator('[data-cell="2-1"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('layer-select').inputValue()).toBe('3');
    expect(await page.getByTestId('head-select').inputValue()).toBe('1');

    await page.getByTestId('view-matrix').click();
    await page.getByTestId('head-select').selectOption({ value: '0' });
    for (const map of ['mc-mean-map', 'mc-plain-map', 'mc-std-map']) await page.getByTestId(map).waitFor();
    const stdSvg = await download(page, page.getByTestId('mc-std-map').getByTestId('export-svg'));
    expect(stdSvg).toContain('xmlns="http://www.w3.org/2000/svg"');
    const parsed = await page.evaluate(
      (text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length,
      stdSvg,
    );
    expect(parsed).toBe(0);
    const matrixJson = JSON.parse(await download(page, page.getByTestId('mc-mean-map').getByTestId('export-json')));
    expect(matrixJson).toMatchObject({ layer: 4, head: 1, samples: 8, stdDivisor: 'T - 1' });
    for (const row of matrixJson.mean as number[][]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

    // Keyboard: focus the mean map and move; the readout compares the three maps at that cell.
    await page.getByTestId('mc-mean-map').locator('[role="grid"]').focus();
    await page.keyboard.press('ArrowRight');
    await page
      .getByTestId('mc-readout')
      .getByText(/mean .* ± .*, dropout off/)
      .waitFor();

    await page.getByTestId('view-row').click();
    await page.getByTestId('mc-row-view').waitFor();
    await page.getByTestId('view-head').click();
    await page.getByTestId('head-view').waitFor();

    // p = 0: every sample is the plain model, so no head spreads.
    const p = page.getByTestId('mc-attention-p');
    await p.fill('0');
    await p.press('Tab');
    await page
      .getByTestId('mc-attention-info')
      .getByText(/p = 0,/)
      .waitFor({ timeout: 60_000 });
    expect(new Set(await jsColumn())).toEqual(new Set([0]));

    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    expect(await page.getByTestId('attention-dropout-mc').isChecked()).toBe(true);
    await page.getByTestId('head-stability').waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('MC-dropout attention on WebGPU (SwiftShader)', () => {
  // The tiny test model, as in the uncertainty tool's WebGPU test: SwiftShader is far slower than WASM.
  let host: FakeModelHost;
  beforeAll(async () => {
    host = new FakeModelHost();
    for (const [file, bytes] of Object.entries(tinyModelFiles())) host.put('tests/tiny-bert', file, bytes);
    await host.start();
  });
  afterAll(async () => {
    await host?.stop();
  });

  async function sampledAttention(browser: Browser, provider: 'wasm' | 'webgpu') {
    const context = await browser.newContext({ acceptDownloads: true });
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('ep-select').selectOption(provider);
    await loadFromHub(page, 'tests/tiny-bert', host.url);
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 120_000 });
    await page
      .getByTestId('ep-badge')
      .filter({ hasText: provider === 'webgpu' ? /WebGPU/i : /WASM/ })
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('the cat sat on the mat');
    await page.getByTestId('attention-dropout-mc').check();
    for (const [id, value] of [
      ['mc-attention-samples', '4'],
      ['mc-attention-seed', '9'],
      ['mc-attention-p', '0.3'],
    ]) {
      await page.getByTestId(id).fill(value);
      await page.getByTestId(id).press('Tab');
    }
    await page
      .getByTestId('mc-attention-info')
      .getByText(/T = 4, p = 0\.3, .*seed 9/)
      .waitFor({ timeout: 120_000 });
    const exported = JSON.parse(
      await download(page, page.getByTestId('head-stability').locator('..').locator('..').getByTestId('export-json')),
    );
    await context.close();
    return exported as { mean: number[]; std: number[]; executionProvider: string };
  }

  it('the same seed gives the same attention samples on WebGPU as on WASM', async () => {
    const onWasm = await sampledAttention(e2e.browser, 'wasm');
    const webgpu = await launchChromium({ webgpu: true });
    try {
      const onWebGpu = await sampledAttention(webgpu.browser, 'webgpu');
      expect([onWasm.executionProvider, onWebGpu.executionProvider]).toEqual(['wasm', 'webgpu']);
      expect(onWebGpu.mean).toHaveLength(onWasm.mean.length);
      // The weights really vary across samples (far above the tolerance), so equal masks are what makes them match.
      expect(Math.max(...onWasm.std)).toBeGreaterThan(0.01);
      for (let i = 0; i < onWasm.mean.length; i++) {
        expect(Math.abs(onWebGpu.mean[i] - onWasm.mean[i])).toBeLessThan(1e-3);
        expect(Math.abs(onWebGpu.std[i] - onWasm.std[i])).toBeLessThan(1e-3);
      }
    } finally {
      await webgpu.close();
    }
  });
});
