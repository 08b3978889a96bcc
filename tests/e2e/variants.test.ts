/**
 * ONNX file variants in the page: of picked local files the full-precision model.onnx loads by default and the
 * picker loads model_quantized.onnx (int8 dynamic-quantized) instead, which then runs attention; a folder URL's
 * files are listed with their sizes, the chosen one is the only .onnx fetched, and a link keeps the choice.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/core/onnx/codec';
import { quantizeDynamicInt8 } from '../helpers/onnx-int8-model';
import { FakeModelHost, openPage, useAppAndBrowser, waitForModelReady } from './harness';
import { tinyModelFiles } from './tiny-model-files';

const e2e = useAppAndBrowser();
const host = new FakeModelHost();
const files = tinyModelFiles();
const fp32 = files['onnx/model.onnx'];
const int8 = encodeModel(quantizeDynamicInt8(decodeModel(fp32)).model);
const REPO = 'tests/variants';

beforeAll(async () => {
  for (const [path, bytes] of Object.entries(files)) host.put(REPO, path, bytes);
  host.put(REPO, 'onnx/model_quantized.onnx', int8);
  await host.start();
});

afterAll(async () => {
  await host.stop();
});

async function chooseSource(page: Page, label: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText(label, { exact: true }).click();
}

async function attentionRuns(page: Page): Promise<void> {
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-text').fill('the cat sat on the mat');
  await page.getByTestId('attention-tokens').getByText('mat', { exact: true }).waitFor({ timeout: 60_000 });
}

describe('ONNX file variants', () => {
  it('local files: model.onnx by default, model_quantized.onnx when picked, and it runs attention', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await chooseSource(page, 'Local files');
    const file = (name: string, bytes: Uint8Array) => ({
      name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    });
    await page
      .locator('aside input[type=file]')
      .setInputFiles([
        file('model_quantized.onnx', int8),
        file('model.onnx', fp32),
        file('tokenizer.json', files['tokenizer.json']),
        file('config.json', files['config.json']),
      ]);
    const name = page.getByTestId('model-status').locator('.name');
    await expect.poll(() => name.textContent(), { timeout: 120_000 }).toBe('model.onnx');
    const picker = page.getByTestId('variant-select');
    const options = await picker.locator('option').allTextContents();
    expect(options).toHaveLength(2);
    expect(options[0]).toMatch(/^model\.onnx — full precision \(float32\), [\d.]+ kB \(default\)$/);
    expect(options[1]).toMatch(/^model_quantized\.onnx — int8 quantized, [\d.]+ kB$/);
    await picker.selectOption('model_quantized.onnx');
    await expect.poll(() => name.textContent(), { timeout: 120_000 }).toBe('model_quantized.onnx');
    await waitForModelReady(page);
    await attentionRuns(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a folder URL: files listed with sizes, the chosen one alone fetched, and a link keeps the choice', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const folder = `${host.url}/${REPO}/resolve/main/`;
    await chooseSource(page, 'URL');
    await page.getByTestId('folder-url').fill(folder);
    await page.getByTestId('list-variants').click();
    const picker = page.getByTestId('variant-select');
    await picker.waitFor();
    const sizes = (await picker.locator('option').allTextContents()).map((text) => text.replace(/ — .*/, ''));
    expect(sizes).toEqual(['model.onnx', 'model_quantized.onnx']);
    await picker.selectOption('model_quantized.onnx');
    host.hits.length = 0;
    await page.getByTestId('load-model').click();
    await waitForModelReady(page);
    await page.getByTestId('model-status').getByText('model_quantized.onnx').waitFor({ timeout: 120_000 });
    expect(host.hits).toContain(`/${REPO}/resolve/main/onnx/model_quantized.onnx`);
    expect(host.hits).not.toContain(`/${REPO}/resolve/main/onnx/model.onnx`);
    await expect.poll(() => decodeURIComponent(page.url())).toContain('|model_quantized.onnx');

    const link = page.url();
    const second = await openPage(await e2e.browser.newContext(), link);
    await second.page.getByTestId('model-status').getByText('model_quantized.onnx').waitFor({ timeout: 120_000 });
    await waitForModelReady(second.page);
    await attentionRuns(second.page);
    expect(errors).toEqual([]);
    expect(second.errors).toEqual([]);
    await context.close();
  });
});
