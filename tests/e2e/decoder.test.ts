/**
 * Decoders in the page: a tiny Llama-like decoder picked as local files (decoder_model.onnx with cache
 * inputs) and a tiny GPT-2-like one loaded from a folder URL that only has decoder_model_merged.onnx.
 * Each shows causal attention (the masked triangle said to be "cannot attend"), a next-token distribution
 * with MC dropout, and a continuation whose clicked token shows its candidates.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyDecoder, type TinyDecoder } from '../helpers/tiny-decoder';
import { FakeModelHost, openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();
const host = new FakeModelHost();
const gpt2 = buildTinyDecoder({ family: 'gpt2', layout: 'merged' });
const llama = buildTinyDecoder({ family: 'llama', layout: 'cache' });
const json = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  host.put('tests/url-gpt', 'onnx/decoder_model_merged.onnx', gpt2.bytes);
  host.put('tests/url-gpt', 'config.json', json(gpt2.configJson));
  host.put('tests/url-gpt', 'tokenizer.json', json(gpt2.tokenizerJson));
  host.put('tests/url-gpt', 'tokenizer_config.json', json(gpt2.tokenizerConfig));
  await host.start();
});

afterAll(async () => {
  await host.stop();
});

async function chooseSource(page: Page, label: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText(label, { exact: true }).click();
}

/** Attention, next token and a continuation on the loaded decoder. */
async function exercise(page: Page, tiny: TinyDecoder): Promise<void> {
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-text').fill('the cat sat on the mat');
  await page.getByTestId('attention-tokens').getByText('␣mat', { exact: true }).waitFor({ timeout: 60_000 });
  await page.getByTestId('causal-note').waitFor();
  await page.getByTestId('view-matrix').click();
  // The top-right cell, by keyboard: query 0 cannot see the last key.
  const tokens = await page.getByTestId('attention-tokens').locator('li').count();
  await page.locator('[data-testid="matrix-view"] g[role="grid"]').focus();
  for (let j = 1; j < tokens; j++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.getByTestId('matrix-readout').textContent()).toContain('cannot attend');

  await page.getByTestId('tab-uncertainty').click();
  await page.getByTestId('decoder-uncertainty').waitFor();
  await page.getByTestId('decoder-prompt').fill('the king and the queen sat on the');
  await page.getByTestId('decoder-T').fill('8');
  await page.getByTestId('decoder-run').click();
  await page.getByTestId('next-token-result').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('mc-bar-row').count()).toBe(10);

  await page.getByTestId('mc-task-continuation').check();
  await page.getByTestId('decoder-tokens').fill('5');
  await page.getByTestId('decoder-run').click();
  await page.getByTestId('continuation-result').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('continuation-token').count()).toBe(5);
  await page.getByTestId('continuation-token').first().click();
  await page.getByTestId('continuation-candidates').waitFor();
  expect(await page.getByTestId('continuation-run').textContent()).toContain(
    tiny.config.layout === 'no-cache' ? 'rerun' : 'KV cache',
  );
}

describe('decoders', () => {
  it('a decoder picked as local files: causal attention, next token, continuation', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await chooseSource(page, 'Local files');
    await page.locator('aside input[type=file]').setInputFiles([
      { name: 'decoder_model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(llama.bytes) },
      { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(json(llama.tokenizerJson)) },
      {
        name: 'tokenizer_config.json',
        mimeType: 'application/json',
        buffer: Buffer.from(json(llama.tokenizerConfig)),
      },
      { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(json(llama.configJson)) },
    ]);
    const name = page.getByTestId('model-status').locator('.name');
    await expect.poll(() => name.textContent(), { timeout: 120_000 }).toBe('decoder_model.onnx');
    await waitForModelReady(page);
    await exercise(page, llama);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a decoder from a folder URL with only decoder_model_merged.onnx', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const folder = `${host.url}/tests/url-gpt/resolve/main/`;
    await chooseSource(page, 'URL');
    await page.getByTestId('folder-url').fill(folder);
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-status').getByText(folder).waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
    expect(host.hits).toContain('/tests/url-gpt/resolve/main/onnx/model.onnx');
    expect(host.hits).toContain('/tests/url-gpt/resolve/main/onnx/decoder_model_merged.onnx');
    await exercise(page, gpt2);
    expect(errors).toEqual([]);
    await context.close();
  });
});
