/**
 * A model that the browser's storage quota cannot hold runs, but is not half-kept: nothing of it stays in
 * Cache Storage, "Cached models" does not list it, and the page is told why. Built-in models are kept whole
 * or not at all.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { BUILTIN_MODEL_CACHE_NAME, MODEL_CACHE_NAME, listCachedModels } from '../../../src/core/model/model-cache';
import { keepBuiltinModel } from '../../../src/core/model/keep-builtin';
import { fitsIn, storageRoom, STORAGE_MARGIN_BYTES } from '../../../src/core/model/storage-room';
import { tinyModelFiles } from '../../e2e/tiny-model-files';
import { createFakeCacheStorage } from './fake-cache';

const BASE = 'https://models.example.org/tiny/';
const APP = 'http://app.test/';

const quota = (quotaBytes: number, usage = 0) => ({ estimate: async () => ({ usage, quota: quotaBytes }) });

function serving(base: string, files: Record<string, Uint8Array>, calls: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const body = url.startsWith(base) ? files[url.slice(base.length)] : undefined;
    if (body === undefined) return new Response('Not found', { status: 404, statusText: 'Not Found' });
    return new Response(body.slice(), { headers: { 'content-length': String(body.byteLength) } });
  }) as typeof fetch;
}

/** A cache whose writes fail once `limit` files are in it, as a full quota makes cache.put fail. */
function cacheRefusingAfter(limit: number) {
  const inner = createFakeCacheStorage();
  return {
    stores: inner.stores,
    open: async (name: string) => {
      const cache = await inner.open(name);
      const put = cache.put.bind(cache);
      cache.put = async (request, response) => {
        if (inner.stores.get(name)!.size >= limit) throw new DOMException('Quota exceeded', 'QuotaExceededError');
        return put(request, response);
      };
      return cache;
    },
  };
}

function engine(options: {
  storage?: ReturnType<typeof quota>;
  cacheStorage?: ReturnType<typeof createFakeCacheStorage>;
}) {
  const cacheStorage = options.cacheStorage ?? createFakeCacheStorage();
  const engine = new PlaygroundEngine({
    appBase: APP,
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    cacheStorage,
    fetchImpl: serving(BASE, tinyModelFiles()),
    storage: options.storage,
  });
  return { engine, cacheStorage };
}

describe('storage room', () => {
  it('is quota minus usage, unknown where the browser gives no estimate, and keeps a margin', async () => {
    expect(await storageRoom(quota(10e6, 4e6))).toBe(6e6);
    expect(await storageRoom(undefined)).toBeNull();
    expect(await storageRoom({ estimate: async () => ({}) })).toBeNull();
    expect(await storageRoom({ estimate: () => Promise.reject(new Error('no')) })).toBeNull();
    expect(fitsIn(1000, null)).toBe(true);
    expect(fitsIn(1000, 1000 + STORAGE_MARGIN_BYTES)).toBe(true);
    expect(fitsIn(1001, 1000 + STORAGE_MARGIN_BYTES)).toBe(false);
  });
});

describe('a downloaded model and the storage quota', () => {
  it('with room, is kept and listed, and nothing is said', async () => {
    const { engine: e, cacheStorage } = engine({ storage: quota(1e9) });
    const info = await e.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' });
    expect(info.notKeptOffline ?? null).toBeNull();
    expect((await listCachedModels(cacheStorage)).map((m) => m.baseUrl)).toEqual([BASE]);
  });

  it('without room, runs, keeps none of its files, is not listed, and says why in numbers', async () => {
    const { engine: e, cacheStorage } = engine({ storage: quota(500_000, 100_000) });
    const info = await e.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' });
    expect(info.layers).toBeGreaterThan(0);
    expect(info.notKeptOffline).toMatch(
      /^https:\/\/models\.example\.org\/tiny\/ is loaded and works now, but it cannot be kept for offline use: it needs 0\.\d MB and the browser leaves this site 0\.4 MB of storage \(a private window allows little\)\./,
    );
    expect(await listCachedModels(cacheStorage)).toEqual([]);
    expect(cacheStorage.stores.get(MODEL_CACHE_NAME)?.size ?? 0).toBe(0);
  });

  it('when the browser refuses a write part-way, removes the files already kept and says so', async () => {
    const cacheStorage = cacheRefusingAfter(2);
    const { engine: e } = engine({ cacheStorage });
    const info = await e.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' });
    expect(info.notKeptOffline).toMatch(
      /cannot be kept for offline use: the browser refused to store onnx\/model\.onnx/,
    );
    expect(cacheStorage.stores.get(MODEL_CACHE_NAME)?.size ?? 0).toBe(0);
  });

  it('"Cached models" never lists a folder without its .onnx (a download that was not kept whole)', async () => {
    const cacheStorage = createFakeCacheStorage();
    const cache = await cacheStorage.open(MODEL_CACHE_NAME);
    await cache.put(`${BASE}tokenizer.json`, new Response('x'.repeat(152_000)));
    expect(await listCachedModels(cacheStorage)).toEqual([]);
    await cache.put(`${BASE}onnx/model.onnx`, new Response('onnx'));
    expect((await listCachedModels(cacheStorage)).map((m) => m.bytes)).toEqual([152_004]);
  });
});

describe('keepBuiltinModel', () => {
  const builtinBase = `${APP}models/second/`;
  const files = tinyModelFiles();
  const manifest = [
    ...Object.entries(files).map(([file, bytes]) => ({ file, bytes: bytes.byteLength })),
    { file: 'static-vectors/vectors.f16.bin', bytes: 5_000_000 },
  ];

  it('downloads the files the app keeps itself (not the precached static vectors) once', async () => {
    const cacheStorage = createFakeCacheStorage();
    const calls: string[] = [];
    const options = { appBase: APP, cacheStorage, fetchImpl: serving(builtinBase, files, calls), storage: quota(1e9) };
    expect(await keepBuiltinModel('second', manifest, options)).toEqual({
      status: 'kept',
      downloadedBytes: Object.values(files).reduce((sum, b) => sum + b.byteLength, 0),
    });
    expect(calls.map((url) => url.slice(builtinBase.length)).sort()).toEqual(Object.keys(files).sort());
    expect(await keepBuiltinModel('second', manifest, options)).toEqual({ status: 'kept', downloadedBytes: 0 });
    expect(calls).toHaveLength(Object.keys(files).length);
  });

  it('without room downloads nothing and says how much it needed', async () => {
    const calls: string[] = [];
    const kept = await keepBuiltinModel('second', manifest, {
      appBase: APP,
      cacheStorage: createFakeCacheStorage(),
      fetchImpl: serving(builtinBase, files, calls),
      storage: quota(300_000),
    });
    expect(kept).toEqual({
      status: 'not-kept',
      reason: expect.stringMatching(/^it needs 0\.\d MB and the browser leaves this site 0\.3 MB of storage$/),
    });
    expect(calls).toEqual([]);
  });

  // models/index.json lists files alphabetically, so onnx/model.onnx comes before tokenizer.json.
  const asIndexed = [...manifest].sort((a, b) => a.file.localeCompare(b.file));

  it('keeps the .onnx last: once it is in the built-in cache, every other file is too', async () => {
    const calls: string[] = [];
    const kept = await keepBuiltinModel('second', asIndexed, {
      appBase: APP,
      cacheStorage: createFakeCacheStorage(),
      fetchImpl: serving(builtinBase, files, calls),
    });
    expect(kept.status).toBe('kept');
    expect(calls.at(-1)).toBe(`${builtinBase}onnx/model.onnx`);
  });

  it('a connection lost part-way (the page went offline while idle) leaves nothing kept and says why', async () => {
    const cacheStorage = createFakeCacheStorage();
    const online = serving(builtinBase, files);
    const offlineFrom = 'tokenizer.json';
    let offline = false;
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      offline ||= String(input).endsWith(offlineFrom);
      if (offline) throw new TypeError('Failed to fetch');
      return online(input, init);
    }) as typeof fetch;
    const kept = await keepBuiltinModel('second', asIndexed, { appBase: APP, cacheStorage, fetchImpl });
    expect(kept).toEqual({
      status: 'not-kept',
      reason: expect.stringMatching(/^Could not reach app\.test to download tokenizer\.json\./),
    });
    expect([...(cacheStorage.stores.get(BUILTIN_MODEL_CACHE_NAME)?.keys() ?? [])]).toEqual([]);
  });

  it('a write refused part-way leaves nothing of the model in the built-in cache', async () => {
    const cacheStorage = cacheRefusingAfter(1);
    const kept = await keepBuiltinModel('second', manifest, {
      appBase: APP,
      cacheStorage,
      fetchImpl: serving(builtinBase, files, []),
    });
    expect(kept.status).toBe('not-kept');
    expect(cacheStorage.stores.get(BUILTIN_MODEL_CACHE_NAME)?.size).toBe(0);
  });
});
