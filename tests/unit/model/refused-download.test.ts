/** A downloaded model that is refused does not stay in "Cached models"; an interrupted one keeps its files (it resumes) unlisted. */
import { describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { MODEL_CACHE_NAME, listCachedModels } from '../../../src/core/model/model-cache';
import { TINY_VOCAB, tinyTokenizerJson } from '../../helpers/onnx-tiny-tokenizer';
import { tinyModelFiles } from '../../e2e/tiny-model-files';
import { createFakeCacheStorage } from './fake-cache';

const BASE = 'https://models.example.org/tiny/';

function engineServing(files: Record<string, Uint8Array | string>, failOnnx = false) {
  const cacheStorage = createFakeCacheStorage();
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const path = String(input).slice(BASE.length);
    if (failOnnx && path === 'onnx/model.onnx') throw new TypeError('Failed to fetch');
    const body = files[path];
    if (body === undefined) return new Response('Not found', { status: 404, statusText: 'Not Found' });
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength) } });
  }) as typeof fetch;
  const engine = new PlaygroundEngine({
    appBase: 'http://app.test/',
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    cacheStorage,
    fetchImpl,
  });
  return { engine, cacheStorage };
}

const biggerTokenizer = () => {
  const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
  const vocab = { ...json.model.vocab, extra: TINY_VOCAB.length };
  return JSON.stringify({ ...json, model: { ...json.model, vocab } });
};

describe('Cached models after a failed download', () => {
  it('a model refused for a mismatched tokenizer leaves nothing in the list', async () => {
    const { engine, cacheStorage } = engineServing({ ...tinyModelFiles(), 'tokenizer.json': biggerTokenizer() });
    await expect(engine.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' })).rejects.toThrow(
      /^The tokenizer does not match the model/,
    );
    expect(await listCachedModels(cacheStorage)).toEqual([]);
  });

  it('a folder without a model (404) leaves nothing in the list', async () => {
    const tiny = tinyModelFiles();
    const { engine, cacheStorage } = engineServing({
      'config.json': tiny['config.json'],
      'tokenizer.json': tiny['tokenizer.json'],
    });
    await expect(engine.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' })).rejects.toThrow(
      /^No ONNX model was found/,
    );
    expect(await listCachedModels(cacheStorage)).toEqual([]);
  });

  it('a connection that breaks keeps the files that arrived, for the next try, but lists no model without its .onnx', async () => {
    const { engine, cacheStorage } = engineServing(tinyModelFiles(), true);
    await expect(engine.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' })).rejects.toThrow(
      /Could not reach models\.example\.org/,
    );
    const kept = [...cacheStorage.stores.get(MODEL_CACHE_NAME)!.keys()].map((url) => url.slice(BASE.length));
    expect(kept.sort()).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(await listCachedModels(cacheStorage)).toEqual([]);
  });
});
