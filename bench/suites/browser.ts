/**
 * Figures 6 and 7 (size; the first visit's bytes are first-visit.ts) — the built app in headless Chromium (Debian's, via tests/e2e/harness.ts), WASM EP.
 *
 * Start-up: navigation start to [data-testid="model-ready"] with the built-in model,
 *   cold  a fresh browser context (empty HTTP cache, no service worker), files from `vite preview`
 *   warm  a second visit in the same context once [data-testid="offline-ready"] shows (service-worker cache)
 * Long tasks: main-thread tasks over 50 ms (PerformanceObserver 'longtask', installed with
 *   page.addInitScript) while the attention tool reruns on new text, an MC-dropout run (fill-mask,
 *   T = 16) and a label audit of the WordNet example (360 rows). Target: none.
 * Size: gzip (node:zlib, level 9) of the JavaScript the page's main thread loads before the worker
 *   starts (seen by the browser: script requests of the page before its first worker), target ≤ 150 KB;
 *   the worker's own JavaScript and onnxruntime's .wasm reported separately.
 * First visit: bench/suites/first-visit.ts.
 *
 * The app is built into bench/.build/dist (not dist/, which the e2e tests of others rebuild).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { preview } from 'vite';
import { launchChromium, repoRoot } from '../../tests/e2e/harness';
import { MIN_REPEATS, summarize, type BenchSuite, type Figure } from '../harness';

const OUT_DIR = path.join(repoRoot, 'bench', '.build', 'dist');
const COLD_REPEATS = Math.max(MIN_REPEATS, Number(process.env.BENCH_STARTUP_REPEATS ?? MIN_REPEATS));
const MAIN_JS_TARGET_KB = 150;

/**
 * Records long tasks and the moment the ready badges appear, from the first script of every document.
 * Plain JavaScript in a string: tsx would otherwise wrap a function with helpers the page lacks.
 */
const PAGE_PROBE = `(() => {
  const bench = { longTasks: [], marks: {} };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    bench.noLongTaskApi = String(error);
  }
  const check = () => {
    for (const id of ['model-ready', 'offline-ready']) {
      if (bench.marks[id] === undefined && document.querySelector('[data-testid="' + id + '"]')) bench.marks[id] = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

async function startPreview(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await preview({
    root: repoRoot,
    build: { outDir: OUT_DIR },
    preview: { port: 0, host: '127.0.0.1', open: false },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

async function newProbedPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ content: PAGE_PROBE });
  return page;
}

async function mark(page: Page, id: string, timeout = 180_000): Promise<number> {
  await page.getByTestId(id).waitFor({ state: 'attached', timeout });
  return page.evaluate(
    (key) => (window as unknown as { __bench: { marks: Record<string, number> } }).__bench.marks[key],
    id,
  );
}

async function longTasksSince(page: Page, since: number): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(
    (t) =>
      (window as unknown as { __bench: { longTasks: { start: number; duration: number }[] } }).__bench.longTasks.filter(
        (task) => task.start >= t,
      ),
    since,
  );
}

const now = (page: Page) => page.evaluate(() => performance.now());

function gzipKb(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).byteLength / 1024;
}

export async function run(): Promise<BenchSuite> {
  execFileSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  const app = await startPreview();
  const chromium = await launchChromium();
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    // Size, and the first cold start.
    const cold: number[] = [];
    const warm: number[] = [];
    let mainScripts: string[] = [];
    let workerScripts: string[] = [];
    for (let r = 0; r < COLD_REPEATS; r++) {
      const context = await chromium.browser.newContext();
      const page = await newProbedPage(context);
      const scripts: { url: string; beforeWorker: boolean }[] = [];
      const workerUrls: string[] = [];
      page.on('worker', (worker) => workerUrls.push(worker.url()));
      page.on('request', (request) => {
        const url = request.url();
        if (request.resourceType() === 'script' || /\.m?js(\?|$)/.test(url))
          scripts.push({ url, beforeWorker: workerUrls.length === 0 });
      });
      await page.goto(app.url);
      cold.push(await mark(page, 'model-ready'));
      if (r === 0) {
        // The worker's own script is fetched for the page before the 'worker' event fires: count it as the worker's.
        mainScripts = [
          ...new Set(scripts.filter((s) => s.beforeWorker && !workerUrls.includes(s.url)).map((s) => s.url)),
        ];
        workerScripts = [
          ...new Set([
            ...workerUrls,
            ...scripts.filter((s) => !s.beforeWorker && !mainScripts.includes(s.url)).map((s) => s.url),
          ]),
        ];
      }
      // Warm: the same context once the service worker has everything, a second visit.
      await mark(page, 'offline-ready');
      await page.close();
      const again = await newProbedPage(context);
      await again.goto(app.url);
      warm.push(await mark(again, 'model-ready'));
      await context.close();
    }
    figures.push(
      summarize('startup: navigation → model ready, cold (vite preview, fresh context)', 'ms', cold),
      summarize('startup: navigation → model ready, warm (second visit, service-worker cache)', 'ms', warm),
    );

    const local = (url: string) => path.join(OUT_DIR, decodeURIComponent(new URL(url).pathname).replace(/^\/+/, ''));
    const sizes = (urls: string[]) =>
      urls
        .filter((u) => existsSync(local(u)))
        .map((u) => ({
          file: path.relative(OUT_DIR, local(u)),
          raw: statSync(local(u)).size / 1024,
          gzip: gzipKb(local(u)),
        }));
    const main = sizes(mainScripts);
    const worker = sizes(workerScripts.filter((u) => !mainScripts.includes(u)));
    const wasmDir = path.join(OUT_DIR, 'assets');
    const wasm = readdirSync(wasmDir)
      .filter((f) => f.endsWith('.wasm'))
      .map((f) => ({
        file: `assets/${f}`,
        raw: statSync(path.join(wasmDir, f)).size / 1024,
        gzip: gzipKb(path.join(wasmDir, f)),
      }));
    const total = (list: { gzip: number }[]) => list.reduce((a, b) => a + b.gzip, 0);
    const mainKb = total(main);
    figures.push(
      summarize(
        `size: main-thread JS before the worker starts, gzip (target ≤ ${MAIN_JS_TARGET_KB} KB)`,
        'KB',
        [mainKb],
        { target: MAIN_JS_TARGET_KB, met: mainKb <= MAIN_JS_TARGET_KB, files: main },
      ),
      summarize('size: worker JS, gzip', 'KB', [total(worker)], { files: worker }),
      summarize('size: onnxruntime .wasm, gzip', 'KB', [total(wasm)], { files: wasm }),
    );

    // Long tasks during the three tools' runs, in one page.
    const context = await chromium.browser.newContext();
    const page = await newProbedPage(context);
    await page.goto(app.url);
    await mark(page, 'model-ready');
    const longTasks: Record<string, { start: number; duration: number }[]> = {};

    // Attention: three new texts, each waited for until its tokens show.
    let t0 = await now(page);
    for (const word of ['river', 'garden', 'window']) {
      await page
        .getByTestId('attention-text')
        .fill(`The old dog slept by the ${word} while the children played in the warm afternoon sun.`);
      await page.getByTestId('attention-tokens').filter({ hasText: word }).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(500);
    }
    longTasks.attention = await longTasksSince(page, t0);

    // MC dropout: fill-mask, T = 16.
    await page.getByTestId('tab-uncertainty').click();
    await page.getByTestId('mc-task-fill-mask').check();
    await page.getByTestId('mc-text').fill('The cat sat on the [MASK] and looked out of the window.');
    const samples = page.getByTestId('mc-samples');
    await samples.fill('16');
    await samples.press('Tab');
    t0 = await now(page);
    await page.getByTestId('mc-run').click();
    await page
      .getByTestId('mc-run-info')
      .filter({ hasText: /T = 16/ })
      .waitFor({ timeout: 120_000 });
    await page.waitForTimeout(500);
    longTasks.mc = await longTasksSince(page, t0);

    // Label audit of the shipped WordNet example.
    await page.getByTestId('tab-labels').click();
    await page
      .getByTestId('labels-input')
      .fill(readFileSync(path.join(repoRoot, 'public', 'examples', 'wordnet-glosses-noisy.csv'), 'utf8'));
    await page.getByTestId('labels-parse-summary').filter({ hasText: /rows/ }).waitFor({ timeout: 30_000 });
    t0 = await now(page);
    await page.getByTestId('labels-run').click();
    await page.getByTestId('labels-results').waitFor({ state: 'visible', timeout: 300_000 });
    await page.waitForTimeout(500);
    longTasks.labels = await longTasksSince(page, t0);
    await context.close();

    for (const [tool, tasks] of Object.entries(longTasks)) {
      const durations = tasks.map((t) => Math.round(t.duration));
      figures.push(
        summarize(`long tasks > 50 ms during ${tool}: count (target 0)`, 'count', [tasks.length], {
          target: 0,
          met: tasks.length === 0,
          durationsMs: durations,
        }),
        summarize(`long tasks > 50 ms during ${tool}: longest`, 'ms', [Math.max(0, ...durations)]),
      );
    }
    notes.push(
      `Headless Chromium ${chromium.browser.version()}, ${COLD_REPEATS} cold starts (each in a fresh context) each followed by a warm second visit; the app built into bench/.build/dist and served by vite preview on 127.0.0.1.`,
      `Main-thread JS before the worker: ${main.map((f) => `${f.file} ${f.gzip.toFixed(1)} KB`).join(', ')} = ${mainKb.toFixed(1)} KB gzip (target ≤ ${MAIN_JS_TARGET_KB}: ${mainKb <= MAIN_JS_TARGET_KB ? 'met' : 'NOT met'}).`,
      `Worker JS: ${worker.map((f) => `${f.file} ${f.gzip.toFixed(1)} KB`).join(', ') || 'none seen'}; wasm: ${wasm.map((f) => `${f.file} ${f.raw.toFixed(0)} KB raw, ${f.gzip.toFixed(0)} KB gzip`).join(', ')}.`,
      `Long tasks (ms): ${Object.entries(longTasks)
        .map(
          ([tool, tasks]) => `${tool}: ${tasks.length ? tasks.map((t) => Math.round(t.duration)).join(', ') : 'none'}`,
        )
        .join('; ')}.`,
    );
  } finally {
    await chromium.close();
    await app.close();
  }
  return { name: 'browser', figures, notes };
}
