import { describe, expect, it } from 'vitest';
import { fetchModelFile } from '../../../src/core/model/download';
import { deleteCachedModel, listCachedModels } from '../../../src/core/model/model-cache';
import { createFakeCacheStorage } from '../model/fake-cache';

describe('static vectors in the model cache', () => {
  it('are listed (and deleted) with the model folder they sit in, not as a model of their own', async () => {
    const base = 'http://host/me/m/resolve/main/';
    const files: Record<string, Uint8Array> = {
      [`${base}onnx/model.onnx`]: new Uint8Array(10),
      [`${base}static-vectors/words.txt`]: new TextEncoder().encode('a\nb\n'),
      [`${base}static-vectors/vectors.f16.bin`]: new Uint8Array(8),
    };
    const fetchImpl = (async (input: RequestInfo | URL) =>
      new Response(files[String(input)] as unknown as BodyInit)) as typeof fetch;
    const cacheStorage = createFakeCacheStorage();
    for (const [url] of Object.entries(files))
      await fetchModelFile(url, { file: url.slice(base.length), cacheStorage, fetchImpl });
    const listed = await listCachedModels(cacheStorage);
    expect(listed).toHaveLength(1);
    expect(listed[0].baseUrl).toBe(base);
    expect(listed[0].files.map((f) => f.file).sort()).toEqual([
      'onnx/model.onnx',
      'static-vectors/vectors.f16.bin',
      'static-vectors/words.txt',
    ]);
    expect(await deleteCachedModel(cacheStorage, base)).toBe(3);
  });
});
