/**
 * The MC-dropout tool in Chromium against the built app and the built-in model: fill-mask with T = 16,
 * bars with spread, a new seed gives new samples, the samples export as CSV, classification shows a
 * per-sample strip, inputs survive a reload.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabeledText } from '../../src/core/labels/ingest';
import {
  FakeModelHost,
  launchChromium,
  openPage,
  useAppAndBrowser,
  waitForModelReady,
  repoRoot,
  loadFromHub,
} from './harness';
import { tinyModelFiles } from './tiny-model-files';

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

/** The batch rows' values of one measure column, top to bottom (failed rows have none). */
async function batchColumn(
  page: Page,
  measure: 'mutualInformation' | 'predictiveEntropy' | 'variationRatio',
): Promise<number[]> {
  return (await page.getByTestId(`mc-batch-${measure}`).allTextContents()).map(Number);
}

function expectDescending(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
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
    const spreads = await bars
      .getByTestId('mc-spread')
      .evaluateAll((lines) => lines.map((line) => Number(line.getAttribute('x2')) - Number(line.getAttribute('x1'))));
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
    await page
      .getByTestId('mc-run-info')
      .filter({ hasNotText: /seed 6 / })
      .waitFor({ timeout: 120_000 });
  });

  it('masks a clicked word, then classifies with a per-sample strip; inputs survive a reload', async () => {
    await page.getByTestId('mc-tokens').getByRole('button', { name: 'window', exact: true }).click();
    await page
      .getByTestId('mc-tokens')
      .getByRole('button', { name: '[MASK]', exact: true })
      .nth(1)
      .waitFor({ timeout: 60_000 });
    // The typed [MASK] stays masked beside the clicked word, and the page says so.
    await page.getByText(/sentence's own \[MASK\] stays masked too/).waitFor();
    expect(await page.getByText(/typed in the sentence stays masked too/).count()).toBe(1);

    await page.getByTestId('mc-task-classification').check();
    await page.getByTestId('mc-text').fill('The horse ate the grass.');
    await setNumber(page, 'mc-samples', 8);
    await page.getByTestId('mc-layers-last').check();
    await setNumber(page, 'mc-last-k', 1);
    await runAndWait(
      page,
      /T = 8, .*last 1 layer.* 1 graph run of 9 rows \(the dropout-off row \+ 8 samples\), deterministic prefix computed once and tiled/,
    );
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
    await page
      .getByTestId('mc-batch-text')
      .fill('A dog ran across the field.\nThe soup was too salty.\nShe planted roses.');
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-batch-table').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('mc-batch-row').count()).toBe(3);
    const mi = await batchColumn(page, 'mutualInformation');
    expect(mi).toHaveLength(3);
    expectDescending(mi);
    // Ranking by another measure re-sorts the rows by that column.
    await page.getByRole('button', { name: /Predictive entropy \(total\)/ }).click();
    expectDescending(await batchColumn(page, 'predictiveEntropy'));
    await page.getByRole('button', { name: /Mutual information \(epistemic\)/ }).click();
    expect(await batchColumn(page, 'mutualInformation')).toEqual(mi);
  });

  it("ranks the label tool's data by uncertainty, with the given labels beside it", async () => {
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    await page.getByText(/Loaded the example: 360 WordNet noun glosses/).waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-mode-batch').check();
    await page.getByTestId('mc-task-classification').check();
    await page.getByTestId('mc-layers-last').check();
    await setNumber(page, 'mc-last-k', 1);
    await setNumber(page, 'mc-samples', 4);
    await page.getByTestId('mc-use-label-data').filter({ hasText: '(360 rows)' }).click();
    await page.getByText(/360 texts taken from the label tool/).waitFor();
    const lines = (await page.getByTestId('mc-batch-text').inputValue()).split('\n');
    expect(lines).toHaveLength(360);
    await page.getByTestId('mc-run').click();
    // The caption above the scrolling box names the table.
    await page.getByRole('table', { name: /^360 inputs, most uncertain first/ }).waitFor({ timeout: 240_000 });
    expect(await page.getByTestId('mc-batch-row').count()).toBe(360);
    expect(await page.getByRole('columnheader', { name: 'Given label' }).count()).toBe(1);
    const given = await page.getByTestId('mc-batch-given-label').allTextContents();
    expect(given).toHaveLength(360);
    // The example's eight WordNet classes, one per row.
    expect(new Set(given).size).toBe(8);
    for (const label of given) expect(label).toMatch(/^noun\.\w+$/);
    // Each given label stays with its own text after ranking: compare every row with the example file itself.
    const labelsOf = new Map<string, Set<string>>();
    for (const row of parseLabeledText(
      readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8'),
    ).rows) {
      const text = row.text.replace(/\s+/g, ' ').trim();
      labelsOf.set(text, new Set([...(labelsOf.get(text) ?? []), row.label]));
    }
    const texts = await page.getByTestId('mc-batch-row').locator('td.text').allTextContents();
    expect(texts).toHaveLength(360);
    texts.forEach((text, i) => expect(labelsOf.get(text)?.has(given[i]), text).toBe(true));
    const mi = await batchColumn(page, 'mutualInformation');
    expect(mi).toHaveLength(360);
    expectDescending(mi);
    expect(mi[0]).toBeGreaterThan(mi[359]);
  });

  it('shows progress on a long run and stops it on Cancel, keeping the previous result', async () => {
    const rowsBefore = await page.getByTestId('mc-batch-row').count();
    expect(rowsBefore).toBeGreaterThan(0);
    await page.getByTestId('mc-layers-all').check();
    await setNumber(page, 'mc-samples', 256);
    const lines = Array.from({ length: 40 }, (_, i) => `Line ${i} about a small brown dog near the river.`).join('\n');
    await page.getByTestId('mc-batch-text').fill(lines);
    await page.getByTestId('mc-run').click();
    const bar = page.getByRole('progressbar', { name: 'Sampling the batch' });
    await page.waitForFunction(
      () =>
        Number(
          document
            .querySelector('[role=progressbar][aria-label="Sampling the batch"]')
            ?.getAttribute('aria-valuenow') ?? 0,
        ) > 0,
      null,
      { timeout: 60_000 },
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    await bar.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('mc-batch-row').count()).toBe(rowsBefore);
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
  // SwiftShader's WebGPU is 20–100× slower than WASM and compiles a shader per new kernel: the tiny test
  // model keeps the comparison about the noise, not about how long SwiftShader takes on the built-in model
  // (which once stalled a CI run past two minutes).
  let host: FakeModelHost;
  beforeAll(async () => {
    host = new FakeModelHost();
    for (const [file, bytes] of Object.entries(tinyModelFiles())) host.put('tests/tiny-bert', file, bytes);
    await host.start();
  });
  afterAll(async () => {
    await host?.stop();
  });

  async function classifySamples(browser: Browser, provider: 'wasm' | 'webgpu'): Promise<number[]> {
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
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-classification').check();
    await page.getByTestId('mc-text').fill('the cat sat on the mat');
    await setNumber(page, 'mc-samples', 4);
    await setNumber(page, 'mc-seed', 9);
    await page.getByTestId('mc-layers-last').check();
    await setNumber(page, 'mc-last-k', 1);
    await runAndWait(page, /T = 4, .*seed 9 .*tiled/);
    const csv = await samplesCsv(page);
    await context.close();
    return csv
      .trim()
      .split(/\r\n/)
      .slice(1)
      .map((line) => Number(line.split(',')[3]));
  }

  it('the same seed gives the same samples on WebGPU as on WASM (noise is fed, not drawn on the device)', async () => {
    const onWasm = await classifySamples(e2e.browser, 'wasm');
    // A browser of its own per attempt: a retry after a wedged GPU process starts clean.
    const webgpu = await launchChromium({ webgpu: true });
    try {
      const onWebGpu = await classifySamples(webgpu.browser, 'webgpu');
      expect(onWebGpu).toHaveLength(4 * 3);
      expect(onWasm).toHaveLength(4 * 3);
      // The samples really differ from one another (by far more than the tolerance), so equal masks are what makes them match.
      const firstClass = onWasm.filter((_, i) => i % 3 === 0);
      expect(Math.max(...firstClass) - Math.min(...firstClass)).toBeGreaterThan(0.05);
      for (let i = 0; i < onWasm.length; i++) expect(Math.abs(onWebGpu[i] - onWasm[i])).toBeLessThan(1e-3);
    } finally {
      await webgpu.close();
    }
  });
});

describe('MC dropout p from config.json', () => {
  let host: FakeModelHost;
  beforeAll(async () => {
    host = new FakeModelHost();
    const files = tinyModelFiles();
    const config = {
      ...JSON.parse(new TextDecoder().decode(files['config.json'])),
      hidden_dropout_prob: 0.2,
      attention_probs_dropout_prob: 0.3,
    };
    for (const [file, bytes] of Object.entries({ ...files, 'config.json': JSON.stringify(config) }))
      host.put('tests/dropout-bert', file, bytes);
    await host.start();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("defaults p to the model's hidden_dropout_prob (0.2, not the 0.1 fallback) and says one p serves both sites", async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await loadFromHub(page, 'tests/dropout-bert', host.url);
    await page.getByTestId('model-status').getByText('tests/dropout-bert').waitFor({ timeout: 60_000 });
    await waitForModelReady(page);
    await page.getByTestId('tab-uncertainty').click();
    expect(await page.getByTestId('mc-dropout').inputValue()).toBe('0.2');
    await page.getByText('from config.json (hidden_dropout_prob)').waitFor();
    expect(await page.getByTestId('mc-dropout-sites-note').textContent()).toMatch(
      /One p for both sites: config\.json's attention_probs_dropout_prob \(0\.3\) is not used separately/,
    );
    await page.getByTestId('mc-task-classification').check();
    await page.getByTestId('mc-text').fill('the king of france');
    await setNumber(page, 'mc-samples', 4);
    await runAndWait(page, /T = 4, p = 0\.2, /);
    expect(errors).toEqual([]);
    await context.close();
  });
});
