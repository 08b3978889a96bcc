import type { Page, Worker } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

const restartedNotice = (reason: RegExp) =>
  new RegExp(`The model worker stopped \\(${reason.source}\\) and was restarted\\. Your inputs are kept\\.`);

/** The app's model worker (ORT's WASM thread workers load the same script under another name). */
async function modelWorker(page: Page): Promise<Worker> {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const worker of page.workers()) {
      const name = await worker.evaluate(() => self.name).catch(() => '');
      if (name === 'playground-model-worker') return worker;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('no model worker');
}

describe('a crashed model worker', () => {
  it('is restarted with the model reloaded, the UI says so, and the user input is kept', async () => {
    const context = await e2e.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const text = 'Whatever the user typed stays right here.';
    await page.getByTestId('attention-text').fill(text);
    await page.getByTestId('attention-tokens').getByText('whatever').waitFor();

    const modelWorker = page.workers().find((worker) => worker.url().includes('playground.worker'));
    expect(modelWorker, 'the model worker is running').toBeDefined();
    // An uncaught error outside any call, as a crashing WASM module would raise it.
    await modelWorker!.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated crash');
      });
    });

    await page
      .getByText(/The model worker stopped \(error: .*simulated crash\) and was restarted\. Your inputs are kept\./)
      .waitFor({ timeout: 30_000 });
    await waitForModelReady(page);
    expect(await page.getByTestId('attention-text').inputValue()).toBe(text);
    // The restarted worker answers: the attention view is computed again for the kept text.
    await page.getByTestId('attention-text').fill(`${text} Again.`);
    await page.getByTestId('attention-tokens').getByText('again').waitFor({ timeout: 60_000 });
    await context.close();
  });
});

/**
 * A worker that ends without any error event (here self.close(); the browser killing its thread is
 * the same to the page) while an MC run waits on it: the run must not hang, and the worker comes
 * back with the model like after a crash.
 */
describe('a model worker that ends silently', () => {
  it('is detected mid-run and restarted with the model reloaded, the UI says so, and the inputs are kept', async () => {
    const context = await e2e.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const modelName = await page.getByTestId('model-status').locator('.name').textContent();
    const attentionText = 'Whatever the user typed stays right here.';
    await page.getByTestId('attention-text').fill(attentionText);
    await page.getByTestId('attention-tokens').getByText('whatever').waitFor();

    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-fill-mask').check();
    // Long enough that 257 passes outlast finding and closing the worker on a quiet machine.
    const mcText = `${'The children walked along the river in the cold morning light. '.repeat(8)}The dog ran across the [MASK] to fetch the ball.`;
    await page.getByTestId('mc-text').fill(mcText);
    await page.getByTestId('mc-samples').fill('256');
    await page.getByTestId('mc-samples').press('Tab');
    await page.getByTestId('mc-run').click();
    await page.getByText(/\d+ of 257 forward passes/).waitFor({ timeout: 60_000 });

    const worker = await modelWorker(page);
    // The evaluation may lose its reply when the worker goes away; the close itself is what matters.
    await worker.evaluate(() => self.close()).catch(() => undefined);

    await page.getByText(restartedNotice(/it ended unexpectedly/)).waitFor({ timeout: 30_000 });
    await page
      .getByRole('alert')
      .filter({
        hasText:
          /The model worker stopped \(it ended unexpectedly\) and was restarted; your inputs are kept\. Run it again\./,
      })
      .waitFor();
    await waitForModelReady(page);
    expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(modelName);
    expect(await page.getByTestId('mc-text').inputValue()).toBe(mcText);
    expect(await page.getByTestId('mc-samples').inputValue()).toBe('256');
    await expect.poll(() => page.getByTestId('mc-run').isDisabled()).toBe(false);

    // The new worker has the model again: the attention view is computed for the kept text plus more.
    await page.getByTestId('tab-attention').click();
    expect(await page.getByTestId('attention-text').inputValue()).toBe(attentionText);
    await page.getByTestId('attention-text').fill(`${attentionText} Again.`);
    await page.getByTestId('attention-tokens').getByText('again').waitFor({ timeout: 60_000 });
    await context.close();
  });
});

/**
 * Worker faults in the middle of long runs: each leaves the page usable, says what happened, restarts
 * the worker with the model, and keeps every input and every finished result. The worker is killed
 * three ways: an uncaught error (as a crashing WASM module raises it), an uncaught RangeError from a
 * failed allocation (running out of memory), and terminate() from the page through the client's test
 * hook (the only way to stop it inside a long synchronous step such as cross-validation).
 */
describe('worker faults in the middle of a run', () => {
  async function crashWorker(page: Page, error: 'crash' | 'oom'): Promise<void> {
    const worker = await modelWorker(page);
    await worker.evaluate((kind) => {
      setTimeout(() => {
        throw kind === 'oom' ? new RangeError('Array buffer allocation failed') : new Error('simulated crash');
      });
    }, error);
  }

  async function dismissRestartNotice(page: Page): Promise<void> {
    await page
      .getByRole('status')
      .filter({ hasText: 'The model worker stopped' })
      .getByRole('button', { name: 'Dismiss' })
      .click();
  }

  it('an MC run (crash), a label-audit embedding run (out of memory) and a cross-validation (terminated) each restart the worker and lose nothing', async () => {
    const context = await e2e.browser.newContext();
    await context.addInitScript(() => {
      (window as unknown as { __playgroundTestHooks: object }).__playgroundTestHooks = {};
    });
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const modelName = await page.getByTestId('model-status').locator('.name').textContent();

    // ---- MC dropout: a finished run, then a long one killed by a crash.
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-fill-mask').check();
    const mcText = 'The cat sat on the [MASK] and looked out of the window.';
    await page.getByTestId('mc-text').fill(mcText);
    await page.getByTestId('mc-samples').fill('8');
    await page.getByTestId('mc-samples').press('Tab');
    await page.getByTestId('mc-run').click();
    await page
      .getByTestId('mc-run-info')
      .filter({ hasText: /T = 8,/ })
      .waitFor({ timeout: 120_000 });
    const finishedRun = await page.getByTestId('mc-run-info').textContent();
    await page.getByTestId('mc-samples').fill('256');
    await page.getByTestId('mc-samples').press('Tab');
    await page.getByTestId('mc-run').click();
    await page.getByText(/\d+ of 257 forward passes/).waitFor({ timeout: 60_000 });
    await crashWorker(page, 'crash');
    await page.getByText(restartedNotice(/error: .*simulated crash/)).waitFor({ timeout: 30_000 });
    await page
      .getByRole('alert')
      .filter({
        hasText:
          /The model worker stopped \(error: .*simulated crash\) and was restarted; your inputs are kept\. Run it again\./,
      })
      .waitFor();
    await waitForModelReady(page);
    expect(await page.getByTestId('mc-text').inputValue()).toBe(mcText);
    expect(await page.getByTestId('mc-samples').inputValue()).toBe('256');
    expect(await page.getByTestId('mc-run-info').textContent()).toBe(finishedRun);
    expect(await page.getByTestId('mc-run').isDisabled()).toBe(false);
    await dismissRestartNotice(page);

    // ---- Label audit: a finished TF-IDF audit with a decision, then an embedding run that runs out of memory.
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);
    const pasted = await page.getByTestId('labels-input').inputValue();
    await page.getByLabel('TF-IDF words').check();
    await page.getByTestId('labels-run').click();
    await page.getByTestId('labels-results').waitFor({ timeout: 120_000 });
    await page.getByTestId('label-row').first().getByTestId('remove').click();
    await expect.poll(() => page.getByTestId('labels-summary').textContent()).toMatch(/1 to remove/);
    const finishedAudit = await page.getByTestId('labels-summary').textContent();

    await page.getByLabel('Model embeddings').check();
    await page.getByTestId('labels-run').click();
    await page
      .getByRole('status')
      .filter({ hasText: /Stage 1 of 3: Embedding the texts with the model/ })
      .getByText(/[1-9]\d* of 360 distinct texts/)
      .waitFor({ timeout: 120_000 });
    await crashWorker(page, 'oom');
    await page
      .getByText(restartedNotice(/it ran out of memory: .*Array buffer allocation failed/))
      .waitFor({ timeout: 30_000 });
    await page
      .getByRole('alert')
      .filter({ hasText: /ran out of memory.*and was restarted; your inputs are kept\. Run it again\./ })
      .waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: 'The audit was cancelled. Your data and settings are kept.' })
      .waitFor();
    await waitForModelReady(page);
    expect(await page.getByTestId('labels-input').inputValue()).toBe(pasted);
    expect(await page.getByTestId('labels-summary').textContent()).toBe(finishedAudit);
    expect(await page.getByLabel('Model embeddings').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(false);
    await dismissRestartNotice(page);

    // ---- A long TF-IDF audit terminated inside cross-validation (a synchronous step).
    const topics = [
      ['river', 'boat', 'water', 'fish', 'bank'],
      ['engine', 'wheel', 'road', 'fuel', 'driver'],
      ['flower', 'leaf', 'garden', 'seed', 'root'],
    ];
    const lines = ['text\tlabel'];
    for (let i = 0; i < 30_000; i++)
      lines.push(
        `row ${i} ${Array.from({ length: 8 }, (_, j) => topics[(i + (j % 5 === 4 ? 1 : 0)) % 3][(i * 7 + j * 3) % 5]).join(' ')}\t${['water', 'road', 'garden'][i % 3]}`,
      );
    const big = lines.join('\n');
    await page
      .locator('#panel-labels input[type=file]')
      .setInputFiles({ name: 'big.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(big) });
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^30,000 rows, 3 classes/);
    await page.getByLabel('TF-IDF words').check();
    await page.getByTestId('labels-run').click();
    await page
      .getByRole('status')
      .filter({ hasText: /Stage 2 of 3: Cross-validating logistic regression/ })
      .waitFor({ timeout: 120_000 });
    await page.evaluate(() =>
      (
        window as unknown as { __playgroundTestHooks: { terminateWorker: (reason: string) => void } }
      ).__playgroundTestHooks.terminateWorker('it was terminated'),
    );
    await page.getByText(restartedNotice(/it was terminated/)).waitFor({ timeout: 30_000 });
    await page
      .getByRole('status')
      .filter({ hasText: 'The audit was cancelled. Your data and settings are kept.' })
      .waitFor();
    await waitForModelReady(page);
    expect(await page.getByTestId('labels-parse-summary').textContent()).toMatch(/^30,000 rows, 3 classes/);
    await page
      .getByText(`big.tsv: ${big.length.toLocaleString('en-US')} characters (too large to show here).`)
      .waitFor();
    expect(await page.getByTestId('labels-summary').textContent()).toBe(finishedAudit);
    await expect.poll(() => page.getByTestId('labels-run').isDisabled()).toBe(false);

    // The restarted worker answers every tool: the same model is back, MC dropout runs again.
    expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(modelName);
    await page.getByTestId('tab-uncertainty').click();
    expect(await page.getByTestId('mc-text').inputValue()).toBe(mcText);
    await page.getByTestId('mc-samples').fill('4');
    await page.getByTestId('mc-samples').press('Tab');
    await page.getByTestId('mc-run').click();
    await page
      .getByTestId('mc-run-info')
      .filter({ hasText: /T = 4,/ })
      .waitFor({ timeout: 120_000 });
    await context.close();
  });
});
