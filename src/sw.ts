/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell, the built-in models' static word
 * vectors and the examples; with the files the app keeps itself (see precachedHere), the app starts
 * with no network after one visit. Every response it serves carries the
 * cross-origin-isolation headers, so WASM threads keep working offline, and the app's
 * Content-Security-Policy (src/csp.ts), so a host that sends no headers still gets it.
 */
import {
  addPlugins,
  cleanupOutdatedCaches,
  matchPrecache,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { clientsClaim } from 'workbox-core';
import { CONTENT_SECURITY_POLICY } from './csp';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};

function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  let changed = false;
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) {
    if (!headers.has(name)) {
      headers.set(name, value);
      changed = true;
    }
  }
  return changed
    ? new Response(response.body, { status: response.status, statusText: response.statusText, headers })
    : response;
}

cleanupOutdatedCaches();
addPlugins([
  {
    cachedResponseWillBeUsed: async ({ cachedResponse }) =>
      cachedResponse ? withIsolationHeaders(cachedResponse) : cachedResponse,
  },
]);
/**
 * One owner per file, so a first visit downloads each once. The app's worker fetches some files before this
 * worker has installed, and keeps them in caches of its own; those are not precached here:
 * - the built-in models' own files (config, tokenizer, model.onnx): the app's model cache
 *   (src/core/model/download.ts), the default model as it starts, the other built-ins when the page is idle;
 * - onnxruntime's .wasm: the app's runtime cache (src/core/runtime/runtime-binary.ts), handed to onnxruntime
 *   as its binary.
 * The static word vectors, which the app fetches only when the analogy tool first needs them, stay precached,
 * and the app reads this precache before it downloads anything.
 */
function precachedHere(url: string): boolean {
  if (/\.wasm$/.test(url)) return false;
  const modelFile = /^(?:\.?\/)?models\/[^/]+\/(.+)$/.exec(url);
  return !modelFile || modelFile[1].startsWith('static-vectors/');
}
const manifest = self.__WB_MANIFEST.filter((entry) => precachedHere(typeof entry === 'string' ? entry : entry.url));
// "/" and "/?state=…" resolve to the precached index.html.
precacheAndRoute(manifest, { ignoreURLParametersMatching: [/.*/], directoryIndex: 'index.html' });

// Same-origin requests that are not precached (none in normal use) still get the headers.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== 'GET') return;
  if (event.request.mode !== 'navigate') return;
  event.respondWith(
    fetch(event.request).then(withIsolationHeaders, async () => {
      const cache = await matchPrecache('index.html');
      return cache ? withIsolationHeaders(cache) : Response.error();
    }),
  );
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

clientsClaim();
