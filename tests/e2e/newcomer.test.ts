/**
 * What a newcomer trips over (issue 19, items 9–11): named choices, a presenter switch, readable menus, links
 * that count from 1, hidden tabs that hide their panel, notes for empty and unknown text, label look-alikes and
 * JSON keys, long inputs in the matrix and head views, and the static vectors' provenance and hidden words.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';
import { askAnalogy, candidateRows } from './analogy-page';

const e2e = useAppAndBrowser();

async function download(page: Page, testId: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync((await file.path())!);
}

/** WCAG contrast ratio of an element's text colour on the first opaque background behind it. */
function contrastOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel)!;
    const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    let node: Element | null = element;
    let background = [255, 255, 255];
    while (node) {
      const value = rgb(getComputedStyle(node).backgroundColor);
      if (value.length === 3 || (value.length === 4 && value[3] === 1)) {
        background = value.slice(0, 3);
        break;
      }
      node = node.parentElement;
    }
    const a = luminance(rgb(getComputedStyle(element).color));
    const b = luminance(background);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }, selector);
}

describe('what a newcomer meets', () => {
  it('names the uncertainty choices, the presenter switch and the hide menu plainly; a hidden tab takes its panel with it', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);

    // Presenter mode is a switch named for what it switches, its state in aria-checked.
    const presenter = page.getByRole('switch', { name: 'Presenter mode' });
    expect(await presenter.getAttribute('aria-checked')).toBe('false');
    await presenter.click();
    expect(await presenter.getAttribute('aria-checked')).toBe('true');
    expect(await page.evaluate(() => document.documentElement.classList.contains('presenter'))).toBe(true);
    await presenter.click();

    // The hide menu's intro is readable on its white panel; its item names the checkbox, not the action.
    await page.getByTestId('hide-menu').locator('summary').click();
    expect(await contrastOf(page, '[data-testid="hide-menu-intro"]')).toBeGreaterThanOrEqual(4.5);
    expect(await page.getByTestId('hide-menu').getByText('Hide special tokens', { exact: true }).count()).toBe(0);
    expect(await page.getByTestId('hide-menu').textContent()).toContain('The "hide special tokens" checkbox');

    // Hiding the open tool's tab hides its panel too: the next tab's tool is shown.
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').waitFor();
    await page.getByTestId('hide-menu').locator('summary').click();
    await page.getByTestId('hide-tab-attention').check();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('attention-text').count()).toBe(0);
    expect(await page.getByTestId('tab-attention').isVisible()).toBe(false);
    expect(await page.getByTestId('tool-panel').getByRole('heading', { level: 2 }).first().textContent()).toMatch(
      /Uncertainty/,
    );
    expect(await page.getByTestId('tab-uncertainty').getAttribute('aria-selected')).toBe('true');

    // Two named groups of radios, not four on one line.
    const input = page.getByRole('group', { name: 'Input' });
    const task = page.getByRole('group', { name: 'Task' });
    expect(await input.getByRole('radio').count()).toBe(2);
    expect(await task.getByRole('radio').count()).toBe(2);
    expect(await input.getByTestId('mc-mode-batch').count()).toBe(1);
    expect(await task.getByTestId('mc-task-fill-mask').count()).toBe(1);

    // Before a run no words are shown, so the prompt does not offer clicking one.
    await page.getByTestId('mc-task-fill-mask').check();
    const prompt = page.locator('label', { has: page.getByTestId('mc-text') });
    expect(await prompt.textContent()).not.toMatch(/click a word below/);
    await page.getByTestId('mc-text').fill('The cat sat on the [MASK].');
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-tokens').waitFor({ timeout: 120_000 });
    expect(await prompt.textContent()).toMatch(/click a word below to mask it/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads layer and head in a link from 1 as on screen, and an old link from 0 as the view it showed', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(
      context,
      `${e2e.url}#tool=attention&view=matrix&text=The%20cat%20sat.&attnLayer=2&attnHead=3`,
    );
    await waitForModelReady(page);
    await page.getByTestId('layer-select').waitFor({ timeout: 60_000 });
    const shown = async () => [
      await page.getByTestId('layer-select').locator('option:checked').textContent(),
      await page.getByTestId('head-select').locator('option:checked').textContent(),
    ];
    expect(await shown()).toEqual(['2', '3']);

    const old = await context.newPage();
    await old.goto(`${e2e.url}#tool=attention&view=matrix&text=The%20cat%20sat.&layer=1&head=2`);
    await waitForModelReady(old);
    await old.getByTestId('layer-select').waitFor({ timeout: 60_000 });
    expect([
      await old.getByTestId('layer-select').locator('option:checked').textContent(),
      await old.getByTestId('head-select').locator('option:checked').textContent(),
    ]).toEqual(['2', '3']);
    // The address is rewritten in the new form, and nothing was reported as ignored.
    await expect.poll(() => old.url()).toMatch(/attnLayer=2&attnHead=3/);
    expect(
      await old
        .getByRole('status')
        .filter({ hasText: /ignored|default is used/ })
        .count(),
    ).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks for a sentence instead of drawing an empty one, and names the characters that became [UNK]', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('attention-text').fill('');
    await page.getByTestId('attention-empty-hint').waitFor();
    expect(await page.getByTestId('attention-empty-hint').textContent()).toMatch(/Type a sentence above/);
    expect(await page.getByTestId('attention-tokens').count()).toBe(0);

    await page.getByTestId('attention-text').fill('The cat 🙂 sat 猫.');
    const note = page.getByText(/Not in this model's vocabulary/);
    await note.waitFor({ timeout: 60_000 });
    expect(await note.textContent()).toMatch(/"🙂", "猫"\. They become \[UNK\]/);
    expect(await page.getByTestId('attention-empty-hint').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('warns that "1" and "1.0" are separate classes, and names the keys of JSON lines that have other keys', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    const rows = Array.from(
      { length: 12 },
      (_, i) => `a text number ${i},${i % 3 === 0 ? '1.0' : i % 3 === 1 ? '1' : '0'}`,
    );
    await page.getByTestId('labels-input').fill(`text,label\n${rows.join('\n')}`);
    const problems = page.getByTestId('labels-problems');
    await expect
      .poll(() => problems.textContent(), { timeout: 30_000 })
      .toMatch(/counted as separate classes: "1\.0" \(4 rows\) and "1" \(4 rows\)/);

    const lines = [
      ...Array.from({ length: 10 }, (_, i) => JSON.stringify({ text: `line text ${i}`, label: i % 2 ? 'a' : 'b' })),
      JSON.stringify({ sentence: 'another text', category: 'a' }),
    ];
    await page.getByTestId('labels-input').fill(lines.join('\n'));
    await expect
      .poll(() => problems.textContent(), { timeout: 30_000 })
      .toMatch(/line 11 has "sentence" and "category"/);
    expect(await problems.textContent()).toContain('("text" and "label")');
    expect(await page.getByText('empty text and label').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps a long input readable: labelled, zoomable matrix with a labelled export, and a head view one page high', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    const words = Array.from({ length: 90 }, (_, i) => ['the', 'cat', 'sat', 'on', 'a', 'mat'][i % 6]).join(' ');
    await page.getByTestId('attention-text').fill(words);
    await expect.poll(() => page.getByTestId('attention-tokens').locator('li').count(), { timeout: 60_000 }).toBe(92);
    await page.getByTestId('view-matrix').click();
    await page.getByTestId('matrix-canvas').waitFor();

    // Fitted to 640 px: 6 px cells, a label every 2nd token on each axis.
    const axes = page.getByTestId('matrix-axes').locator('text');
    expect(await axes.count()).toBe(2 * 46);
    expect(await page.getByTestId('matrix-label-note').textContent()).toMatch(/a label every 2 tokens/);
    await page.getByTestId('matrix-zoom').selectOption('12');
    await expect.poll(() => axes.count()).toBe(2 * 92);
    expect(await page.getByTestId('matrix-label-note').textContent()).toBe('every token labelled');
    // The column labels lean right: the last ones must end inside the axes, not be cut off at the last column.
    const overhang = await page.getByTestId('matrix-axes').evaluate((svg) => {
      const right = svg.getBoundingClientRect().right;
      return Math.max(...[...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().right)) - right;
    });
    expect(overhang).toBeLessThanOrEqual(0);

    const svg = (await download(page, 'export-svg')).toString('utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg.match(/<text\b/g)?.length).toBe(2 * 92);
    expect(svg).toContain('>cat</text>');
    // 90 px of labels + 92 tokens × 12 px high; 45 px wider for the leaning column labels.
    expect(svg).toMatch(/width="1239" height="1194"/);
    const png = await download(page, 'export-png');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Rendered at twice the SVG's size: far above the 92 × 92 px of one pixel a cell.
    expect(png.readUInt32BE(16)).toBe(2 * 1239);
    expect(png.readUInt32BE(20)).toBe(2 * 1194);

    // The head view: 32 query tokens to a page and the 16 heaviest keys, with a way to see the rest.
    await page.getByTestId('view-head').click();
    const head = page.getByTestId('head-view');
    await head.waitFor();
    expect(await head.locator('g.left text').count()).toBe(32);
    expect(await head.locator('g.right text').count()).toBe(16);
    expect(Number(await head.getAttribute('height'))).toBeLessThanOrEqual(32 * 20 + 16);
    expect(await page.getByTestId('head-view-rest').textContent()).toMatch(/^76 other keys, each below 0\.\d{3}$/);
    await page.getByTestId('head-view-more-keys').click();
    expect(await head.locator('g.right text').count()).toBe(32);
    await page.getByTestId('head-view-pager').getByRole('button', { name: 'Next →' }).click();
    expect(await page.getByTestId('head-view-pager').textContent()).toContain('tokens 33–64 of 92');
    expect(await head.locator('[data-query="32"]').count()).toBe(1);
    expect(await head.locator('[data-query="0"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says where the static vectors come from, and hides listed words from every answer list, with a count', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    await page.getByTestId('tab-analogy').click();
    await askAnalogy(page, 'king', 'queen', 'man');
    const list = page.getByTestId('analogy-result-static').locator('[data-testid="analogy-candidates"] li .word');
    await candidateRows(page, 'static').nth(9).waitFor({ timeout: 120_000 });
    const provenance = await page.getByTestId('analogy-static-provenance').textContent();
    expect(provenance).toMatch(/King James Bible/);
    expect(provenance).toMatch(/slurs today/);

    const before = await list.allTextContents();
    const hide = [before[0], before[4]];
    await page.getByTestId('analogy-hidden-words').locator('summary').click();
    await page.getByTestId('analogy-hidden-words-input').fill(hide.map((w) => w.toUpperCase()).join(', '));
    await page.getByTestId('analogy-hidden-words-apply').click();
    // At once without the hidden words, and ten again once the engine has answered with two more words.
    await expect.poll(() => list.allTextContents(), { timeout: 60_000 }).not.toContain(hide[0]);
    await expect.poll(() => list.count(), { timeout: 60_000 }).toBe(10);
    const after = await list.allTextContents();
    expect(after).not.toContain(hide[1]);
    expect(after.slice(0, 3)).toEqual([before[1], before[2], before[3]]);
    expect(await page.getByTestId('analogy-result-static').getByTestId('analogy-hidden-count').textContent()).toMatch(
      /2 answers hidden/,
    );
    // The picture and its export leave them out too.
    const pictureLabels = await page.locator('#analogy-picture-title ~ * text, svg text').allTextContents();
    expect(pictureLabels).not.toContain(hide[0]);

    // Kept in this browser across a reload, and never written into the address.
    const linkValues = [...new URLSearchParams(new URL(page.url()).hash.slice(1)).values()].flatMap((v) =>
      v.split(','),
    );
    expect(linkValues).not.toContain(hide[0]);
    await page.reload();
    await waitForModelReady(page);
    await page.getByTestId('analogy-result-static').locator('[data-testid="analogy-candidates"] li').nth(9).waitFor({
      timeout: 120_000,
    });
    expect(await list.allTextContents()).not.toContain(hide[0]);
    expect(await page.getByTestId('analogy-hidden-words').locator('summary').textContent()).toMatch(/2 on the list/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
