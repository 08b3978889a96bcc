import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeModelHost, launchChromium, openPage, useAppAndBrowser, waitForModelReady, type LaunchedBrowser } from './harness';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();
let host: FakeModelHost;
const tiny = tinyModelFiles();

beforeAll(async () => {
  host = new FakeModelHost();
  for (const [file, bytes] of Object.entries(tiny)) host.put('tests/tiny-bert', file, bytes);
  host.put('tests/broken-tokenizer', 'onnx/model.onnx', tiny['onnx/model.onnx']);
  host.put('tests/broken-tokenizer', 'tokenizer.json', '{"model": {"type": "WordPiece", "vocab": ');
  await host.start();
});

afterAll(async () => {
  await host?.stop();
});

async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const { page, errors } = await openPage(context, e2e.url);
  return { context, page, errors };
}

async function chooseSource(page: Page, label: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText(label, { exact: true }).click();
}

async function loadFromHub(page: Page, repo: string): Promise<void> {
  await chooseSource(page, 'Hugging Face');
  await page.getByTestId('hub-repo').fill(repo);
  await page.locator('details', { has: page.locator('summary', { hasText: 'Host' }) }).evaluate((details) => ((details as HTMLDetailsElement).open = true));
  await page.getByTestId('hub-host').fill(host.url);
  await page.getByTestId('load-model').click();
}

describe('app shell and model loading', () => {
  it('loads the built-in model with a progress bar and shows the execution provider', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    // Hold the model download briefly so the progress bar is observable.
    await page.route('**/onnx/model.onnx', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    await page.goto(e2e.url);
    await expect(page.getByRole('progressbar').first().waitFor({ state: 'visible', timeout: 30_000 })).resolves.toBeUndefined();
    await waitForModelReady(page);
    expect(await page.getByTestId('ep-badge').textContent()).toMatch(/WASM · \d+ threads?/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getByTestId('ep-badge').textContent()).not.toMatch(/· 1 thread$/);
    await context.close();
  });

  it('loads a model from a Hugging Face-layout host, caches it, and serves the second load from the cache', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    await loadFromHub(page, 'tests/tiny-bert');
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 60_000 });
    await waitForModelReady(page);
    const onnxHits = () => host.hits.filter((hit) => hit === '/tests/tiny-bert/resolve/main/onnx/model.onnx').length;
    expect(onnxHits()).toBe(1);
    await page.getByTestId('cached-models').getByText('tests/tiny-bert').waitFor();

    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor();
    expect(onnxHits()).toBe(1);
    await context.close();
  });

  it('keeps the previous model usable after each bad input, with a clear message', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    const previous = await page.getByTestId('model-status').locator('.name').textContent();
    const alert = page.getByRole('alert').first();

    const pick = async (files: { name: string; buffer: Buffer }[]) => {
      await chooseSource(page, 'Local files');
      await page.locator('aside input[type=file]').setInputFiles(files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
    };
    const tokenizer = { name: 'tokenizer.json', buffer: Buffer.from(tiny['tokenizer.json']) };
    const expectError = async (pattern: RegExp) => {
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.textContent()).toMatch(pattern);
      expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(previous);
      await page.getByTestId('model-ready').waitFor();
      await page.getByRole('button', { name: 'Dismiss' }).first().click();
    };

    const onnx = Buffer.from(tiny['onnx/model.onnx']);
    await pick([{ name: 'model.onnx', buffer: onnx.subarray(0, Math.floor(onnx.length / 2)) }, tokenizer]);
    await expectError(/not an ONNX model.*truncated/s);

    const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256));
    await pick([{ name: 'weights.onnx', buffer: random }, tokenizer]);
    await expectError(/not an ONNX model/);

    await pick([{ name: 'model.onnx', buffer: onnx }]);
    await page.getByText(/A tokenizer\.json is needed next to model\.onnx/).waitFor();

    await chooseSource(page, 'Hugging Face');
    await loadFromHub(page, 'tests/broken-tokenizer');
    await expectError(/tokenizer\.json is not valid JSON/);

    await loadFromHub(page, 'tests/does-not-exist');
    await expectError(/tokenizer\.json was not found on 127\.0\.0\.1:\d+ \(404\)\. Check the repo id, revision and host\./);

    // The kept model still answers.
    await page.getByTestId('tab-model').click();
    await page.getByTestId('tokenizer-input').fill('hello world');
    await page.getByTestId('token-list').waitFor();
    await context.close();
  });

  it('falls back to WASM when WebGPU is asked for but unavailable', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    await page.getByTestId('ep-select').selectOption('webgpu');
    await chooseSource(page, 'Built in');
    await page.getByTestId('load-model').click();
    await page.getByText(/Running on WASM: .*WebGPU/).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('ep-badge').textContent()).toMatch(/WASM/);
    await context.close();
  });
});

describe('WebGPU path', () => {
  let webgpu: LaunchedBrowser;
  beforeAll(async () => {
    webgpu = await launchChromium({ webgpu: true });
  });
  afterAll(async () => {
    await webgpu?.close();
  });

  async function exportAttention(page: Page): Promise<{ values: number[][]; tokens: string[] }> {
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('the cat sat on the mat');
    // The view updates when the run for the new text is done: [CLS] + 6 words + [SEP].
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attention-tokens"] li').length === 8, null, { timeout: 120_000 });
    await page.getByTestId('view-model').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    return JSON.parse(readFileSync((await download.path())!, 'utf8'));
  }

  it('runs a tiny model on WebGPU and matches WASM within 1e-4', async () => {
    const context = await webgpu.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await loadFromHub(page, 'tests/tiny-bert');
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
    expect(await page.getByTestId('ep-badge').textContent()).toBe('WebGPU');
    const onGpu = await exportAttention(page);

    await page.getByTestId('ep-select').selectOption('wasm');
    await page.getByTestId('load-model').click();
    await page.getByTestId('ep-badge').getByText(/WASM/).waitFor({ timeout: 120_000 });
    const onCpu = await exportAttention(page);

    expect(onGpu.tokens).toEqual(onCpu.tokens);
    expect(onGpu.values.length).toBe(onCpu.values.length);
    let maxDiff = 0;
    onGpu.values.forEach((row, i) => {
      expect(row.slice(0, 4)).toEqual(onCpu.values[i].slice(0, 4));
      const diff = Math.abs(row[4] - onCpu.values[i][4]);
      maxDiff = Math.max(maxDiff, diff);
    });
    expect(maxDiff).toBeLessThan(1e-4);
    await context.close();
  });
});
