/**
 * An int8 dynamic-quantized model (as model_quantized.onnx ships) through the engine, in all four tools:
 * attention, MC dropout (p = 0 is the plain run bit for bit), analogies on the dequantized embedding table,
 * and the label audit on its sentence embeddings (each text embedded as it would be alone).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { embedTexts } from '../../src/core/engine/model/sentence-embeddings';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { decodeModel, encodeModel } from '../../src/core/onnx/codec';
import { loadModelFiles } from '../../src/core/model/load';
import type { LocalModelFiles, LocalFileBytes } from '../../src/core/model/sources';
import { quantizeDynamicInt8 } from '../helpers/onnx-int8-model';
import { tinyTokenizerJson } from '../helpers/onnx-tiny-tokenizer';
import { buildTinyTransformer, tinyConfigJson } from '../helpers/tiny-transformer';

const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16 });
const quantized = encodeModel(quantizeDynamicInt8(decodeModel(tiny.bytes)).model);
const files: LocalModelFiles<LocalFileBytes> = {
  onnx: { name: 'model_quantized.onnx', bytes: quantized.slice().buffer as ArrayBuffer },
  tokenizer: { name: 'tokenizer.json', bytes: json(tinyTokenizerJson()) },
  tokenizerConfig: { name: 'tokenizer_config.json', bytes: json({ do_lower_case: true, mask_token: '[MASK]' }) },
  config: { name: 'config.json', bytes: json(tinyConfigJson(tiny.config)) },
};
const display = { hideSpecial: false, averageHeads: false, rollout: false };
const mcSettings = (dropout: number) => ({
  samples: 4,
  dropout,
  sites: ['attention' as const, 'hidden' as const],
  stochasticLayers: 'all' as const,
  seed: 7,
});

describe('an int8 dynamic-quantized model through the engine', () => {
  const engine = new PlaygroundEngine({ appBase: 'http://localhost/', environment });
  let model: PreparedModel;

  beforeAll(async () => {
    await engine.load({ kind: 'files', files }, { executionProvider: 'wasm' });
    model = await prepareModel(
      await loadModelFiles({ kind: 'files', files }, { appBase: 'http://localhost/' }),
      'wasm',
      1,
    );
  });

  it('offers every tool', () => {
    for (const tool of ['attention', 'uncertainty', 'analogy', 'labels'] as const)
      expect(model.info.tools[tool].available, `${tool}: ${model.info.tools[tool].reason}`).toBe(true);
  });

  it('attention: every row of every head sums to 1', async () => {
    const view = await engine.attention('the cat sat on the mat', null, display);
    const seq = view.tokens.length;
    expect(view.probs.length).toBe(2 * 2 * seq * seq);
    for (let row = 0; row < view.probs.length / seq; row++) {
      const sum = view.probs.slice(row * seq, (row + 1) * seq).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
  });

  it('MC dropout: p = 0 gives the plain attention and prediction bit for bit; p > 0 varies', async () => {
    const text = 'the cat sat on the mat';
    const plain = await engine.attention(text, null, display);
    const off = await engine.mcAttention({ text, pair: null, settings: mcSettings(0), focusLayer: 0 });
    expect(Array.from(off.mean)).toEqual(Array.from(plain.probs));
    const request = { task: 'fill-mask' as const, text: 'the [MASK] sat on the mat', topK: 5 };
    const still = await engine.predict(request, mcSettings(0));
    for (let t = 0; t < 4; t++)
      expect(Array.from(still.samples.slice(t * 5, (t + 1) * 5))).toEqual(Array.from(still.deterministic));
    const varied = await engine.predict(request, mcSettings(0.3));
    expect(varied.summary.mutualInformation).toBeGreaterThan(0);
  });

  it('analogies: neighbours in the token space come from the dequantized table', async () => {
    const [answer] = await engine.neighbours(['token'], 'king', { k: 3, wholeWordsOnly: true, centered: false });
    expect(answer.ok, answer.error ?? '').toBe(true);
    expect(answer.neighbours).toHaveLength(3);
    expect(answer.neighbours.map((n) => n.word)).not.toContain('king');
  });

  it('label audit: runs on the sentence embeddings, and a text’s embedding does not depend on the texts batched with it', async () => {
    const texts = ['the cat sat', 'a dog ran', 'the king and the queen', 'paris is in france', 'i sat on the mat'];
    const batched = await embedTexts(model, texts, { batchSize: 5 });
    const alone = await embedTexts(model, [texts[2]], { batchSize: 1 });
    const dim = batched.embeddings.length / texts.length;
    expect(Array.from(batched.embeddings.slice(2 * dim, 3 * dim))).toEqual(Array.from(alone.embeddings));

    const rows = Array.from({ length: 20 }, (_, i) => ({
      text: `${texts[i % 5]} ${i}`,
      label: i % 5 < 2 ? 'animal' : 'place',
    }));
    const result = await engine.auditLabels(
      { texts: rows.map((r) => r.text), labels: rows.map((r) => r.label) },
      { features: 'embeddings', folds: 2, seed: 0 },
    );
    expect(result.rows).toBe(20);
    expect(result.classes).toEqual(['animal', 'place']);
  });
});
