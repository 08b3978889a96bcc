/**
 * The calibration mode in Chromium against the built app and the built-in encoder: a short text is scored word piece by word piece, and the figures, the reliability diagram and the
 * selective-prediction table appear.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

describe('calibration mode', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    context = await e2e.browser.newContext();
    ({ page, errors } = await openPage(context, e2e.url));
    await waitForModelReady(page);
  });

  afterAll(async () => {
    await context?.close();
  });

  it('scores a short text with dropout off, MC dropout and temperature scaling', async () => {
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('calibration-open').click();

    await page
      .getByTestId('calibration-text')
      .fill('The old man walked to the river.\n\nShe opened the window and smiled at the garden.');
    await page.getByTestId('calibration-samples').fill('4');
    await page.getByTestId('calibration-run').click();
    await page.getByTestId('calibration-info').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('calibration-info').textContent()).toMatch(/\d+ positions, T = 4, p = 0\.1/);
    const rows = await page.getByTestId('calibration-figures').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/temperature-scaled/);
    expect(await page.getByTestId('calibration-reliability').locator('circle').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('calibration-selective').locator('tbody tr').count()).toBe(5);
    expect(errors).toEqual([]);
  });
});
