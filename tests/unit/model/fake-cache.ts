import type { CacheStorageLike } from '../../../src/core/model/model-cache';

/** An in-memory Cache Storage with the behaviour the loader relies on (match, put, keys, delete). */
export function createFakeCacheStorage(): CacheStorageLike & { stores: Map<string, Map<string, Response>> } {
  const stores = new Map<string, Map<string, Response>>();
  return {
    stores,
    async open(name: string) {
      const store = stores.get(name) ?? new Map<string, Response>();
      stores.set(name, store);
      const key = (request: RequestInfo | URL) =>
        typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;
      const cache = {
        async match(request: RequestInfo | URL) {
          return store.get(key(request))?.clone();
        },
        async put(request: RequestInfo | URL, response: Response) {
          store.set(key(request), response.clone());
        },
        async keys() {
          return [...store.keys()].map((url) => new Request(url));
        },
        async delete(request: RequestInfo | URL) {
          return store.delete(key(request));
        },
      };
      return cache as unknown as Cache;
    },
  };
}
