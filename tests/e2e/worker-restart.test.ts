import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

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

    await page.getByText(/The model worker stopped \(error: .*simulated crash\) and was restarted\. Your inputs are kept\./).waitFor({ timeout: 30_000 });
    await waitForModelReady(page);
    expect(await page.getByTestId('attention-text').inputValue()).toBe(text);
    // The restarted worker answers: the attention view is computed again for the kept text.
    await page.getByTestId('attention-text').fill(`${text} Again.`);
    await page.getByTestId('attention-tokens').getByText('again').waitFor({ timeout: 60_000 });
    await context.close();
  });
});
