import { describe, expect, it } from 'vitest';
import { DOWNLOAD_ATTEMPTS, fetchModelFile } from '../../../src/core/model/download';
import { loadModelFiles } from '../../../src/core/model/load';
import { CancelledError, ModelLoadError } from '../../../src/core/model/errors';
import { deleteCachedModel, listCachedModels } from '../../../src/core/model/model-cache';
import { ProgressAggregator, type ProgressEvent } from '../../../src/core/model/progress';
import { createFakeCacheStorage } from './fake-cache';

function streamingFetch(files: Record<string, Uint8Array>, calls: string[], chunk = 1000): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const bytes = files[url];
    if (!bytes) return new Response('Entry not found', { status: 404, statusText: 'Not Found' });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.slice(i, i + chunk));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
}

/** A body that delivers `upTo` bytes, then fails the way a dropped connection does. */
function breakingBody(all: Uint8Array, upTo: number): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) controller.error(new TypeError('network error: ERR_CACHE_WRITE_FAILURE'));
      else {
        controller.enqueue(all.slice(0, upTo));
        sent = true;
      }
    },
  });
}

const modelUrl = 'http://host/me/m/resolve/main/onnx/model.onnx';
const bytes = Uint8Array.from({ length: 4500 }, (_, i) => i % 251);

describe('fetchModelFile', () => {
  it('streams with initiate → progress → done events and returns the exact bytes', async () => {
    const events: ProgressEvent[] = [];
    const result = await fetchModelFile(modelUrl, {
      file: 'onnx/model.onnx',
      onProgress: (e) => events.push(e),
      fetchImpl: streamingFetch({ [modelUrl]: bytes }, []),
    });
    expect(Array.from(result!)).toEqual(Array.from(bytes));
    expect(events[0].status).toBe('initiate');
    expect(events.filter((e) => e.status === 'progress').map((e) => e.loaded)).toEqual([1000, 2000, 3000, 4000, 4500]);
    expect(events.at(-1)).toEqual({ status: 'done', file: 'onnx/model.onnx', loaded: 4500, total: 4500 });
  });

  it('stores the download in the cache and serves the second load from it', async () => {
    const cacheStorage = createFakeCacheStorage();
    const calls: string[] = [];
    const fetchImpl = streamingFetch({ [modelUrl]: bytes }, calls);
    await fetchModelFile(modelUrl, { file: 'onnx/model.onnx', cacheStorage, fetchImpl });
    const events: ProgressEvent[] = [];
    const again = await fetchModelFile(modelUrl, {
      file: 'onnx/model.onnx',
      cacheStorage,
      fetchImpl,
      onProgress: (e) => events.push(e),
    });
    expect(calls).toHaveLength(1);
    expect(events.map((e) => e.status)).toEqual(['cached']);
    expect(Array.from(again!)).toEqual(Array.from(bytes));

    const listed = await listCachedModels(cacheStorage);
    expect(listed).toHaveLength(1);
    expect(listed[0].baseUrl).toBe('http://host/me/m/resolve/main/');
    expect(listed[0].bytes).toBe(4500);
    expect(await deleteCachedModel(cacheStorage, listed[0].baseUrl)).toBe(1);
    expect(await listCachedModels(cacheStorage)).toEqual([]);
  });

  it('says which file was missing on a 404, and returns null for optional files', async () => {
    const fetchImpl = streamingFetch({}, []);
    await expect(fetchModelFile(modelUrl, { file: 'onnx/model.onnx', fetchImpl })).rejects.toThrow(
      /onnx\/model\.onnx was not found on host \(404\)/,
    );
    expect(await fetchModelFile(modelUrl, { file: 'config.json', fetchImpl, optional: true })).toBeNull();
  });

  it('explains an unreachable host', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const error = await fetchModelFile(modelUrl, { file: 'onnx/model.onnx', fetchImpl }).catch((e) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toMatch(/Could not reach host/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const promise = fetchModelFile(modelUrl, {
      file: 'onnx/model.onnx',
      fetchImpl: streamingFetch({ [modelUrl]: bytes }, []),
      signal: controller.signal,
      onProgress: (e) => {
        if (e.status === 'progress') controller.abort();
      },
    });
    await expect(promise).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects a download that keeps ending early, after trying again', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return new Response(bytes.slice(0, 100), { headers: { 'content-length': '4500' } });
    }) as typeof fetch;
    await expect(fetchModelFile(modelUrl, { file: 'onnx/model.onnx', fetchImpl })).rejects.toThrow(
      /incomplete: 100 of 4500 bytes/,
    );
    expect(calls).toBe(DOWNLOAD_ATTEMPTS);
  });

  it('resumes a download that broke off with a Range request, and the bytes come out whole', async () => {
    const requests: (string | null)[] = [];
    const events: ProgressEvent[] = [];
    const fetchImpl = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      const range = new Headers(init?.headers).get('range');
      requests.push(range);
      expect(init?.cache).toBe('no-store');
      if (range === null)
        return new Response(breakingBody(bytes, 2000), {
          headers: { 'content-length': '4500', 'accept-ranges': 'bytes' },
        });
      const from = Number(/bytes=(\d+)-/.exec(range)![1]);
      const rest = bytes.slice(from);
      return new Response(rest, {
        status: 206,
        headers: { 'content-length': String(rest.length), 'content-range': `bytes ${from}-4499/4500` },
      });
    }) as typeof fetch;
    const result = await fetchModelFile(modelUrl, {
      file: 'onnx/model.onnx',
      fetchImpl,
      onProgress: (e) => events.push(e),
    });
    expect(requests).toEqual([null, 'bytes=2000-']);
    expect(Array.from(result!)).toEqual(Array.from(bytes));
    expect(events.at(-1)).toEqual({ status: 'done', file: 'onnx/model.onnx', loaded: 4500, total: 4500 });
    expect(events.filter((e) => e.status === 'progress').every((e) => e.total === 4500)).toBe(true);
  });

  it('starts over when the host ignores the Range request', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      const body = calls === 1 ? breakingBody(bytes, 3000) : bytes.slice();
      return new Response(body, { headers: { 'content-length': '4500' } });
    }) as typeof fetch;
    const result = await fetchModelFile(modelUrl, { file: 'onnx/model.onnx', fetchImpl });
    expect(calls).toBe(2);
    expect(Array.from(result!)).toEqual(Array.from(bytes));
  });

  it('gives up with a clear message when every attempt breaks off', async () => {
    const fetchImpl = (async () =>
      new Response(breakingBody(bytes, 1000), { headers: { 'content-length': '4500' } })) as typeof fetch;
    const error = await fetchModelFile(modelUrl, { file: 'onnx/model.onnx', fetchImpl }).catch((e) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toBe('The download of onnx/model.onnx broke off after 1000 bytes.');
  });
});

describe('ProgressAggregator', () => {
  it('adds files into one overall fraction', () => {
    const seen: (number | null)[] = [];
    const aggregate = new ProgressAggregator((o) => seen.push(o.fraction));
    aggregate.handle({ status: 'initiate', file: 'a', loaded: 0, total: null });
    aggregate.handle({ status: 'progress', file: 'a', loaded: 50, total: 100 });
    aggregate.handle({ status: 'cached', file: 'b', loaded: 300, total: 300 });
    aggregate.handle({ status: 'done', file: 'a', loaded: 100, total: 100 });
    expect(seen).toEqual([null, 0.5, 350 / 400, 1]);
  });
});

describe('a missing model file says what to check in the terms of its source', () => {
  const notFound = (async () => new Response('Not found', { status: 404, statusText: 'Not Found' })) as typeof fetch;
  const failure = (source: Parameters<typeof loadModelFiles>[0]) =>
    loadModelFiles(source, { appBase: 'http://app.test/', fetchImpl: notFound }).catch((error: Error) => error);

  it('a plain address asks for the model folder, not for a repo id and revision', async () => {
    const error = await failure({ kind: 'url', url: 'https://models.example.org/gone/' });
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toBe(
      'tokenizer.json was not found on models.example.org (404). Check the address: it should be the model folder that holds config.json, tokenizer.json and onnx/model.onnx.',
    );
  });

  it('a Hugging Face repo asks about the repo id, revision and host', async () => {
    const error = await failure({ kind: 'hub', repo: 'owner/missing', host: 'https://hub.example.org' });
    expect((error as Error).message).toBe(
      'tokenizer.json was not found on hub.example.org (404). Check the repo id, revision and host.',
    );
  });
});
