/**
 * `npm run dev` must serve the app cross-origin isolated like preview and production do, or WASM
 * runs on one thread there: the page, the model worker's module and the embedded model's files
 * (served by our own middleware, which Vite's `server.headers` do not reach) all carry the headers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');

const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

let server: ViteDevServer;
let baseUrl: string;
// A private dependency cache, so this server never touches the one `npm run dev` uses.
const cacheDir = mkdtempSync(path.join(tmpdir(), 'playground-dev-server-'));

beforeAll(async () => {
  server = await createServer({
    configFile: path.join(repoRoot, 'vite.config.ts'),
    root: repoRoot,
    cacheDir,
    server: { port: 0, host: '127.0.0.1', hmr: false },
    logLevel: 'error',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the dev server did not report a URL');
  baseUrl = url;
});

afterAll(async () => {
  await server?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function get(pathname: string): Promise<Response> {
  const response = await fetch(new URL(pathname, baseUrl));
  expect(response.status, pathname).toBe(200);
  return response;
}

function isolationHeaders(response: Response): Record<string, string | null> {
  return Object.fromEntries(Object.keys(ISOLATION_HEADERS).map((name) => [name, response.headers.get(name)]));
}

describe('the dev server', () => {
  it('sends COOP same-origin, COEP require-corp and CORP on the page and the model worker module', async () => {
    const page = await get('/');
    expect(await page.text()).toContain('<script type="module" src="/src/main.ts">');
    expect(isolationHeaders(page)).toEqual(ISOLATION_HEADERS);

    // The URL the page's `new Worker(new URL('./playground.worker.ts', import.meta.url), { type: 'module' })` asks for in dev.
    const worker = await get('/src/worker/playground.worker.ts?worker_file&type=module');
    expect(await worker.text()).toContain('Comlink.expose');
    expect(isolationHeaders(worker)).toEqual(ISOLATION_HEADERS);
  });

  it('serves the embedded default model with the same headers and the bytes from models/', async () => {
    const index = await get('/models/index.json');
    expect(isolationHeaders(index)).toEqual(ISOLATION_HEADERS);
    const { models } = (await index.json()) as { models: { name: string }[] };
    expect(models.length).toBeGreaterThan(0);
    const defaultModel = models[0].name;

    for (const file of ['onnx/model.onnx', 'tokenizer.json']) {
      const response = await get(`/models/${defaultModel}/${file}`);
      expect(isolationHeaders(response), file).toEqual(ISOLATION_HEADERS);
      const served = new Uint8Array(await response.arrayBuffer());
      expect(Buffer.compare(served, readFileSync(path.join(repoRoot, 'models', defaultModel, file))), file).toBe(0);
    }
  });
});
