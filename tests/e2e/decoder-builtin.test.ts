/**
 * The built-in decoder in the page: picked from the built-in list, it shows causal attention, a next-token
 * distribution with MC dropout, a sampled continuation and several prompts ranked by uncertainty, and its
 * settings outlive a reload. And a
 * 12-layer × 12-head decoder (tiny, from the tiny-decoder builder) keeps its attention grids usable: every
 * head is there and reachable by keyboard, the grid scrolls inside its panel, not the page.
 * Nothing here depends on what the built-in model predicts (it is retrained from time to time).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildTinyDecoder } from '../helpers/tiny-decoder';
import { openPage, repoRoot, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();
const BUILT_IN = 'playground-gpt-mini';
const config = JSON.parse(readFileSync(path.join(repoRoot, 'models', BUILT_IN, 'config.json'), 'utf8')) as {
  n_layer: number;
  n_head: number;
};
const json = (value: unknown) => JSON.stringify(value);

/** The loaded model's name, without the "(built in)" the status adds. */
const modelName = async (page: Page) =>
  ((await page.getByTestId('model-status').locator('.name').textContent()) ?? '').replace(/ \(built in\)$/, '');

/** Moves the matrix view's keyboard cursor to query 0, last key: masked in a causal model. */
async function readTopRightCell(page: Page): Promise<string> {
  await page.getByTestId('view-matrix').click();
  const tokens = await page.getByTestId('attention-tokens').locator('li').count();
  await page.locator('[data-testid="matrix-view"] g[role="grid"]').focus();
  for (let j = 1; j < tokens; j++) await page.keyboard.press('ArrowRight');
  return (await page.getByTestId('matrix-readout').textContent()) ?? '';
}

describe('the built-in decoder', () => {
  it(`${BUILT_IN} from the built-in list: causal attention, next-token MC dropout, a sampled continuation`, async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('embedded-select').selectOption(BUILT_IN);
    await page.getByTestId('load-model').click();
    await expect.poll(() => modelName(page), { timeout: 120_000 }).toBe(BUILT_IN);
    await waitForModelReady(page);

    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('The old man walked to the river.');
    await page.getByTestId('attention-tokens').locator('li').last().waitFor({ timeout: 60_000 });
    await page.getByTestId('causal-note').waitFor();
    const tokens = await page.getByTestId('attention-tokens').locator('li').allTextContents();
    // Byte-level pieces read as words with a visible space, not as Ġ.
    expect(tokens.join('')).not.toContain('Ġ');
    await page.getByTestId('view-model').click();
    expect(await page.getByTestId('head-thumbnail').count()).toBe(config.n_layer * config.n_head);
    expect(await readTopRightCell(page)).toContain('cannot attend');

    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('decoder-uncertainty').waitFor();
    await page.getByTestId('decoder-prompt').fill('She opened the box and found a');
    await page.getByTestId('decoder-T').fill('8');
    await page.getByTestId('decoder-run').click();
    await page.getByTestId('next-token-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('mc-bar-row').count()).toBe(10);
    // With dropout on (p from config.json), the samples disagree: mutual information above zero.
    const mutualInformation = await page
      .getByTestId('mc-statistics')
      .locator('tr', { hasText: 'Mutual information' })
      .locator('td.num')
      .textContent();
    expect(Number.parseFloat(mutualInformation ?? '')).toBeGreaterThan(0);

    await page.getByTestId('mc-task-continuation').check();
    await page.getByTestId('decoder-tokens').fill('6');
    await page.getByTestId('decoder-strategy').selectOption('sample');
    await page.getByTestId('decoder-temperature').fill('0.8');
    await page.getByTestId('decoder-top-k').fill('40');
    await page.getByTestId('decoder-top-p').fill('0.9');
    await page.getByTestId('decoder-seed').fill('3');
    await page.getByTestId('decoder-measure').selectOption('predictiveEntropy');
    await page.getByTestId('decoder-run').click();
    await page.getByTestId('continuation-result').waitFor({ timeout: 120_000 });
    const generated = await page.getByTestId('continuation-token').count();
    expect(generated).toBeGreaterThan(0);
    expect(generated).toBeLessThanOrEqual(6);
    await page.getByTestId('continuation-token').first().click();
    await page.getByTestId('continuation-candidates').waitFor();
    expect(await page.getByTestId('continuation-run').textContent()).toContain('KV cache');
    expect(errors).toEqual([]);
    await context.close();
  });

  it(`${BUILT_IN}'s decoder settings travel in the link and outlive a reload; several prompts ranked`, async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('embedded-select').selectOption(BUILT_IN);
    await page.getByTestId('load-model').click();
    await expect.poll(() => modelName(page), { timeout: 120_000 }).toBe(BUILT_IN);
    await waitForModelReady(page);
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-continuation').check();
    await page.getByTestId('decoder-prompt').fill('She opened the box and found a');
    await page.getByTestId('decoder-T').fill('4');
    await page.getByTestId('decoder-tokens').fill('6');
    await page.getByTestId('decoder-strategy').selectOption('sample');
    await page.getByTestId('decoder-temperature').fill('0.8');
    await page.getByTestId('decoder-top-k').fill('40');
    await page.getByTestId('decoder-top-p').fill('0.9');
    await page.getByTestId('decoder-seed').fill('3');
    await page.getByTestId('decoder-measure').selectOption('predictiveEntropy');
    await page.getByTestId('decoder-run').click();
    await page.getByTestId('continuation-result').waitFor({ timeout: 120_000 });
    const first = await page.getByTestId('continuation-token').allTextContents();

    // The link carries the decoder settings, and a reload finds the model and every setting again.
    await expect.poll(() => page.url()).toContain('decDecoding=sample');
    expect(page.url()).toContain('decTokens=6');
    await page.reload();
    await waitForModelReady(page);
    expect(await modelName(page)).toBe(BUILT_IN);
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('decoder-uncertainty').waitFor();
    expect(await page.getByTestId('mc-task-continuation').isChecked()).toBe(true);
    expect(await page.getByTestId('decoder-prompt').inputValue()).toBe('She opened the box and found a');
    expect(await page.getByTestId('decoder-tokens').inputValue()).toBe('6');
    expect(await page.getByTestId('decoder-strategy').inputValue()).toBe('sample');
    expect(await page.getByTestId('decoder-temperature').inputValue()).toBe('0.8');
    expect(await page.getByTestId('decoder-top-k').inputValue()).toBe('40');
    expect(await page.getByTestId('decoder-top-p').inputValue()).toBe('0.9');
    expect(await page.getByTestId('decoder-seed').inputValue()).toBe('3');
    expect(await page.getByTestId('decoder-measure').inputValue()).toBe('predictiveEntropy');
    // Same seed, same settings: the same continuation.
    await page.getByTestId('decoder-run').click();
    await page.getByTestId('continuation-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('continuation-token').allTextContents()).toEqual(first);

    // Next token on several prompts (the default five), ranked by uncertainty.
    await page.getByTestId('mc-task-next-token-batch').check();
    await page.getByTestId('decoder-T').fill('4');
    await page.getByTestId('decoder-run').click();
    await page.getByTestId('next-token-batch').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('mc-batch-row').count()).toBe(5);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a 12-layer × 12-head decoder keeps its attention grids usable', async () => {
    const big = buildTinyDecoder({ family: 'gpt2', layout: 'no-cache', layers: 12, heads: 12, hidden: 48 });
    const context = await e2e.browser.newContext({ viewport: { width: 1024, height: 768 } });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('aside input[type=file]').setInputFiles([
      { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(big.bytes) },
      { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(json(big.tokenizerJson)) },
      { name: 'tokenizer_config.json', mimeType: 'application/json', buffer: Buffer.from(json(big.tokenizerConfig)) },
      { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(json(big.configJson)) },
    ]);
    await expect.poll(() => modelName(page), { timeout: 120_000 }).toBe('model.onnx');
    await waitForModelReady(page);

    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('the cat sat on the mat and the dog sat on the log');
    await page.getByTestId('attention-tokens').getByText('␣mat', { exact: true }).waitFor({ timeout: 60_000 });
    await page.getByTestId('view-model').click();
    const thumbnails = page.getByTestId('head-thumbnail');
    expect(await thumbnails.count()).toBe(12 * 12);
    // The grid is wider than the window: it scrolls inside its panel, and the page itself does not.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Layer 12, head 12 (the far corner) opens by keyboard, scrolled into view.
    await thumbnails.last().focus();
    expect(await thumbnails.last().isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('head-view').waitFor();
    expect(await page.getByTestId('layer-select').inputValue()).toBe('11');
    expect(await page.getByTestId('layer-select').locator('option').count()).toBe(12);
    // The per-head table lists all 144 heads; the matrix keeps the masked triangle and offers every head.
    expect(await page.getByTestId('head-summary').locator('tbody tr').count()).toBe(12 * 12);
    expect(await readTopRightCell(page)).toContain('cannot attend');
    expect(await page.getByTestId('head-select').locator('option').count()).toBe(12);
    expect(errors).toEqual([]);
    await context.close();
  });
});
