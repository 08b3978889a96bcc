import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeModelHost, openPage, useAppAndBrowser, waitForModelReady } from './harness';
import {
  startTwelveHeadHost,
  walkAnalogy,
  walkAttention,
  walkLabels,
  walkTour,
  walkTwelveHeads,
  walkUncertainty,
  walkWorkshop,
  type Visit,
} from './layout-states';

const e2e = useAppAndBrowser();
/** A walk sets up several states, each measured several times, on the shared (often busy) CPU. */
const WALK_TIMEOUT = 900_000;
let host: FakeModelHost;

beforeAll(async () => {
  host = await startTwelveHeadHost();
});

afterAll(async () => {
  await host?.stop();
});

/** A laptop and a phone: the layouts differ (one column, wrapped tabs, stacked rows), so both are checked. */
const AXE_WIDTHS = [1280, 390] as const;

/**
 * A visit that runs axe (every rule, WCAG 2.x A and AA and best practices) on the whole page at each width and keeps
 * the serious and critical violations, each with the elements it names.
 */
function auditing(page: Page, violations: string[]): Visit {
  return async (state) => {
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
          `${state} at ${width}px: ${violation.id} (${violation.impact}) ${violation.help}: ${targets}${more}`,
        );
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };
}

async function freshPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await openPage(context, e2e.url);
  await waitForModelReady(page);
  return { page, errors };
}

const report = (violations: string[]) =>
  `${violations.length} serious or critical accessibility violations:\n${violations.join('\n')}`;

describe('accessibility (axe) at 1280 and 390 px: no serious or critical violation in any tool or state', () => {
  it(
    'attention with results in every view and with dropout (MC)',
    async () => {
      const { page, errors } = await freshPage();
      const violations: string[] = [];
      const visit = auditing(page, violations);
      await visit('start page');
      await walkAttention(page, visit);
      expect(violations, report(violations)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );

  it(
    'uncertainty (fill-mask, classification, batch) and analogies (results, evaluation)',
    async () => {
      const { page, errors } = await freshPage();
      const violations: string[] = [];
      const visit = auditing(page, violations);
      await walkUncertainty(page, visit);
      await walkAnalogy(page, visit);
      expect(violations, report(violations)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );

  it(
    'label audit with results and trained heads, then presenter mode, the hide menu and the tour',
    async () => {
      const { page, errors } = await freshPage();
      const violations: string[] = [];
      const visit = auditing(page, violations);
      await walkLabels(page, visit);
      await walkWorkshop(page, visit);
      await walkTour(page, visit);
      expect(violations, report(violations)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );

  it(
    'a 12-head model: the model panel with Cached models and the model view',
    async () => {
      const { page, errors } = await freshPage();
      const violations: string[] = [];
      await walkTwelveHeads(page, host, auditing(page, violations));
      expect(violations, report(violations)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );
});
