import type { Locator, Page } from 'playwright-core';

/** The analogy tool's answer rows in one space (static, token, contextual, user). */
export function candidateRows(page: Page, space: string): Locator {
  return page.getByTestId(`analogy-result-${space}`).locator('[data-testid="analogy-candidates"] li');
}

/** The words of one space's answer list, in rank order. */
export async function candidates(page: Page, space: string): Promise<string[]> {
  return candidateRows(page, space).locator('.word').allTextContents();
}

/** Types a : b :: c and runs the query, as a user does. */
export async function askAnalogy(page: Page, a: string, b: string, c: string): Promise<void> {
  await page.getByTestId('analogy-a').fill(a);
  await page.getByTestId('analogy-b').fill(b);
  await page.getByTestId('analogy-c').fill(c);
  await page.getByTestId('analogy-run').click();
}
