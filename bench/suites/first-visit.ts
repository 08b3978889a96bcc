/**
 * Figure 7b — what a first visit transfers, in headless Chromium (Debian's, via tests/e2e/harness.ts) with the
 * service worker on, from the built app served by `vite preview` as `npm start` serves it.
 *
 * Each visit is a fresh browser context. Two points per visit:
 *   ready    navigation until the model is ready and the service worker's precache complete (then 2 s more):
 *            the app, onnxruntime's .wasm, the default model, the static vectors: what offline use needs for
 *            the default model and all four tools;
 *   + idle   until the page, once idle, has also kept the other built-in model (playground-gpt-mini) for
 *            offline use (its model.onnx appears in the app's built-in cache), then 2 s more.
 * Measured two ways, which should agree: the bytes the server wrote to its sockets (headers and bodies as
 * sent), and Chromium's own count (CDP Network.loadingFinished encodedDataLength over the page, its workers
 * and the service worker; bench/cdp-network-tally.ts). The requests per file are counted at the server:
 * every file should be sent once. Target: ready ≤ 20 MB.
 */
import { execFileSync } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { launchChromium, repoRoot } from '../../tests/e2e/harness';
import { BUILTIN_MODEL_CACHE_NAME } from '../../src/core/model/model-cache';
import { MIN_REPEATS, summarize, type BenchSuite, type Figure } from '../harness';
import { tallyNetwork } from '../cdp-network-tally';

const OUT_DIR = path.join(repoRoot, 'bench', '.build', 'first-visit');
const REPEATS = Math.max(MIN_REPEATS, Number(process.env.BENCH_FIRST_VISIT_REPEATS ?? MIN_REPEATS));
const TARGET_MB = 20;
const SECOND_BUILTIN = 'playground-gpt-mini';

async function startPreview() {
  const open = new Set<Socket>();
  let closedBytes = 0;
  const requests = new Map<string, number>();
  const server = await preview({
    root: repoRoot,
    build: { outDir: OUT_DIR },
    preview: { port: 0, host: '127.0.0.1', open: false },
    logLevel: 'error',
    plugins: [
      {
        name: 'bench:wire',
        configurePreviewServer(previewServer) {
          previewServer.httpServer.on('connection', (socket: Socket) => {
            open.add(socket);
            socket.on('close', () => {
              closedBytes += socket.bytesWritten;
              open.delete(socket);
            });
          });
          previewServer.middlewares.use((req, _res, next) => {
            const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
            requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
            next();
          });
        },
      },
    ],
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return {
    url,
    requests,
    bytes: () => closedBytes + [...open].reduce((sum, socket) => sum + socket.bytesWritten, 0),
    close: () => server.close(),
  };
}

const keptSecondBuiltin = (page: Page) =>
  page.evaluate(
    async ({ cacheName, name }) => {
      const cache = await caches.open(cacheName);
      return (await cache.match(new URL(`models/${name}/onnx/model.onnx`, document.baseURI).href)) !== undefined;
    },
    { cacheName: BUILTIN_MODEL_CACHE_NAME, name: SECOND_BUILTIN },
  );

export async function run(): Promise<BenchSuite> {
  execFileSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  const app = await startPreview();
  const chromium = await launchChromium();
  const ready = { server: [] as number[], cdp: [] as number[] };
  const withIdle = { server: [] as number[], cdp: [] as number[] };
  const sentMoreThanOnce = new Set<string>();
  let breakdown = '';
  try {
    for (let r = 0; r < REPEATS; r++) {
      const tally = await tallyNetwork(chromium.browser);
      const context = await chromium.browser.newContext();
      const page = await context.newPage();
      await tally.pageReady();
      const before = app.bytes();
      app.requests.clear();
      await page.goto(app.url);
      await page.getByTestId('model-ready').waitFor({ state: 'attached', timeout: 180_000 });
      await page.getByTestId('offline-ready').waitFor({ state: 'attached', timeout: 180_000 });
      await page.waitForTimeout(2000);
      ready.server.push((app.bytes() - before) / 1e6);
      ready.cdp.push(tally.total() / 1e6);
      const deadline = Date.now() + 180_000;
      while (!(await keptSecondBuiltin(page))) {
        if (Date.now() > deadline) throw new Error(`${SECOND_BUILTIN} was not kept within 3 minutes`);
        await page.waitForTimeout(500);
      }
      await page.waitForTimeout(2000);
      withIdle.server.push((app.bytes() - before) / 1e6);
      withIdle.cdp.push(tally.total() / 1e6);
      for (const [file, count] of app.requests) if (count > 1) sentMoreThanOnce.add(`${file} ×${count}`);
      if (r === 0) {
        breakdown = [...tally.byUrl.values()]
          .filter((entry) => entry.bytes >= 50_000)
          .sort((a, b) => b.bytes - a.bytes)
          .map((entry) => `${entry.url.replace(app.url, '')} (${entry.type}) ${(entry.bytes / 1e6).toFixed(2)} MB`)
          .join(', ');
      }
      await context.close();
      await tally.stop();
    }
  } finally {
    await chromium.close();
    await app.close();
  }
  const median = (values: number[]) => summarize('', '', values).median;
  const figures: Figure[] = [
    summarize(
      `first visit until model ready + precache complete, server socket bytes (target ≤ ${TARGET_MB} MB)`,
      'MB',
      ready.server,
      { target: TARGET_MB, met: median(ready.server) <= TARGET_MB },
    ),
    summarize('first visit until model ready + precache complete, CDP encodedDataLength', 'MB', ready.cdp, {
      target: TARGET_MB,
      met: median(ready.cdp) <= TARGET_MB,
    }),
    summarize(`first visit + ${SECOND_BUILTIN} kept on idle, server socket bytes`, 'MB', withIdle.server),
    summarize(`first visit + ${SECOND_BUILTIN} kept on idle, CDP encodedDataLength`, 'MB', withIdle.cdp),
  ];
  return {
    name: 'first-visit',
    figures,
    notes: [
      `Headless Chromium ${chromium.browser.version()}, ${REPEATS} first visits, each in a fresh context, the app built into bench/.build/first-visit and served by vite preview on 127.0.0.1.`,
      `Files sent more than once in a visit: ${[...sentMoreThanOnce].join(', ') || 'none'}.`,
      `Largest transfers of the first visit (CDP): ${breakdown}.`,
    ],
  };
}
