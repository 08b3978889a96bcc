import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** A laptop and a phone: the layouts differ (one column, wrapped tabs, stacked rows), so both are checked. */
const AXE_WIDTHS = [1280, 390] as const;

/**
 * Runs axe (every rule, WCAG 2.x A and AA and best practices) on the whole page at each width and returns the
 * serious and critical violations, each with the elements it names. The viewport is left at the last width.
 */
export async function axeViolationsAtWidths(page: Page, state: string): Promise<string[]> {
  const violations: string[] = [];
  for (const width of AXE_WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const results = await new AxeBuilder({ page }).analyze();
    for (const violation of results.violations) {
      if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
      const targets = violation.nodes
        .slice(0, 5)
        .map((node) => node.target.join(' '))
        .join(' | ');
      const more = violation.nodes.length > 5 ? ` (+${violation.nodes.length - 5} more)` : '';
      violations.push(
        `${state} at ${width}px: axe ${violation.id} (${violation.impact}) ${violation.help}: ${targets}${more}`,
      );
    }
  }
  return violations;
}
