import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, startApp, waitForModelReady, type LaunchedBrowser } from './harness';

let app: { url: string; close: () => Promise<void> };
let chromium: LaunchedBrowser;

beforeAll(async () => {
  app = await startApp();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await app?.close();
});

describe('a crashed model worker', () => {
  it('is restarted with the model reloaded, the UI says so, and the user input is kept', async () => {
    const context = await chromium.browser.newContext();
    const { page } = await openPage(context, app.url);
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
