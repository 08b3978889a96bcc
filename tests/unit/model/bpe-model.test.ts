/**
 * A model whose tokenizer.json is byte-level BPE (GPT-2 / RoBERTa layout: <s> … </s>, Ġ-prefixed pieces, <mask>)
 * loads through the same engine as a WordPiece one, and the tools run on its tokens: attention over the BPE pieces,
 * and fill-mask with MC dropout at the tokenizer's own mask token.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { tinyBpeTokenizerJson } from '../../helpers/onnx-tiny-tokenizer';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

describe('a transformer with a byte-level BPE tokenizer', () => {
  const engine = new PlaygroundEngine({
    appBase: 'http://localhost/',
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  });
  const tiny = buildTinyTransformer({ layers: 2, heads: 2 });

  it('loads, shows attention over its BPE pieces and fills its <mask>', async () => {
    const info = await engine.load(
      {
        kind: 'files',
        files: {
          onnx: { name: 'model.onnx', bytes: buffer(tiny.bytes) },
          tokenizer: { name: 'tokenizer.json', bytes: json(tinyBpeTokenizerJson()) },
        },
      },
      { executionProvider: 'wasm' },
    );
    expect(info.tools.attention.available).toBe(true);

    const view = await engine.attention('the cat sat', null, {
      hideSpecial: false,
      averageHeads: false,
      rollout: false,
    });
    expect(view.ids).toEqual(engine.tokenize('the cat sat', null).ids);
    expect(view.special).toEqual([true, false, false, false, true]);
    const [layers, heads, seq] = view.shape;
    expect([layers, heads, seq]).toEqual([2, 2, 5]);
    for (let row = 0; row < layers * heads * seq; row++) {
      const sum = view.probs.subarray(row * seq, (row + 1) * seq).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
    }

    const settings = {
      samples: 4,
      dropout: 0.1,
      sites: ['attention', 'hidden'] as const,
      stochasticLayers: 'all' as const,
      seed: 7,
    };
    const filled = await engine.predict(
      { task: 'fill-mask', text: 'the <mask> sat', topK: 3 },
      { ...settings, sites: [...settings.sites] },
    );
    const masked = engine.tokenize('the <mask> sat', null);
    expect(masked.tokens).toEqual(['<s>', 'the', '<mask>', '␣sat', '</s>']);
    expect(filled.maskPosition).toBe(2);
    expect(filled.labels.length).toBe(3);
    expect(filled.samples.length).toBe(4 * 3);
  });
});
