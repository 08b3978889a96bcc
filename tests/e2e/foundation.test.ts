import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/ui/common/format';
import {
  FakeModelHost,
  launchChromium,
  loadFromHub,
  openPage,
  repoRoot,
  useAppAndBrowser,
  waitForModelReady,
  type LaunchedBrowser,
} from './harness';
import { PacedModelHost } from './paced-model-host';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();
let host: FakeModelHost;
let pacedHost: PacedModelHost;
const tiny = tinyModelFiles();
/** The tiny model's shape (tests/helpers/tiny-transformer.ts defaults), independent of what the app reports. */
const TINY_LAYERS = 2;
const TINY_HEADS = 2;

beforeAll(async () => {
  host = new FakeModelHost();
  for (const [file, bytes] of Object.entries(tiny)) {
    host.put('tests/tiny-bert', file, bytes);
    host.put('tests/url-bert', file, bytes);
  }
  host.put('tests/broken-tokenizer', 'onnx/model.onnx', tiny['onnx/model.onnx']);
  host.put('tests/broken-tokenizer', 'tokenizer.json', '{"model": {"type": "WordPiece", "vocab": ');
  await host.start();
  pacedHost = new PacedModelHost();
  for (const [file, bytes] of Object.entries(tiny)) pacedHost.put('tests/tiny-bert', file, bytes);
  await pacedHost.start();
});

afterAll(async () => {
  await host?.stop();
  await pacedHost?.stop();
});

async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const { page, errors } = await openPage(context, e2e.url);
  return { context, page, errors };
}

async function chooseSource(page: Page, label: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText(label, { exact: true }).click();
}

/** Records every state of the page's progress bars (a MutationObserver), so no state is missed between two polls. */
function recordProgressStates(): void {
  const seen: { label: string | null; value: string | null; detail: string | null }[] = [];
  (window as unknown as { progressStates: typeof seen }).progressStates = seen;
  new MutationObserver(() => {
    for (const element of document.querySelectorAll('.progress')) {
      const bar = element.querySelector('[role=progressbar]');
      seen.push({
        label: bar?.getAttribute('aria-label') ?? null,
        value: bar?.getAttribute('aria-valuenow') ?? null,
        detail: element.querySelector('.detail')?.textContent ?? null,
      });
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

/**
 * While the paced host sent model.onnx, the download bar was determinate, between 0 and 100%, and its detail named
 * model.onnx with the bytes that had arrived (more than none, fewer than all) out of the exact total of every file.
 */
async function expectByteProgress(page: Page, totalBytes: number): Promise<void> {
  const states = await page.evaluate(
    () =>
      (window as unknown as { progressStates: { label: string | null; value: string | null; detail: string | null }[] })
        .progressStates,
  );
  const total = formatBytes(totalBytes);
  const midway = states.filter((state) => {
    const arrived = state.detail?.match(/^onnx\/model\.onnx: (.+) of (.+)$/);
    return (
      state.label === 'Downloading model' &&
      arrived !== null &&
      arrived !== undefined &&
      arrived[2] === total &&
      arrived[1] !== '0 B' &&
      arrived[1] !== total &&
      state.value !== null &&
      Number(state.value) < 100
    );
  });
  expect(midway.length, JSON.stringify(states.slice(-20))).toBeGreaterThan(0);
}

describe('app shell and model loading', () => {
  it('loads the built-in model with byte progress and shows the execution provider, with WASM threads under cross-origin isolation', async () => {
    // The built-in model.onnx is answered by the paced host, which sends it in slices: the bar must show the bytes
    // as they arrive. Service workers are blocked so that the page's own request is the one that gets rerouted.
    const dist = path.join(repoRoot, process.env.E2E_DIST ?? 'dist');
    const builtIn = (
      JSON.parse(readFileSync(path.join(dist, 'models/index.json'), 'utf8')) as { models: { name: string }[] }
    ).models[0].name;
    const onnx = new Uint8Array(readFileSync(path.join(dist, 'models', builtIn, 'onnx/model.onnx')));
    pacedHost.put('built-in', 'onnx/model.onnx', onnx);
    pacedHost.paceNext('/built-in/resolve/main/onnx/model.onnx');
    const context = await e2e.browser.newContext({ serviceWorkers: 'block' });
    await context.addInitScript(recordProgressStates);
    await context.route(`**/models/${builtIn}/onnx/model.onnx`, (route) =>
      route.continue({ url: `${pacedHost.url}/built-in/resolve/main/onnx/model.onnx` }),
    );
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    // config.json, tokenizer.json and tokenizer_config.json come first, then model.onnx.
    const jsonBytes = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].reduce(
      (sum, file) => sum + readFileSync(path.join(dist, 'models', builtIn, file)).byteLength,
      0,
    );
    await expectByteProgress(page, jsonBytes + onnx.byteLength);
    expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(`${builtIn} (built in)`);
    expect(await page.getByTestId('ep-badge').textContent()).toMatch(/WASM · \d+ threads?/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getByTestId('ep-badge').textContent()).not.toMatch(/· 1 thread$/);
    await context.close();
  });

  it('downloads a Hugging Face-layout model with byte progress, caches it with its size, reuses and deletes the cached copy', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    const onnxPath = '/tests/tiny-bert/resolve/main/onnx/model.onnx';
    const onnxHits = () => pacedHost.hits.filter((hit) => hit === onnxPath).length;
    const allBytes = Object.values(tiny).reduce((sum, bytes) => sum + bytes.byteLength, 0);

    // The host sends model.onnx in slices: the bar must show the bytes that have arrived.
    pacedHost.paceNext(onnxPath);
    await page.evaluate(recordProgressStates);
    await loadFromHub(page, 'tests/tiny-bert', pacedHost.url);
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
    await expectByteProgress(page, allBytes);
    expect(onnxHits()).toBe(1);
    const cachedRow = page.getByTestId('cached-models').locator('li', { hasText: 'tests/tiny-bert' });
    await cachedRow.waitFor();
    expect(await cachedRow.locator('.size').textContent()).toBe(formatBytes(allBytes));

    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor();
    expect(onnxHits()).toBe(1);

    await page.getByRole('button', { name: /^Delete cached .*tests\/tiny-bert/ }).click();
    await cachedRow.waitFor({ state: 'detached' });
    await page.getByText('None yet. Models loaded from Hugging Face or a URL are kept here').waitFor();
    await loadFromHub(page, 'tests/tiny-bert', pacedHost.url);
    await expect.poll(onnxHits, { timeout: 120_000 }).toBe(2);
    await waitForModelReady(page);
    await cachedRow.waitFor();
    await context.close();
  });

  it('loads a model from a direct folder URL', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    const folder = `${host.url}/tests/url-bert/resolve/main/`;
    await chooseSource(page, 'URL');
    await page.getByTestId('folder-url').fill(folder);
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-status').getByText(folder).waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
    expect(host.hits).toContain('/tests/url-bert/resolve/main/onnx/model.onnx');
    await page.getByTestId('tab-model').click();
    expect(await page.getByTestId('layers-heads').textContent()).toBe(`${TINY_LAYERS} × ${TINY_HEADS}`);
    await page.getByTestId('cached-models').getByText(folder).waitFor();
    await context.close();
  });

  it('loads local model files, picked or dropped, and uses a dropped config.json', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    const name = page.getByTestId('model-status').locator('.name');
    const summaryValue = (term: string) =>
      page.getByTestId('model-summary').locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');

    await chooseSource(page, 'Local files');
    await page.locator('aside input[type=file]').setInputFiles([
      { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(tiny['onnx/model.onnx']) },
      { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(tiny['tokenizer.json']) },
    ]);
    await expect.poll(() => name.textContent(), { timeout: 120_000 }).toBe('model.onnx');
    await waitForModelReady(page);
    await page.getByTestId('tab-model').click();
    expect(await page.getByTestId('layers-heads').textContent()).toBe(`${TINY_LAYERS} × ${TINY_HEADS}`);
    expect(await summaryValue('Max positions').textContent()).not.toBe('24');

    // Distinctive values that only this config.json carries.
    const config = {
      ...JSON.parse(Buffer.from(tiny['config.json']).toString('utf8')),
      max_position_embeddings: 24,
      id2label: { 0: 'calm', 1: 'stormy', 2: 'foggy' },
      label2id: { calm: 0, stormy: 1, foggy: 2 },
    };
    const dropped = [
      { name: 'dropped-tiny.onnx', base64: Buffer.from(tiny['onnx/model.onnx']).toString('base64') },
      { name: 'tokenizer.json', base64: Buffer.from(tiny['tokenizer.json']).toString('base64') },
      { name: 'config.json', base64: Buffer.from(JSON.stringify(config)).toString('base64') },
    ];
    await page.evaluate((files) => {
      const data = new DataTransfer();
      for (const file of files)
        data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name));
      document
        .querySelector('.model-panel .drop')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, dropped);
    await expect.poll(() => name.textContent(), { timeout: 120_000 }).toBe('dropped-tiny.onnx');
    await waitForModelReady(page);
    await expect.poll(() => summaryValue('Max positions').textContent()).toBe('24');
    expect(await summaryValue('Classes').textContent()).toBe('calm, stormy, foggy');
    await context.close();
  });

  it('keeps the previous model usable after each bad input, with a clear message', async () => {
    const { context, page } = await freshPage(e2e.browser);
    await waitForModelReady(page);
    const previous = await page.getByTestId('model-status').locator('.name').textContent();
    const alert = page.getByRole('alert').first();

    const pick = async (files: { name: string; buffer: Buffer }[]) => {
      await chooseSource(page, 'Local files');
      await page
        .locator('aside input[type=file]')
        .setInputFiles(files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
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
    await loadFromHub(page, 'tests/broken-tokenizer', host.url);
    await expectError(/tokenizer\.json is not valid JSON/);

    await loadFromHub(page, 'tests/does-not-exist', host.url);
    await expectError(
      /tokenizer\.json was not found on 127\.0\.0\.1:\d+ \(404\)\. Check the repo id, revision and host\./,
    );

    // The kept model still answers: its tokenizer, and a real onnxruntime run for a sentence typed only now.
    await page.getByTestId('tab-model').click();
    await page.getByTestId('tokenizer-input').fill('hello world');
    await page.getByTestId('token-list').waitFor();
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('the dog is here');
    await page.getByTestId('attention-tokens').locator('li', { hasText: /^dog$/ }).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(previous);
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

  interface AttentionExport {
    model: string;
    executionProvider: string;
    fullShape: number[];
    tokens: string[];
    values: [number, number | 'mean', number, number, number][];
  }

  async function exportAttention(page: Page): Promise<AttentionExport> {
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('the cat sat on the mat');
    // A result appears only once the loaded model has computed it (a model change clears the old one):
    // [CLS] + 6 words + [SEP].
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="attention-tokens"] li').length === 8,
      null,
      { timeout: 120_000 },
    );
    await page.getByTestId('view-model').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    return JSON.parse(readFileSync((await download.path())!, 'utf8'));
  }

  it('runs a tiny model on WebGPU and matches WASM within 1e-4', async () => {
    const context = await webgpu.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await loadFromHub(page, 'tests/tiny-bert', host.url);
    await page.getByTestId('model-status').getByText('tests/tiny-bert').waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
    expect(await page.getByTestId('ep-badge').textContent()).toBe('WebGPU');
    const onGpu = await exportAttention(page);

    await page.getByTestId('ep-select').selectOption('wasm');
    await page.getByTestId('load-model').click();
    await page.getByTestId('ep-badge').getByText(/WASM/).waitFor({ timeout: 120_000 });
    const onCpu = await exportAttention(page);

    // Each export names the execution provider that computed its numbers: a stale WebGPU result fails here.
    expect(onGpu.executionProvider).toBe('webgpu');
    expect(onCpu.executionProvider).toBe('wasm');
    expect(onGpu.model).toBe('tests/tiny-bert');
    expect(onCpu.model).toBe('tests/tiny-bert');
    expect(onGpu.tokens).toEqual(onCpu.tokens);
    const seq = onGpu.tokens.length;
    for (const exported of [onGpu, onCpu]) {
      expect(exported.fullShape).toEqual([TINY_LAYERS, TINY_HEADS, seq, seq]);
      expect(exported.values.length).toBe(TINY_LAYERS * TINY_HEADS * seq * seq);
    }
    let maxDiff = 0;
    onGpu.values.forEach((row, i) => {
      expect(row.slice(0, 4)).toEqual(onCpu.values[i].slice(0, 4));
      maxDiff = Math.max(maxDiff, Math.abs(row[4] - onCpu.values[i][4]));
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    await context.close();
  });
});
