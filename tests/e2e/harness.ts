import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { requireChromium } from './chromium-path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Serves the built app the way `npm run preview` does, with the cross-origin-isolation headers.
 * E2E_DIST names another build folder (`vite build --outDir dist-x`), so two builds can be tested side by side.
 */
export async function startApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const outDir = process.env.E2E_DIST ?? 'dist';
  const server: PreviewServer = await preview({
    root: repoRoot,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', open: false },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

export interface LaunchedBrowser {
  browser: Browser;
  close: () => Promise<void>;
}

/** Debian's headless Chromium with the flags this machine needs; playwright gives each launch a fresh profile dir. */
export async function launchChromium(options: { webgpu?: boolean } = {}): Promise<LaunchedBrowser> {
  const args = [...CHROMIUM_FLAGS];
  if (options.webgpu)
    args.push(
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=swiftshader',
      '--use-webgpu-adapter=swiftshader',
    );
  const browser = await chromium.launch({ executablePath: requireChromium(), headless: true, args });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A page that records console errors and every request, for assertions about failures and privacy. */
export async function openPage(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url);
  return { page, errors, requests };
}

/** Asks the model panel to load `repo` from a Hugging Face-style host (a FakeModelHost's url); callers wait for what they need. */
export async function loadFromHub(page: Page, repo: string, hostUrl: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Hugging Face', { exact: true }).click();
  await page.getByTestId('hub-repo').fill(repo);
  await page
    .locator('details', { has: page.locator('summary', { hasText: 'Host' }) })
    .evaluate((details) => ((details as HTMLDetailsElement).open = true));
  await page.getByTestId('hub-host').fill(hostUrl);
  await page.getByTestId('load-model').click();
}

export async function waitForModelReady(page: Page, timeout = 120_000): Promise<void> {
  await page.getByTestId('model-ready').waitFor({ state: 'visible', timeout });
}

/**
 * A stand-in for a model host: serves files from memory at /{repo}/resolve/{revision}/{file} with
 * CORS and CORP headers (COEP pages may only fetch cross-origin resources that allow it) and counts hits.
 */
export class FakeModelHost {
  private server: Server | null = null;
  readonly files = new Map<string, Uint8Array>();
  readonly hits: string[] = [];
  url = '';

  put(repo: string, file: string, bytes: Uint8Array | string, revision = 'main'): void {
    this.files.set(
      `/${repo}/resolve/${revision}/${file}`,
      typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
    );
  }

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      this.hits.push(pathname);
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      const body = this.files.get(pathname);
      if (req.method === 'OPTIONS') {
        res.statusCode = 204;
        res.end();
      } else if (!body) {
        res.statusCode = 404;
        res.end('Entry not found');
      } else {
        res.setHeader('Content-Length', String(body.byteLength));
        res.setHeader('Content-Type', pathname.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(body);
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * Starts the built app and Chromium before a test file's tests and stops both after them. Read
 * `url` and `browser` inside tests (they are set once beforeAll has run).
 */
export function useAppAndBrowser(options: { webgpu?: boolean } = {}): {
  readonly url: string;
  readonly browser: Browser;
} {
  let app: { url: string; close: () => Promise<void> } | undefined;
  let chromium: LaunchedBrowser | undefined;
  beforeAll(async () => {
    app = await startApp();
    chromium = await launchChromium(options);
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });
  return {
    get url() {
      if (!app) throw new Error('The app is not started yet: read url inside a test.');
      return app.url;
    },
    get browser() {
      if (!chromium) throw new Error('Chromium is not started yet: read browser inside a test.');
      return chromium.browser;
    },
  };
}
