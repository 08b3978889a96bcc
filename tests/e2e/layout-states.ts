import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { FakeModelHost, waitForModelReady, loadFromHub } from './harness';
import { tinyModelFiles } from './tiny-model-files';
import { askAnalogy, candidateRows } from './analogy-page';

/**
 * The main states of every tool, walked one after another on one page: each state is set up through the UI as a user
 * would, then handed to `visit` (the layout test measures it at every width and runs axe on it), so both checks look
 * at the same screens from one walk.
 */
export type Visit = (state: string) => Promise<void>;

/** A long but ordinary repo id: the cached-models list must show it without pushing anything out of the panel. */
export const TWELVE_HEAD_REPO = 'workshop-examples/tiny-bert-with-twelve-heads-in-every-layer';

/** A host serving a tiny 12-head encoder (4 layers, hidden size 24): the model view's widest grid. */
export async function startTwelveHeadHost(): Promise<FakeModelHost> {
  const host = new FakeModelHost();
  const files = tinyModelFiles({ heads: 12, hidden: 24, intermediate: 48, layers: 4 });
  for (const [file, bytes] of Object.entries(files)) host.put(TWELVE_HEAD_REPO, file, bytes);
  await host.start();
  return host;
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Attention on the built-in model: every view with results shown, then the MC-dropout mode. */
export async function walkAttention(page: Page, visit: Visit): Promise<void> {
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-text').fill('The quick brown fox jumps over the lazy dog near the river bank.');
  await page.getByTestId('attention-tokens').getByText('river', { exact: true }).waitFor({ timeout: 60_000 });
  for (const view of ['model', 'head', 'matrix', 'row']) {
    await page.getByTestId(`view-${view}`).click();
    await settle(page);
    await visit(`attention, ${view} view`);
  }
  await page.getByTestId('attention-dropout-mc').check();
  const samples = page.getByTestId('mc-attention-samples');
  await samples.fill('4');
  await samples.press('Tab');
  await page.getByTestId('head-stability').waitFor({ timeout: 120_000 });
  await page.getByTestId('view-matrix').click();
  await page.getByTestId('mc-std-map').waitFor();
  await visit('attention with dropout (MC), matrix view');
  await page.getByTestId('view-model').click();
  await page.getByTestId('mc-stability-grid').waitFor();
  await visit('attention with dropout (MC), model view');
  await page.getByTestId('attention-dropout-off').check();
}

/** Uncertainty: fill-mask results, classification results, batch mode with its ranked table, then calibration mode. */
export async function walkUncertainty(page: Page, visit: Visit): Promise<void> {
  await page.getByTestId('tab-uncertainty').click();
  await page.getByTestId('mc-mode-single').check();
  await page.getByTestId('mc-task-fill-mask').check();
  await page.getByTestId('mc-text').fill('The cat sat on the [MASK] and looked out of the window at the birds.');
  await page.getByTestId('mc-run').click();
  await page.getByTestId('mc-bars').waitFor({ timeout: 120_000 });
  await page.getByTestId('mc-convergence').waitFor();
  await visit('uncertainty, fill-mask results');

  await page.getByTestId('mc-task-classification').check();
  await page.getByTestId('mc-text').fill('The horse ate the grass in the long summer field.');
  await page.getByTestId('mc-run').click();
  await page.getByTestId('mc-prediction').waitFor({ timeout: 120_000 });
  await visit('uncertainty, classification results');

  await page.getByTestId('mc-mode-batch').check();
  await page
    .getByTestId('mc-batch-text')
    .fill(
      [
        'The horse ate the grass.',
        'A small boat crossed the wide and windy lake before the storm arrived over the hills that evening, and nobody on the shore could see where it went.',
        'Supercalifragilisticexpialidociousnessofthisverylongwordwithoutanyspacesatall keeps going.',
        'The committee postponed its decision.',
      ].join('\n'),
    );
  await page.getByTestId('mc-run').click();
  await page.getByTestId('mc-batch-table').waitFor({ timeout: 120_000 });
  await visit('uncertainty, batch results');
  await page.getByTestId('mc-mode-single').check();

  await page.getByTestId('calibration-open').click();
  await page.getByTestId('calibration-text').fill('The old man walked slowly down to the river and sat on the bank.');
  await page.getByTestId('calibration-samples').fill('2');
  await page.getByTestId('calibration-run').click();
  await page.getByTestId('calibration-explainer').waitFor({ timeout: 120_000 });
  await visit('uncertainty, calibration results');
  await page.getByTestId('calibration-open').click();
}

/** Analogies: results in two spaces with the picture, nearest neighbours, and an evaluated analogy file. */
export async function walkAnalogy(page: Page, visit: Visit): Promise<void> {
  await page.getByTestId('tab-analogy').click();
  await askAnalogy(page, 'man', 'woman', 'king');
  await candidateRows(page, 'static').nth(9).waitFor({ timeout: 120_000 });
  await page.getByTestId('analogy-picture').waitFor();
  await page.getByTestId('analogy-nn-word').fill('queen');
  await page.getByTestId('analogy-nn-run').click();
  await page.getByTestId('analogy-neighbours').waitFor({ timeout: 60_000 });
  await visit('analogies, results and neighbours');
  await page.getByTestId('analogy-example-file').click();
  await page.getByTestId('analogy-eval-table').waitFor({ timeout: 240_000 });
  await visit('analogies, evaluation');
}

/** Label audit on the example (results, review table, noise matrix), then both heads trained (curves, runs table). */
export async function walkLabels(page: Page, visit: Visit): Promise<void> {
  await page.getByTestId('tab-labels').click();
  await page.getByTestId('labels-example').click();
  await expect
    .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 })
    .toMatch(/^360 rows/);
  await visit('label audit, data pasted');
  await page.getByTestId('labels-run').click();
  await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
  await page.getByTestId('noise-matrix').waitFor();
  await visit('label audit, results');
  await page.getByTestId('filter-flagged').check();
  await visit('label audit, flagged rows');

  const panel = page.getByTestId('head-panel');
  await panel.getByTestId('head-epochs').fill('8');
  await panel.getByTestId('head-epochs').press('Tab');
  await panel.getByTestId('head-train').click();
  await expect.poll(() => panel.getByTestId('head-runs-row').count(), { timeout: 240_000 }).toBe(2);
  await visit('train a head, curves and runs table');
}

/** The workshop pieces: presenter mode on every tool (results kept), the hide-controls menu and the guided tour. */
export async function walkWorkshop(page: Page, visit: Visit): Promise<void> {
  await page.getByTestId('presenter-toggle').click();
  await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('presenter'))).toBe(true);
  for (const tool of ['attention', 'uncertainty', 'analogy', 'labels']) {
    await page.getByTestId(`tab-${tool}`).click();
    await settle(page);
    await visit(`presenter mode, ${tool}`);
  }
  await page.getByTestId('hide-menu').locator('summary').click();
  await visit('presenter mode, hide-controls menu open');
  await page.keyboard.press('Escape');
  await page.getByTestId('presenter-toggle').click();
  await page.getByTestId('hide-menu').locator('summary').click();
  await visit('hide-controls menu open');
  await page.keyboard.press('Escape');
}

/** The guided tour's panel open on its first step (it works on a loan: closing it gives the page back). */
export async function walkTour(page: Page, visit: Visit): Promise<void> {
  await page.getByTestId('tour-start').click();
  await page.getByTestId('tour-panel').waitFor();
  await settle(page);
  await visit('guided tour, first step');
  await page.getByTestId('tour-next').click();
  await settle(page);
  await visit('guided tour, second step');
  await page.getByTestId('tour-close').click();
  await page.getByTestId('tour-panel').waitFor({ state: 'detached' });
}

/** Loads the 12-head model from the host (it is then listed under Cached models) and shows its model view. */
export async function walkTwelveHeads(page: Page, host: FakeModelHost, visit: Visit): Promise<void> {
  await loadFromHub(page, TWELVE_HEAD_REPO, host.url);
  await page.getByTestId('cached-models').getByText(TWELVE_HEAD_REPO).waitFor({ timeout: 120_000 });
  await waitForModelReady(page);
  await visit('model panel, Hugging Face source with cached models listed');
  for (const kind of ['Built in', 'URL', 'Local files']) {
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText(kind, { exact: true }).click();
    await visit(`model panel, ${kind} source with cached models listed`);
  }
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-text').fill('the cat sat on the mat');
  await page.getByTestId('view-model').click();
  await page.getByTestId('attention-tokens').getByText('mat', { exact: true }).waitFor({ timeout: 60_000 });
  await settle(page);
  await visit('attention, model view of a 12-head model');
}
