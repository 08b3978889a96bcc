/**
 * The calibration mode in Chromium against the built app and the built-in encoder: a short text is scored word
 * piece by word piece, and the figures, the reliability diagram, the accuracy-coverage chart, the
 * selective-prediction table and the plain-words reading appear; the charts and tables download; the mode and its
 * settings come back after a reload; the label tool's rows are scored through the classification head, the rows
 * whose label is not one of the model's classes counted and shown.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../../src/core/workshop/tour';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

describe('calibration mode', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    context = await e2e.browser.newContext({ acceptDownloads: true });
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
    // Five accuracy-coverage lines (MC: three rankings, dropout off: two), each with its area in the key.
    expect(await page.getByTestId('calibration-coverage').locator('polyline').count()).toBe(5);
    expect(await page.getByTestId('calibration-coverage-key').textContent()).toMatch(
      /MC dropout, mutual information: area \d\.\d{3}/,
    );
    // The reading's verdict is one of the four, and its sentences quote this run's own figures.
    expect(await page.getByTestId('calibration-verdict').textContent()).toMatch(
      /^On this text, (yes|no|partly)\.$|cannot tell/,
    );
    const offEce = (await page
      .getByTestId('calibration-figures')
      .locator('tbody tr')
      .first()
      .locator('td')
      .nth(2)
      .textContent())!;
    expect(await page.getByTestId('calibration-explainer').textContent()).toContain(`ECE ${offEce}`);
    expect(await page.getByTestId('calibration-explainer').textContent()).toMatch(/not a law/);
    expect(errors).toEqual([]);
  });

  it('downloads the charts as SVG and PNG and the results as CSV and JSON', async () => {
    const coverage = page.getByTestId('calibration-coverage-panel');
    const svg = await download(page, coverage.getByTestId('export-svg'));
    expect(svg.name).toMatch(/^calibration-fill-mask-T4-seed1-accuracy-coverage\.svg$/);
    expect(svg.text).toContain('<polyline');
    const png = await download(page, page.getByTestId('calibration-reliability-panel').getByTestId('export-png'));
    expect(png.name).toMatch(/reliability\.png$/);
    const reliability = await download(
      page,
      page.getByTestId('calibration-reliability-panel').getByTestId('export-svg'),
    );
    expect(reliability.text).toContain('<circle');

    const positions = await download(page, page.getByTestId('calibration-positions-export').getByTestId('export-csv'));
    const lines = positions.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(
      /^text,position,token,token_id,half,correct_dropout_off,correct_mc,confidence_dropout_off/,
    );
    const count = Number(/(\d+) positions/.exec((await page.getByTestId('calibration-info').textContent())!)![1]);
    expect(lines).toHaveLength(count + 1);
    const json = JSON.parse(
      (await download(page, page.getByTestId('calibration-positions-export').getByTestId('export-json'))).text,
    );
    expect(json.positions).toHaveLength(count);
    expect(json.positions[0]).toHaveProperty('mutual_information_mc');

    const summary = await download(page, page.getByTestId('calibration-summary-export').getByTestId('export-csv'));
    expect(summary.text).toMatch(/^kind,positions,method,measure,count,accuracy/);
    const summaryJson = JSON.parse(
      (await download(page, page.getByTestId('calibration-summary-export').getByTestId('export-json'))).text,
    );
    expect(summaryJson.summary.test.temperature.eceWidth).toBeTypeOf('number');
    expect(errors).toEqual([]);
  });

  it('opens again in calibration mode with its text and settings after a reload', async () => {
    await page.getByTestId('calibration-bins').fill('12');
    await page.getByTestId('calibration-bins').press('Tab');
    await page.getByTestId('calibration-estimator').selectOption('last-layer');
    await page.waitForFunction(() => /calBins=12/.test(location.hash) && /calLayers=last-layer/.test(location.hash));
    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('calibration-text').waitFor();
    expect(await page.getByTestId('calibration').getAttribute('open')).not.toBeNull();
    expect(await page.getByTestId('calibration-text').inputValue()).toMatch(/^The old man walked to the river\./);
    expect(await page.getByTestId('calibration-samples').inputValue()).toBe('4');
    expect(await page.getByTestId('calibration-bins').inputValue()).toBe('12');
    expect(await page.getByTestId('calibration-estimator').inputValue()).toBe('last-layer');
    expect(errors).toEqual([]);
  });

  it("scores the label tool's rows through the classification head and reports the rows it cannot", async () => {
    const rows = [
      ['a small animal that lives in the forest', 'noun.animal'],
      ['a large bird of prey', 'noun.animal'],
      ['a fish of the river', 'noun.animal'],
      ['a dog kept for hunting', 'noun.animal'],
      ['a young horse', 'noun.animal'],
      ['a tall tree with broad leaves', 'noun.plant'],
      ['a flower of the field', 'noun.plant'],
      ['a climbing vine', 'noun.plant'],
      ['a shrub with red berries', 'noun.plant'],
      ['a grass of wet places', 'noun.plant'],
      ['bread baked with honey', 'noun.food'],
      ['a dish of boiled meat', 'noun.food'],
      ['a sweet cake', 'noun.food'],
      ['a soup of beans', 'noun.food'],
      ['a drink made from apples', 'noun.food'],
      ['a feeling of great joy', 'noun.feeling'],
      ['a sudden fear', 'noun.feeling'],
      ['deep sorrow', 'noun.feeling'],
      ['a wish for something', 'noun.feeling'],
      ['anger that lasts', 'noun.feeling'],
    ];
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-input').fill(['text,label', ...rows.map((row) => row.join(','))].join('\n'));
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^20 rows, 4 classes/);
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('calibration-source-rows').check();
    await page.getByTestId('calibration-samples').fill('4');
    await page.getByTestId('calibration-run').click();
    await expect
      .poll(() => page.getByTestId('calibration-info').textContent(), { timeout: 120_000 })
      .toMatch(/^15 rows, T = 4, p = 0\.1, dropout in the last layer only,/);
    const unmatched = (await page.getByTestId('calibration-unmatched').textContent())!;
    expect(unmatched).toMatch(/5 rows not scored/);
    expect(unmatched).toContain('row 16: “noun.feeling” — a feeling of great joy');
    expect(await page.getByTestId('calibration-figures').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('calibration-selective').locator('tbody tr').count()).toBe(5);
    expect(await page.getByTestId('calibration-reliability').locator('circle').count()).toBeGreaterThan(0);
    const perRow = await download(page, page.getByTestId('calibration-positions-export').getByTestId('export-csv'));
    const lines = perRow.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^row,position,label,label_id,half,/);
    expect(lines).toHaveLength(16);
    expect(lines[1]).toMatch(/^1,0,noun\.animal,0,/);
    await page.waitForFunction(() => /calSource=rows/.test(location.hash));
    expect(errors).toEqual([]);
  });
});

describe('the tour answers the over-confidence question with the built-in model’s own figures', () => {
  it('a tour=N link opens that step set up, and the step quotes the calibration it just measured', async () => {
    const step = TOUR_STEPS.findIndex((s) => s.measured === 'calibration') + 1;
    expect(step).toBeGreaterThan(0);
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, `${e2e.url}#tool=attention&tour=${step}`);
    await expect
      .poll(() => page.getByTestId('tour-title').textContent(), { timeout: 120_000 })
      .toMatch(new RegExp(`^Step ${step} of ${TOUR_STEPS.length}: `));
    // The link's step is set up as its own button would: the tool, the single-sentence run, the calibration run.
    await page.getByTestId('mc-run-info').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('calibration').getAttribute('open')).not.toBeNull();
    await expect
      .poll(() => page.getByTestId('tour-measured').textContent(), { timeout: 420_000, interval: 2000 })
      .toMatch(/^\s*Measured just now on \d+ word pieces \(T = 8, p = 0\.1, dropout in the last layer only\)/);
    const measured = (await page.getByTestId('tour-measured').textContent())!;
    // The figures quoted are the panel's own: its dropout-off and MC rows on the test half.
    const cells = (row: number) =>
      page.getByTestId('calibration-figures').locator('tbody tr').nth(row).locator('td').allTextContents();
    const [off, mc] = [await cells(0), await cells(1)];
    expect(measured).toContain(`(ECE ${off[2]}, NLL ${off[4]})`);
    expect(measured).toContain(`(ECE ${mc[2]}, NLL ${mc[4]})`);
    expect(await page.getByTestId('calibration-verdict').textContent()).toBeTruthy();
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
