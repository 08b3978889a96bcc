import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolationsAtWidths } from './accessibility-audit';
import { FakeModelHost, openPage, useAppAndBrowser, waitForModelReady } from './harness';
import { overflowAtEveryWidth } from './layout-overflow';
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

/**
 * A visit that measures the state's layout at 1280, 1024, 768 and 390 px and audits it with axe at 1280 and 390 px
 * (one walk serves both checks, since setting up the states is most of the cost), then goes back to 1280 for the
 * next step (the steps click through the UI at a laptop's width, as the walk was written).
 */
function measuring(page: Page, problems: string[]): Visit {
  return async (state) => {
    problems.push(...(await overflowAtEveryWidth(page, state)));
    problems.push(...(await axeViolationsAtWidths(page, state)));
    await page.setViewportSize({ width: 1280, height: 900 });
  };
}

async function freshPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await openPage(context, e2e.url);
  await waitForModelReady(page);
  return { page, errors };
}

const report = (problems: string[]) =>
  `${problems.length} layout or accessibility (serious or critical axe) problems:\n${problems.join('\n')}`;

describe('layout at 1280, 1024, 768 and 390 px (nothing wider than the window or its panel, nothing cut off) and accessibility (axe at 1280 and 390 px: no serious or critical violation)', () => {
  it(
    'attention with results in every view and with dropout (MC)',
    async () => {
      const { page, errors } = await freshPage();
      const problems: string[] = [];
      const visit = measuring(page, problems);
      await visit('start page');
      await walkAttention(page, visit);
      expect(problems, report(problems)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );

  it(
    'uncertainty (fill-mask, classification, batch mode) and analogies (results, evaluation)',
    async () => {
      const { page, errors } = await freshPage();
      const problems: string[] = [];
      const visit = measuring(page, problems);
      await walkUncertainty(page, visit);
      await walkAnalogy(page, visit);
      expect(problems, report(problems)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );

  it(
    'label audit with results, the review table and trained heads, then presenter mode, the hide menu and the tour',
    async () => {
      const { page, errors } = await freshPage();
      const problems: string[] = [];
      const visit = measuring(page, problems);
      await walkLabels(page, visit);
      await walkWorkshop(page, visit);
      await walkTour(page, visit);
      expect(problems, report(problems)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );

  it(
    'a 12-head model: its model view, and the model panel with the model under Cached models',
    async () => {
      const { page, errors } = await freshPage();
      const problems: string[] = [];
      await walkTwelveHeads(page, host, measuring(page, problems));
      expect(problems, report(problems)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    WALK_TIMEOUT,
  );
});
