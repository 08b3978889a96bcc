/**
 * Sentence embeddings from a decoder: the hidden state before the LM head, mean over tokens (default) or the
 * last token; a padded batch (no padding token) gives each text its own vector; the token-embedding space
 * has the vocabulary's words without the byte-level word-start mark.
 */
import { describe, expect, it } from 'vitest';
import { AnalogySpaces } from '../../../src/core/engine/analogy/analogy-spaces';
import { prepareModel } from '../../../src/core/engine/model/prepare-model';
import { embedTexts, lastTokenPool } from '../../../src/core/engine/model/sentence-embeddings';
import { loadModelFiles } from '../../../src/core/model/load';
import { buildTinyDecoder, type TinyDecoder } from '../../helpers/tiny-decoder';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

async function prepared(tiny: TinyDecoder) {
  const files = await loadModelFiles(
    {
      kind: 'files',
      files: {
        onnx: { name: tiny.fileName, bytes: tiny.bytes.slice().buffer as ArrayBuffer },
        tokenizer: { name: 'tokenizer.json', bytes: json(tiny.tokenizerJson) },
        tokenizerConfig: { name: 'tokenizer_config.json', bytes: json(tiny.tokenizerConfig) },
        config: { name: 'config.json', bytes: json(tiny.configJson) },
      },
    },
    { appBase: 'http://localhost/' },
  );
  return prepareModel(files, 'wasm', 1);
}

describe('decoder sentence embeddings', () => {
  it('last-token pooling takes each row’s last real position', () => {
    const hidden = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i);
    expect(Array.from(lastTokenPool(hidden, [1, 1, 0, 1, 1, 1], 2, 3, 2))).toEqual([2, 3, 10, 11]);
  });

  it('mean and last pooling: batched texts get what they get alone, and the two poolings differ', async () => {
    const model = await prepared(buildTinyDecoder({ family: 'gpt2', layout: 'merged' }));
    try {
      const texts = ['the cat sat on the mat', 'the dog', 'a king and a queen'];
      for (const pooling of ['mean', 'last'] as const) {
        const batched = await embedTexts(model, texts, { pooling, batchSize: 3 });
        expect(batched.dim).toBe(16);
        for (const [i, text] of texts.entries()) {
          const alone = await embedTexts(model, [text], { pooling });
          for (let d = 0; d < batched.dim; d++)
            expect(Math.abs(batched.embeddings[i * batched.dim + d] - alone.embeddings[d])).toBeLessThan(1e-5);
        }
      }
      const mean = await embedTexts(model, texts, { pooling: 'mean' });
      const last = await embedTexts(model, texts, { pooling: 'last' });
      expect(Array.from(mean.embeddings)).not.toEqual(Array.from(last.embeddings));
    } finally {
      await model.release();
    }
  });

  it('the token space lists words without the word-start mark (input embedding table, tied or not); contextual spaces per layer', async () => {
    for (const family of ['gpt2', 'llama'] as const) {
      const model = await prepared(buildTinyDecoder({ family }));
      try {
        const spaces = new AnalogySpaces(model, {});
        const space = spaces.token();
        expect(space.index.has('king')).toBe(true);
        expect(space.index.has('Ġking')).toBe(false);
        expect(space.index.has('▁king')).toBe(false);
        // Contextual vectors: the hidden state before the LM head, and each layer's residual stream.
        expect(spaces.layerTensors()).toHaveLength(2);
        for (const layer of [null, 1]) {
          const contextual = await spaces.contextual(['queen'], layer);
          expect(contextual.index.has('king')).toBe(true);
          expect(contextual.index.has('queen')).toBe(true);
        }
      } finally {
        await model.release();
      }
    }
  });
});
