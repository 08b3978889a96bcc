/**
 * Hardening, end to end against the built app: the Content-Security-Policy is sent and nothing in the
 * app violates it while the default model loads and all four tools produce a result; no request
 * leaves the page's origin while they run on the built-in model and a pasted dataset; and text that
 * looks like HTML or script is shown as text in every tool, never run.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

const e2e = useAppAndBrowser();

const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

/**
 * Collects CSP violations three ways: the document's `securitypolicyviolation` events (from an init
 * script, so none is missed during load), and Chromium's own "Refused to …" log entries for the page
 * and for every worker attached to it (a worker's violations never reach the document's events).
 */
async function watchViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
}

/** Chromium's log: CSP violations in the page and (through auto-attached sessions) in its workers. */
async function watchBrowserLog(page: Page): Promise<{ entries: string[]; cdp: CDPSession }> {
  const entries: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  const isCsp = (text: string) => /Content Security Policy|Refused to/i.test(text);
  cdp.on('Log.entryAdded', ({ entry }: { entry: { text: string; url?: string } }) => {
    if (isCsp(entry.text)) entries.push(`page: ${entry.text}`);
  });
  let nextId = 1;
  cdp.on(
    'Target.attachedToTarget',
    ({ sessionId, targetInfo }: { sessionId: string; targetInfo: { type: string; url: string } }) => {
      const send = (method: string) =>
        cdp
          .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: nextId++, method }) })
          .catch(() => undefined);
      void send('Log.enable');
      void send('Runtime.runIfWaitingForDebugger');
      void targetInfo;
    },
  );
  cdp.on('Target.receivedMessageFromTarget', ({ message, targetId }: { message: string; targetId?: string }) => {
    const parsed = JSON.parse(message) as { method?: string; params?: { entry?: { text: string } } };
    if (parsed.method === 'Log.entryAdded' && parsed.params?.entry && isCsp(parsed.params.entry.text))
      entries.push(`worker ${targetId ?? ''}: ${parsed.params.entry.text}`);
  });
  await cdp.send('Log.enable');
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return { entries, cdp };
}

const documentViolations = (page: Page) =>
  page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

function pastedDataset(): string {
  const lines = ['text,label'];
  const animals = ['cat', 'dog', 'horse', 'fish', 'bird', 'mouse', 'sheep', 'goat', 'lion', 'tiger'];
  const tools = ['hammer', 'saw', 'drill', 'wrench', 'chisel', 'file', 'spanner', 'axe', 'knife', 'rake'];
  for (let i = 0; i < 10; i++) {
    lines.push(`the ${animals[i]} ran across the field and ate some grass,animal`);
    lines.push(`a ${tools[i]} is kept in the shed for building things,tool`);
  }
  return lines.join('\n');
}

async function runAllFourTools(
  page: Page,
  texts: { attention: string; mc: string; a: string; b: string; c: string; dataset: string; rows: number },
): Promise<void> {
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-text').fill(texts.attention);
  await page.getByTestId('attention-tokens').locator('li').nth(2).waitFor({ timeout: 60_000 });
  // Every attention view renders once (thumbnails, matrix, row, links …): none may need a relaxed policy.
  const views = page.locator('[role="tab"][data-testid^="view-"]');
  for (let i = 0; i < (await views.count()); i++) {
    await views.nth(i).click();
    await page.waitForTimeout(300);
  }
  await page.getByTestId('view-model').click();
  await page.getByTestId('head-thumbnail').first().waitFor({ timeout: 60_000 });

  await page.getByTestId('tab-uncertainty').click();
  await page.getByTestId('mc-text').fill(texts.mc);
  await page.getByTestId('mc-samples').fill('4');
  await page.getByTestId('mc-samples').press('Tab');
  await page.getByTestId('mc-run').click();
  await page.getByTestId('mc-run-info').filter({ hasText: /T = 4/ }).waitFor({ timeout: 120_000 });

  await page.getByTestId('tab-analogy').click();
  await page.getByTestId('analogy-a').fill(texts.a);
  await page.getByTestId('analogy-b').fill(texts.b);
  await page.getByTestId('analogy-c').fill(texts.c);
  await page.getByTestId('analogy-run').click();
  await page
    .locator('[data-testid="analogy-candidates"] li, [data-testid="analogy-oov"]')
    .first()
    .waitFor({ timeout: 120_000 });

  await page.getByTestId('tab-labels').click();
  await page.getByTestId('labels-input').fill(texts.dataset);
  await expect
    .poll(() => page.getByTestId('labels-parse-summary').textContent(), { timeout: 30_000 })
    .toMatch(new RegExp(`^${texts.rows} rows, 2 classes`));
  await page.getByTestId('labels-run').click();
  await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 240_000 });
}

describe('security and privacy', () => {
  it('ships a strict Content-Security-Policy that the default model and all four tools never violate, and sends nothing off the origin', async () => {
    const context = await e2e.browser.newContext();
    await watchViolations(context);
    const page = await context.newPage();
    const log = await watchBrowserLog(page);
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    context.on('request', (request) => requests.push(request.url()));

    const response = await page.goto(e2e.url);
    const policy = response!.headers()['content-security-policy'];
    expect(policy, 'the document carries a Content-Security-Policy header').toBeTruthy();
    const directive = (name: string) =>
      policy
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `)) ?? '';
    expect(directive('script-src')).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
    expect(directive('default-src')).toBe("default-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive('worker-src')).toBe("worker-src 'self' blob:");
    expect(directive('connect-src')).toMatch(/^connect-src 'self' /);

    await waitForModelReady(page);
    await runAllFourTools(page, {
      attention: 'The dog ran across the green field.',
      mc: 'The cat sat on the [MASK].',
      a: 'man',
      b: 'woman',
      c: 'king',
      dataset: pastedDataset(),
      rows: 20,
    });
    expect(await page.getByTestId('labels-summary').textContent()).toMatch(/of 20 rows flagged/);

    // The worker scripts carry the policy too (a worker is governed by its own response's header).
    const workerUrls = page.workers().map((worker) => worker.url());
    expect(workerUrls.length).toBeGreaterThan(0);
    for (const url of workerUrls.filter((u) => !u.startsWith('blob:'))) {
      const headers = await page.evaluate(async (u) => Object.fromEntries((await fetch(u)).headers), url);
      expect(headers['content-security-policy']).toBe(policy);
    }

    expect(await documentViolations(page)).toEqual([]);
    expect(log.entries).toEqual([]);

    // Once the service worker serves the page, the policy is still there.
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 })
      .toBe(true);
    const again = await page.reload();
    expect(again!.headers()['content-security-policy']).toBe(policy);
    await waitForModelReady(page);
    expect(await documentViolations(page)).toEqual([]);
    expect(log.entries).toEqual([]);

    const origin = new URL(e2e.url).origin;
    const foreign = requests.filter(
      (url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin,
    );
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);

    // The detectors themselves work: an inline script in the page and a plain-http fetch in the worker are refused and reported.
    await page.evaluate(() =>
      document.head.append(Object.assign(document.createElement('script'), { textContent: 'window.__inline = 1' })),
    );
    await expect.poll(() => documentViolations(page)).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
    const worker = page.workers().find((w) => !w.url().startsWith('blob:'))!;
    await worker.evaluate(() => fetch('http://csp-probe.invalid/').catch(() => undefined));
    await expect.poll(() => log.entries.some((entry) => entry.startsWith('worker'))).toBe(true);
    await context.close();
  });

  it('shows HTML- and script-like input as text in every tool and never runs it', async () => {
    const context = await e2e.browser.newContext();
    await watchViolations(context);
    const { page, errors } = await openPage(context, e2e.url);
    await waitForModelReady(page);
    const dataset = `${pastedDataset()}\n"${XSS.replace(/"/g, '""')}",animal\n"${XSS.replace(/"/g, '""')} again",tool`;
    await runAllFourTools(page, {
      attention: XSS,
      mc: `${XSS} [MASK]`,
      a: XSS,
      b: 'woman',
      c: 'king',
      dataset,
      rows: 22,
    });
    await page.getByTestId('tab-attention').click();
    await page.getByTestId('pair-toggle').check();
    await page.getByTestId('attention-text-b').fill(XSS);
    const tokens = page.getByTestId('attention-tokens').locator('li');
    await expect
      .poll(async () => (await tokens.allTextContents()).filter((t) => t === '[SEP]').length, { timeout: 60_000 })
      .toBe(2);
    // The payload was tokenized as text: its word pieces are there.
    expect((await tokens.allTextContents()).join('').replace(/##/g, '')).toContain('onerror');
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-mode-batch').check();
    await page.getByTestId('mc-batch-text').fill(`${XSS}\nA dog ran across the field.`);
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-batch-table').waitFor({ timeout: 120_000 });
    await page.getByTestId('tab-analogy').click();
    await page.getByTestId('analogy-nn-word').fill(XSS);
    await page.getByTestId('analogy-nn-run').click();
    await page.getByTestId('analogy-neighbours').locator('article').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-labels').click();
    await page.getByPlaceholder('text contains…').fill('<img');

    // The payload shows up as text where the tools echo the input …
    await expect
      .poll(() => page.getByTestId('label-row').filter({ hasText: '<img src=x onerror="window.__xss=1">' }).count(), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    await page.getByTestId('tab-analogy').click();
    expect(await page.getByTestId('analogy-oov').first().textContent()).toContain('<img');
    // … and nowhere becomes markup or runs.
    const injected = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: number }).__xss,
      images: document.querySelectorAll('img[src="x"]').length,
      inlineScripts: Array.from(document.querySelectorAll('script')).filter((s) => !s.src).length,
    }));
    expect(injected).toEqual({ xss: undefined, images: 0, inlineScripts: 0 });
    expect(await documentViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
