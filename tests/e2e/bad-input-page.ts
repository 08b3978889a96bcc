/**
 * What the files of the bad-input suite share (bad-input-labels, bad-input-model-files, bad-input-analogy): each
 * opens its own page with the built-in model ready, and checks after every case that what the user had is still
 * there. The data every label case starts from is here too.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

export const GOOD_ROWS = [
  'text,label',
  ...Array.from({ length: 6 }, (_, i) => `a river boat on the water number ${i},water`),
  ...Array.from({ length: 6 }, (_, i) => `an engine and a wheel on the road number ${i},road`),
];
export const GOOD = GOOD_ROWS.join('\n');

export const garbage = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 7919 + 13) % 256));

export interface BadInputPage {
  /** The page every case of the file runs in (set before the first test). */
  readonly page: Page;
  /** The built-in model's name as the status shows it. */
  readonly modelName: string;
  /** The loaded model is still the one named `modelName`, and ready. */
  expectModelKept(): Promise<void>;
  labelsTab(): Promise<void>;
  /**
   * A first good audit with one decision, the state every later label case must keep: pastes GOOD, audits it
   * with TF-IDF and marks the first row to remove.
   */
  firstAudit(): Promise<void>;
  /** The first audit and its one decision are still shown. */
  expectAuditKept(): Promise<void>;
}

/** Opens one page for the calling test file (in its beforeAll) and closes it after the file. */
export function useBadInputPage(): BadInputPage {
  const e2e = useAppAndBrowser();
  let page: Page | undefined;
  let closeContext: (() => Promise<void>) | undefined;
  let modelName = '';
  let auditSummary = '';

  beforeAll(async () => {
    const context = await e2e.browser.newContext();
    closeContext = () => context.close();
    ({ page } = await openPage(context, e2e.url));
    await waitForModelReady(page);
    modelName = (await page.getByTestId('model-status').locator('.name').textContent()) ?? '';
    expect(modelName).not.toBe('');
  });

  afterAll(async () => {
    await closeContext?.();
  });

  const current = (): Page => {
    if (!page) throw new Error('The page is not open yet: use it inside a test.');
    return page;
  };

  const labelsTab = async (): Promise<void> => {
    const page = current();
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-input').or(page.getByTestId('labels-parse-summary')).first().waitFor();
  };

  return {
    get page() {
      return current();
    },
    get modelName() {
      return modelName;
    },
    async expectModelKept() {
      const page = current();
      expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(modelName);
      await page.getByTestId('model-ready').waitFor();
    },
    labelsTab,
    async firstAudit() {
      const page = current();
      await labelsTab();
      await page.getByTestId('labels-input').fill(GOOD);
      await expect
        .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
        .toMatch(/^12 rows, 2 classes/);
      await page.getByLabel('TF-IDF words').check();
      await page.getByTestId('labels-run').click();
      await page.getByTestId('labels-results').waitFor({ timeout: 120_000 });
      const first = page.getByTestId('label-row').first();
      await first.getByTestId('remove').click();
      await expect
        .poll(() => page.getByTestId('labels-summary').textContent())
        .toMatch(/0 accepted, 0 kept, 1 to remove/);
      auditSummary = (await page.getByTestId('labels-summary').textContent())!;
    },
    async expectAuditKept() {
      const page = current();
      await page.getByTestId('labels-results').waitFor();
      expect(await page.getByTestId('labels-summary').textContent()).toBe(auditSummary);
    },
  };
}
