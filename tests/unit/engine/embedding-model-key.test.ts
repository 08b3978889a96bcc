/**
 * The sentence-embedding cache is keyed by the model's content, not its name or size: a retrained
 * model with the same architecture has the same name and byte size, and must not be handed the
 * embeddings its predecessor computed.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEmbeddingCache } from '../../../src/core/engine/model/embedding-cache';
import { prepareModel, type PreparedModel } from '../../../src/core/engine/model/prepare-model';
import { embedTexts, embeddingModelKey } from '../../../src/core/engine/model/sentence-embeddings';
import { loadModelFiles } from '../../../src/core/model/load';
import { tinyModelFiles } from '../../e2e/tiny-model-files';

const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;
const TEXTS = ['the cat sat on the mat', 'a dog ran'];

/** The tiny model as the same local file name, built from `seed`. */
async function tinyModel(seed: number, tokenizer?: Uint8Array): Promise<PreparedModel> {
  const files = tinyModelFiles({ seed });
  const loaded = await loadModelFiles(
    {
      kind: 'files',
      files: {
        onnx: { name: 'model.onnx', bytes: buffer(files['onnx/model.onnx']) },
        tokenizer: { name: 'tokenizer.json', bytes: buffer(tokenizer ?? files['tokenizer.json']) },
      },
    },
    { appBase: 'http://localhost/' },
  );
  return prepareModel(loaded, 'wasm', 1);
}

describe('embedding cache key', () => {
  it('differs for two models of the same name and size whose weights differ, so the second computes its own embeddings', async () => {
    const original = await tinyModel(1);
    const retrained = await tinyModel(2);
    expect(retrained.info.label).toBe(original.info.label);
    expect(retrained.info.sizeBytes).toBe(original.info.sizeBytes);
    expect(retrained.info.contentDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(retrained.info.contentDigest).not.toBe(original.info.contentDigest);
    expect(embeddingModelKey(retrained)).not.toBe(embeddingModelKey(original));

    const cache = new MemoryEmbeddingCache();
    const first = await embedTexts(original, TEXTS, { cache });
    expect(first.computedTexts).toBe(2);
    const second = await embedTexts(retrained, TEXTS, { cache });
    expect(second.cachedTexts).toBe(0);
    expect(second.computedTexts).toBe(2);
    expect(Array.from(second.embeddings)).not.toEqual(Array.from(first.embeddings));
    await Promise.all([original.release(), retrained.release()]);
  });

  it('is the same for the same bytes loaded again (the cache is used), and differs when only tokenizer.json changes', async () => {
    const first = await tinyModel(1);
    const again = await tinyModel(1);
    expect(embeddingModelKey(again)).toBe(embeddingModelKey(first));
    const cache = new MemoryEmbeddingCache();
    await embedTexts(first, TEXTS, { cache });
    const rerun = await embedTexts(again, TEXTS, { cache });
    expect(rerun.cachedTexts).toBe(2);
    expect(rerun.computedTexts).toBe(0);

    // The same vocabulary in a tokenizer.json written differently: the model is the same, the files are not.
    const tokenizerJson = JSON.parse(new TextDecoder().decode(tinyModelFiles()['tokenizer.json'])) as Record<
      string,
      unknown
    >;
    const otherTokenizer = await tinyModel(
      1,
      new TextEncoder().encode(JSON.stringify({ ...tokenizerJson, added_tokens: [] })),
    );
    expect(embeddingModelKey(otherTokenizer)).not.toBe(embeddingModelKey(first));
    await Promise.all([first.release(), again.release(), otherTokenizer.release()]);
  });
});
