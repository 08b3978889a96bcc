import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';
import { TOUR_DECODER, TOUR_STEPS } from '../../src/core/workshop/tour';

const e2e = useAppAndBrowser();

async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
  await page.getByTestId(testId).press('Tab');
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).first().click()]);
  return readFileSync((await file.path())!, 'utf8');
}

/** What a participant sees of each tool, read off the page. */
async function readAttention(page: Page) {
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-tokens').getByText('horse', { exact: true }).waitFor({ timeout: 60_000 });
  return {
    tokens: await page.getByTestId('attention-tokens').locator('li').allTextContents(),
    layer: await page.getByTestId('layer-select').inputValue(),
    head: await page.getByTestId('head-select').inputValue(),
    view: await page.locator('[data-testid^="view-"][aria-selected="true"]').getAttribute('data-testid'),
  };
}

async function runUncertainty(page: Page) {
  await page.getByTestId('tab-uncertainty').click();
  await page.getByTestId('mc-run').click();
  await page
    .getByTestId('mc-run-info')
    .filter({ hasText: /T = 8, .*seed 4242/ })
    .waitFor({ timeout: 120_000 });
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('mc-samples-panel').getByTestId('export-csv').click(),
  ]);
  return {
    prediction: await page.getByTestId('mc-prediction').textContent(),
    samples: readFileSync((await file.path())!, 'utf8'),
  };
}

async function runAnalogy(page: Page) {
  await page.getByTestId('tab-analogy').click();
  await page.getByTestId('analogy-run').click();
  const candidates = page.getByTestId('analogy-result-token').locator('[data-testid="analogy-candidates"] li');
  await candidates.nth(4).waitFor({ timeout: 120_000 });
  return {
    words: [
      await page.getByTestId('analogy-a').inputValue(),
      await page.getByTestId('analogy-b').inputValue(),
      await page.getByTestId('analogy-c').inputValue(),
    ],
    candidates: await candidates.allTextContents(),
  };
}

describe('workshop mode', () => {
  it('a state URL opened in a fresh browser context restores the same view and the same numbers', async () => {
    const teacher = await e2e.browser.newContext({ acceptDownloads: true });
    const { page } = await openPage(teacher, e2e.url);
    await waitForModelReady(page);

    await page.getByTestId('attention-text').fill('The horse ate the grass near the river.');
    await page.getByTestId('view-matrix').click();
    await page.getByTestId('layer-select').selectOption({ value: '2' });
    await page.getByTestId('head-select').selectOption({ value: '1' });
    const attention = await readAttention(page);
    expect(attention).toMatchObject({ layer: '2', head: '1', view: 'view-matrix' });

    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-text').fill('The horse ate the [MASK] near the river.');
    await setNumber(page, 'mc-samples', 8);
    await setNumber(page, 'mc-seed', 4242);
    const uncertainty = await runUncertainty(page);

    await page.getByTestId('tab-analogy').click();
    await page.getByTestId('analogy-a').fill('france');
    await page.getByTestId('analogy-b').fill('paris');
    await page.getByTestId('analogy-c').fill('england');
    const analogy = await runAnalogy(page);

    await page.getByTestId('hide-menu').locator('summary').click();
    await page.getByTestId('hide-mc-seed').check();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('hide-menu').getAttribute('open')).toBeNull();
    await page.getByTestId('presenter-toggle').click();
    await page.getByTestId('tab-uncertainty').click();
    await expect.poll(() => page.url()).toMatch(/#tool=uncertainty&.*presenter=1.*_hide=mc-seed/);
    const link = page.url();
    expect(link).toMatch(/seed=4242/);
    await teacher.close();

    const participant = await e2e.browser.newContext({ acceptDownloads: true });
    const { page: other, errors } = await openPage(participant, link);
    await waitForModelReady(other);
    expect(await other.getByTestId('tab-uncertainty').getAttribute('aria-selected')).toBe('true');
    expect(await other.evaluate(() => document.documentElement.classList.contains('presenter'))).toBe(true);
    expect(await other.getByTestId('mc-seed').isVisible()).toBe(false);
    expect(await other.getByTestId('mc-samples').isVisible()).toBe(true);
    expect(await runUncertainty(other)).toEqual(uncertainty);
    expect(await runAnalogy(other)).toEqual(analogy);
    expect(await readAttention(other)).toEqual(attention);
    expect(errors).toEqual([]);
    await participant.close();
  });

  it('a reload right after a change keeps the change, even before the address caught up', async () => {
    const context = await e2e.browser.newContext();
    const { page } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await expect.poll(() => page.url()).toMatch(/#tool=attention/);
    await page.getByTestId('tab-analogy').click();
    await page.reload();
    await waitForModelReady(page);
    expect(await page.getByTestId('tab-analogy').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.url()).toMatch(/#tool=analogy/);
    expect(await page.getByTestId('workshop-bar').isVisible()).toBe(true);
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /default is used|ignored/ })
        .count(),
    ).toBe(0);
    await context.close();
  });

  it('a URL with garbage state says what it ignored, falls back to defaults and runs no script', async () => {
    const context = await e2e.browser.newContext();
    const script = encodeURIComponent('<img src=x onerror="window.__xss=1">');
    const { page, errors } = await openPage(
      context,
      `${e2e.url}#tool=${script}&layer=-4&T=100000&seed=abc&junk=1&text=${script}`,
    );
    await waitForModelReady(page);
    const warnings = page.getByRole('status').filter({ hasText: /default is used|ignored/ });
    await expect
      .poll(() => warnings.allTextContents())
      .toEqual([
        expect.stringMatching(
          /^Tool \(tool\): "<img src=x onerror="window.__xss=1">" is not one of attention, .*; the default is used\.\s*×?$/,
        ),
        expect.stringMatching(/^Layer \(layer\): "-4" is not a whole number from 0 to 255; the default is used\./),
        expect.stringMatching(/^Samples T \(T\): "100000" is not a whole number from 1 to 256; the default is used\./),
        expect.stringMatching(/^Seed \(seed\): "abc" is not a whole number/),
        expect.stringMatching(/^Unknown setting "junk" was ignored\./),
      ]);
    expect(await page.getByTestId('tab-attention').getAttribute('aria-selected')).toBe('true');
    // The script-like sentence is a valid text: it is shown as text, never run.
    expect(await page.getByTestId('attention-text').inputValue()).toBe('<img src=x onerror="window.__xss=1">');
    await page.getByTestId('attention-tokens').locator('li').first().waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByTestId('tab-uncertainty').click();
    expect(await page.getByTestId('mc-samples').inputValue()).toBe('32');
    expect(await page.getByTestId('mc-seed').inputValue()).toBe('1');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a link with a mistyped model opens with the built-in model and says so', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, `${e2e.url}#model=playground-bert-mni&text=The%20cat%20sat`);
    await waitForModelReady(page);
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /Model \(model\)/ })
          .allTextContents(),
      )
      .toEqual([
        expect.stringMatching(
          /^Model \(model\): there is no built-in model "playground-bert-mni"; the built-in model playground-bert-mini is loaded instead\./,
        ),
      ]);
    expect(await page.getByText('current model is kept').count()).toBe(0);
    expect(await page.getByTestId('attention-text').inputValue()).toBe('The cat sat');
    await page.getByTestId('attention-tokens').getByText('cat', { exact: true }).waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('session export then import in a fresh context restores pasted data and decisions exactly; bad files change nothing', async () => {
    const first = await e2e.browser.newContext({ acceptDownloads: true });
    const { page } = await openPage(first, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^360 rows, 8 classes/);
    await page.getByTestId('labels-run').click();
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    await page.getByTestId('filter-flagged').check();
    const rows = page.getByTestId('label-table').getByTestId('label-row');
    await rows.nth(1).getByTestId('accept').click();
    await rows.nth(2).getByTestId('remove').click();
    await expect
      .poll(() => page.getByTestId('labels-summary').textContent())
      .toMatch(/1 accepted, 0 kept, 1 to remove/);
    const audit = await download(page, 'labels-export-json');
    const pasted = await page.getByTestId('labels-input').inputValue();
    const session = await download(page, 'export-session');
    await first.close();

    const folder = tmpdir();
    const sessionFile = path.join(folder, 'workshop-session.json');
    writeFileSync(sessionFile, session);
    const second = await e2e.browser.newContext({ acceptDownloads: true });
    const { page: other } = await openPage(second, e2e.url);
    await waitForModelReady(other);
    await other.getByTestId('import-session-file').setInputFiles(sessionFile);
    await other.getByText(/Session "workshop-session\.json" restored/).waitFor({ timeout: 30_000 });
    expect(await other.getByTestId('tab-labels').getAttribute('aria-selected')).toBe('true');
    await other.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await other.getByTestId('labels-input').inputValue()).toBe(pasted);
    expect(await download(other, 'labels-export-json')).toBe(audit);

    const bad: [string, string, RegExp][] = [
      [
        'package.json',
        '{"name": "some-app", "version": "1.0.0"}',
        /"package\.json": This JSON file is not a Transformer Playground session/,
      ],
      [
        'cut.json',
        session.slice(0, session.length / 3),
        /"cut\.json": This is not a session file: it is not valid JSON \(it may be cut short\)/,
      ],
      ['photo.json', '\u0089PNG\r\n\u001a\n\u0000\u0000binary', /"photo\.json": This is not a session file/],
    ];
    for (const [name, text, message] of bad) {
      const file = path.join(folder, name);
      writeFileSync(file, text);
      await other.getByTestId('import-session-file').setInputFiles(file);
      await other.getByRole('status').filter({ hasText: message }).waitFor({ timeout: 10_000 });
      expect(await other.getByRole('status').filter({ hasText: message }).textContent()).toMatch(
        /Nothing was changed\./,
      );
    }
    expect(await other.getByTestId('labels-input').inputValue()).toBe(pasted);
    expect(await download(other, 'labels-export-json')).toBe(audit);
    await second.close();
  });

  it('the guided tour walks the four tools, each step setting up a live view, and gives the user their own work back', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const ownText = 'Rivers carry sand to the sea.';
    await page.getByTestId('attention-text').fill(ownText);
    await page.getByTestId('tab-labels').click();
    const ownData = 'text,label\nmy first row,alpha\nmy second row,beta\n';
    await page.getByTestId('labels-input').fill(ownData);
    await expect
      .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^2 rows, 2 classes/);
    await page.getByTestId('tour-start').click();
    const seenTools = new Set<string>();
    for (let step = 1; ; step++) {
      await expect
        .poll(() => page.getByTestId('tour-title').textContent())
        .toMatch(new RegExp(`^Step ${step} of ${TOUR_STEPS.length}: `));
      const tool = await page
        .getByRole('tablist', { name: 'Tools' })
        .locator('[aria-selected="true"]')
        .getAttribute('data-testid');
      seenTools.add(tool!);
      if (tool === 'tab-uncertainty')
        await page
          .locator('[data-testid="mc-run-info"], [data-testid="mc-batch-row"], [data-testid="next-token-result"]')
          .first()
          .waitFor({ timeout: 120_000 });
      if (tool === 'tab-analogy') await page.getByTestId('analogy-result-token').waitFor({ timeout: 120_000 });
      // The decoder step runs on the built-in decoder; the steps after it on the user's model again.
      const decoderStep = TOUR_STEPS[step - 1].model === TOUR_DECODER;
      await expect
        .poll(() => page.getByTestId('model-status').locator('.name').textContent(), { timeout: 120_000 })
        .toMatch(new RegExp(`^${decoderStep ? TOUR_DECODER : 'playground-bert-mini'}\\b`));
      // The attention-under-dropout step samples by itself (the attention tool follows its settings).
      if (/How sure is a head/.test((await page.getByTestId('tour-title').textContent()) ?? ''))
        await page.getByTestId('head-stability').waitFor({ timeout: 120_000 });
      await expect.poll(() => page.url()).toContain(`tour=${step}`);
      if (!(await page.getByTestId('tour-next').isVisible())) break;
      await page.getByTestId('tour-next').click();
    }
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
    // The last step trains the two heads of the "train a head" panel: both runs end up in its table.
    await expect.poll(() => page.getByTestId('head-runs-row').count(), { timeout: 240_000 }).toBe(2);
    expect(seenTools).toEqual(new Set(['tab-attention', 'tab-uncertainty', 'tab-analogy', 'tab-labels']));
    await page.getByTestId('tour-finish').click();
    expect(await page.getByTestId('tour-panel').count()).toBe(0);
    // The tour's example data and audit are gone; the user's pasted rows are back, on the tab they left.
    await expect.poll(() => page.getByTestId('labels-input').inputValue()).toBe(ownData);
    expect(await page.getByTestId('labels-results').count()).toBe(0);
    expect(await page.getByRole('status').filter({ hasText: 'Tour closed: your own model, texts' }).count()).toBe(1);
    await page.getByTestId('tab-attention').click();
    expect(await page.getByTestId('attention-text').inputValue()).toBe(ownText);
    expect(errors).toEqual([]);
    await context.close();
  });
});
