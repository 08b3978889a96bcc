/** onnxruntime's .wasm has one owner, the app: fetched once (gzipped where the build has a copy), kept, reused. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RUNTIME_CACHE_NAME, loadRuntimeBinary } from '../../../src/core/runtime/runtime-binary';
import { createFakeCacheStorage } from '../model/fake-cache';

const WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...Array.from({ length: 500 }, (_, i) => i % 7)]);
const URL_PLAIN = 'http://app.test/assets/ort-abc.wasm';
const URL_GZ = `${URL_PLAIN}.gz`;

function host(files: Record<string, Uint8Array | string>, calls: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const body = files[url];
    if (body === undefined) return new Response('Not found', { status: 404 });
    return new Response(typeof body === 'string' ? body : body.slice());
  }) as typeof fetch;
}

describe('loadRuntimeBinary', () => {
  it('downloads the gzipped copy once, unpacks it, and reads it from the cache on the next start', async () => {
    const cacheStorage = createFakeCacheStorage();
    const calls: string[] = [];
    const fetchImpl = host({ [URL_GZ]: gzipSync(WASM), [URL_PLAIN]: WASM }, calls);
    const first = await loadRuntimeBinary(URL_PLAIN, { cacheStorage, fetchImpl, compressedUrl: URL_GZ });
    expect(Array.from(new Uint8Array(first))).toEqual(Array.from(WASM));
    const second = await loadRuntimeBinary(URL_PLAIN, { cacheStorage, fetchImpl, compressedUrl: URL_GZ });
    expect(Array.from(new Uint8Array(second))).toEqual(Array.from(WASM));
    expect(calls).toEqual([URL_GZ]);
    // The cache holds the compressed bytes: a quarter of the quota onnxruntime's binary would take.
    expect([...cacheStorage.stores.get(RUNTIME_CACHE_NAME)!.keys()]).toEqual([URL_GZ]);
  });

  it('falls back to the plain .wasm when there is no gzipped copy, or the server answers with a page instead', async () => {
    for (const gz of [undefined, '<!doctype html><title>app</title>']) {
      const calls: string[] = [];
      const files: Record<string, Uint8Array | string> = { [URL_PLAIN]: WASM };
      if (gz !== undefined) files[URL_GZ] = gz;
      const bytes = await loadRuntimeBinary(URL_PLAIN, { fetchImpl: host(files, calls), compressedUrl: URL_GZ });
      expect(Array.from(new Uint8Array(bytes))).toEqual(Array.from(WASM));
      expect(calls).toEqual([URL_GZ, URL_PLAIN]);
    }
  });

  it('takes a gzipped copy the host already unpacked (Content-Encoding: gzip)', async () => {
    const calls: string[] = [];
    const bytes = await loadRuntimeBinary(URL_PLAIN, {
      fetchImpl: host({ [URL_GZ]: WASM }, calls),
      compressedUrl: URL_GZ,
    });
    expect(Array.from(new Uint8Array(bytes))).toEqual(Array.from(WASM));
    expect(calls).toEqual([URL_GZ]);
  });

  it("removes an older build's binary once the new one is kept", async () => {
    const cacheStorage = createFakeCacheStorage();
    const old = 'http://app.test/assets/ort-old.wasm.gz';
    await (await cacheStorage.open(RUNTIME_CACHE_NAME)).put(old, new Response(gzipSync(WASM)));
    await loadRuntimeBinary(URL_PLAIN, {
      cacheStorage,
      fetchImpl: host({ [URL_GZ]: gzipSync(WASM) }, []),
      compressedUrl: URL_GZ,
    });
    expect([...cacheStorage.stores.get(RUNTIME_CACHE_NAME)!.keys()]).toEqual([URL_GZ]);
  });

  it('still returns the binary when the cache refuses to store it (quota), and fails by name when nothing arrives', async () => {
    const cacheStorage = createFakeCacheStorage();
    const full = {
      open: async (name: string) => {
        const cache = await cacheStorage.open(name);
        cache.put = async () => {
          throw new DOMException('Quota exceeded', 'QuotaExceededError');
        };
        return cache;
      },
    };
    const bytes = await loadRuntimeBinary(URL_PLAIN, {
      cacheStorage: full,
      fetchImpl: host({ [URL_PLAIN]: WASM }, []),
    });
    expect(new Uint8Array(bytes).byteLength).toBe(WASM.byteLength);
    await expect(loadRuntimeBinary(URL_PLAIN, { fetchImpl: host({}, []) })).rejects.toThrow(
      /onnxruntime's WebAssembly \(http:\/\/app\.test\/assets\/ort-abc\.wasm\) could not be fetched/,
    );
  });
});
