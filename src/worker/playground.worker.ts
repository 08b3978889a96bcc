import * as Comlink from 'comlink';
import { createEmbeddingCache } from './embedding-cache';
import { holdLifeline } from './lifeline';
import { createWorkerApi } from './worker-api';

// ORT's WASM threads load this same chunk again under the name "em-pthread"; they must not expose
// a second API. Comlink.expose runs before any await so the first call cannot be missed.
const isOrtThread = typeof self.name === 'string' && self.name.startsWith('em-pthread');
if (!isOrtThread) {
  Comlink.expose({
    holdLifeline,
    ...createWorkerApi({
      appBase: new URL(import.meta.env.BASE_URL, self.location.origin).href,
      environment: {
        crossOriginIsolated: self.crossOriginIsolated === true,
        hardwareConcurrency: navigator.hardwareConcurrency || 1,
      },
      cacheStorage: typeof caches === 'undefined' ? undefined : caches,
      embeddingCache: createEmbeddingCache(),
    }),
  });
}
