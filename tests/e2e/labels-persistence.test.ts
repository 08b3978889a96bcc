/**
 * The label tool across reloads: a reload in the middle of an embedding audit brings back the pasted
 * data, the decisions taken on the last finished audit and every embedding batch finished before the
 * reload (the rerun computes only the rest); a 50,000-row paste comes back unchanged (SHA-256 in the page).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

async function labelsTab(page: Page): Promise<void> {
  await page.getByTestId('tab-labels').click();
  await page.getByTestId('labels-run').waitFor();
}

/** SHA-256 (hex) of a string, computed in the page. */
async function sha256InPage(page: Page, text: string): Promise<string> {
  return page.evaluate(async (value) => {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, text);
}

/** What the tool saved for the next visit, read from its IndexedDB store and hashed in the page. */
async function savedInputHash(page: Page): Promise<{ hash: string; length: number } | null> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('transformer-playground-labels');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const saved = await new Promise<{ input: string } | undefined>((resolve, reject) => {
      const request = db.transaction('state').objectStore('state').get('input');
      request.onsuccess = () => resolve(request.result as { input: string } | undefined);
      request.onerror = () => reject(request.error);
    });
    db.close();
    if (!saved) return null;
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(saved.input));
    return {
      hash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
      length: saved.input.length,
    };
  });
}

describe('label tool persistence', () => {
  it('a reload in the middle of an embedding audit keeps the data, the decisions and the embeddings already computed', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await labelsTab(page);
    await page
      .locator('button', { hasText: 'Clear the embedding cache' })
      .evaluate((button) => (button as HTMLButtonElement).click());

    // A finished TF-IDF audit with two decisions.
    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);
    const pasted = await page.getByTestId('labels-input').inputValue();
    await page.getByLabel('TF-IDF words').check();
    await page.getByTestId('labels-run').click();
    await page.getByTestId('labels-results').waitFor({ timeout: 120_000 });
    const rows = page.getByTestId('label-row');
    await rows.nth(0).getByTestId('remove').click();
    await rows.nth(1).getByTestId('keep').click();
    await expect
      .poll(() => page.getByTestId('labels-summary').textContent())
      .toMatch(/0 accepted, 1 kept, 1 to remove/);
    const decided = await Promise.all([0, 1].map((i) => rows.nth(i).getAttribute('data-row')));
    const summary = await page.getByTestId('labels-summary').textContent();

    // An embedding audit, reloaded once some batches are done.
    await page.getByLabel('Model embeddings').check();
    await page.getByTestId('labels-run').click();
    const progress = page.getByRole('status').filter({ hasText: /Stage 1 of 3: Embedding the texts with the model/ });
    await progress.getByText(/([4-9]\d|[1-2]\d\d) of 360 distinct texts/).waitFor({ timeout: 120_000 });
    const doneBefore = Number((await progress.textContent())!.match(/(\d+) of 360 distinct texts/)![1]);
    await page.reload();
    await waitForModelReady(page);
    await labelsTab(page);

    // Data, the last finished audit and its decisions are back.
    await expect.poll(() => page.getByTestId('labels-input').inputValue(), { timeout: 30_000 }).toBe(pasted);
    await page.getByTestId('labels-results').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('labels-summary').textContent()).toBe(summary);
    expect(
      await page
        .locator(`[data-testid="label-row"][data-row="${decided[0]}"]`)
        .getByTestId('remove')
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(
      await page
        .locator(`[data-testid="label-row"][data-row="${decided[1]}"]`)
        .getByTestId('keep')
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await page.getByLabel('Model embeddings').isChecked()).toBe(true);

    // The rerun takes the embeddings finished before the reload from the cache and computes only the rest.
    await page.getByTestId('labels-run').click();
    await page
      .getByTestId('labels-timings')
      .filter({ hasText: /embeddings from the cache/ })
      .waitFor({ timeout: 240_000 });
    const cached = Number(
      (await page.getByTestId('labels-timings').textContent())!
        .match(/([\d,]+) embeddings from the cache/)![1]
        .replace(/,/g, ''),
    );
    console.log(
      `reload mid-audit: ${doneBefore} of 360 texts embedded before the reload, ${cached} taken from the cache after it`,
    );
    expect(cached).toBeGreaterThanOrEqual(doneBefore);
    expect(cached).toBeLessThan(360);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a 50,000-row paste comes back unchanged after a reload (SHA-256)', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await labelsTab(page);
    const words = [
      'river',
      'boat',
      'water',
      'engine',
      'wheel',
      'road',
      'flower',
      'leaf',
      'garden',
      'café',
      '“quoted”',
      'naïve',
    ];
    const lines = ['text,label'];
    for (let i = 0; i < 50_000; i++) {
      const text = Array.from({ length: 6 }, (_, j) => words[(i * 7 + j * 5) % words.length]).join(' ');
      lines.push(
        i % 97 === 0
          ? `"row ${i}, with a comma: ${text}",${['water', 'road', 'garden'][i % 3]}`
          : `row ${i} ${text},${['water', 'road', 'garden'][i % 3]}`,
      );
    }
    const pasted = `${lines.join('\n')}\n`;

    // As a paste delivers it: the whole text in one input event (typing 2 MB through fill() is far slower).
    // The hash is of what the text box held when the paste arrived.
    const pastedValue = await page.getByTestId('labels-input').evaluate((element, text) => {
      const area = element as HTMLTextAreaElement;
      area.value = text;
      const value = area.value;
      area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
      return value;
    }, pasted);
    expect(pastedValue.length).toBe(pasted.length);
    const before = await sha256InPage(page, pastedValue);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^50,000 rows, 3 classes/);
    await page
      .getByText(`Pasted data: ${pasted.length.toLocaleString('en-US')} characters (too large to show here).`)
      .waitFor();
    await expect.poll(() => savedInputHash(page), { timeout: 30_000 }).toEqual({ hash: before, length: pasted.length });

    await page.reload();
    await waitForModelReady(page);
    await labelsTab(page);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^50,000 rows, 3 classes/);
    await page
      .getByText(`Pasted data: ${pasted.length.toLocaleString('en-US')} characters (too large to show here).`)
      .waitFor();
    expect(await savedInputHash(page)).toEqual({ hash: before, length: pasted.length });
    expect(errors).toEqual([]);
    await context.close();
  });
});
