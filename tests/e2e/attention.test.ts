import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync((await file.path())!, 'utf8');
}

describe('attention explorer', () => {
  it('shows every layer and head, opens one, follows a hovered token, exports the links as SVG, and takes a sentence pair', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('The dog ran across the green field.');
    await page.getByTestId('attention-tokens').getByText('across', { exact: true }).waitFor({ timeout: 60_000 });
    const tokens = await page.getByTestId('attention-tokens').locator('li').allTextContents();
    expect(tokens[0]).toBe('[CLS]');
    expect(tokens.at(-1)).toBe('[SEP]');

    await page.getByTestId('view-model').click();
    expect(await page.getByTestId('head-thumbnail').count()).toBe(4 * 4);
    // Open layer 2, head 3 from the grid, by keyboard.
    await page
      .getByTestId('head-thumbnail')
      .nth(1 * 4 + 2)
      .focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('head-view').waitFor();
    expect(await page.getByTestId('layer-select').inputValue()).toBe('1');

    // Hovering a query token leaves only its links, one per head and key above the drawing threshold;
    // a click keeps it selected while the pointer goes to the export button.
    const query = page.locator('[data-testid="head-view"] [data-query="3"]');
    await query.hover();
    const hovered = await page.locator('[data-testid="head-view"] g.links path').count();
    await query.click();
    const shown = await page.locator('[data-testid="head-view"] g.links path').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBe(hovered);
    expect(shown).toBeLessThanOrEqual(4 * tokens.length);
    const titles = await page.locator('[data-testid="head-view"] g.links path title').allTextContents();
    expect(titles.every((title) => title.startsWith(`${tokens[3]} →`))).toBe(true);

    const svg = await download(page, 'export-svg');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    const paths = svg.match(/<path\b/g) ?? [];
    expect(paths.length).toBe(shown);
    // A real XML parser accepts it.
    const parsed = await page.evaluate(
      (text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length,
      svg,
    );
    expect(parsed).toBe(0);

    // Each row is a probability distribution: the row view sums to 1.
    await page.getByTestId('view-row').click();
    expect(Number(await page.getByTestId('row-sum').textContent())).toBeCloseTo(1, 3);

    // A sentence pair: segment B tokens are marked and follow a [SEP].
    await page.getByTestId('pair-toggle').check();
    await page.getByTestId('attention-text-b').fill('It was a warm day in the city.');
    await page.getByTestId('attention-tokens').getByText('city', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('attention-tokens').locator('li.segment-b').count()).toBeGreaterThan(3);
    const pairTokens = await page.getByTestId('attention-tokens').locator('li').allTextContents();
    expect(pairTokens.filter((t) => t === '[SEP]')).toHaveLength(2);

    // Hiding special tokens renormalises the rows and says so.
    await page.getByTestId('hide-special').check();
    await page.getByText(/renormalised to sum to 1/).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('attention-tokens').locator('li', { hasText: '[SEP]' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
