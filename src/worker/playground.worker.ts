import * as Comlink from 'comlink';
// The same file onnxruntime's bundle names (Vite emits it once); the worker fetches it and hands it over.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { COMPRESSED_WASM_SUFFIX, loadRuntimeBinary } from '../core/runtime/runtime-binary';
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
        wasmBinary: () => {
          const url = new URL(ortWasmUrl, self.location.href).href;
          return loadRuntimeBinary(url, {
            cacheStorage: typeof caches === 'undefined' ? undefined : caches,
            // The build's gzipped copy (vite-plugins/compressed-wasm.ts); the dev server has none.
            compressedUrl: import.meta.env.PROD ? url + COMPRESSED_WASM_SUFFIX : undefined,
          });
        },
      },
      cacheStorage: typeof caches === 'undefined' ? undefined : caches,
      embeddingCache: createEmbeddingCache(),
      storage: navigator.storage,
    }),
  });
}
