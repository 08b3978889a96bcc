/**
 * MC-dropout attention: the memory plan (which layers fit), and tiny decoders through the engine (p = 0 is the
 * plain causal attention bit for bit; with dropout the masked cells stay exactly 0 and the upper layer spreads).
 */
import { describe, expect, it } from 'vitest';
import { mcAttentionBytesPerLayer, planMcAttentionLayers } from '../../../src/core/engine/attention/mc-attention-run';
import { normalizeGraphConfig } from '../../../src/core/engine/uncertainty/mc-sessions';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { MC_ATTENTION_MEMORY_BUDGET_BYTES } from '../../../src/core/contracts/attention';
import { buildTinyDecoder, type DecoderFamily, type DecoderLayout } from '../../helpers/tiny-decoder';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

describe('MC attention memory plan', () => {
  it('a 12 × 12 model at 512 tokens needs 1.13 GB for every layer: five layers around the chosen one are sampled', () => {
    const perLayer = mcAttentionBytesPerLayer(12, 512);
    expect(perLayer).toBe(12 * 512 * 512 * 32 + 12 * 512 * 16);
    const plan = planMcAttentionLayers(12, 12, 512, 6);
    expect(plan.allLayersBytes / 2 ** 30).toBeCloseTo(1.126, 3);
    expect(plan.layers).toEqual([4, 5, 6, 7, 8]);
    expect(plan.usedBytes).toBeLessThanOrEqual(MC_ATTENTION_MEMORY_BUDGET_BYTES);
    expect(plan.note).toMatch(/all 12 layers would need 1\.13 GB, more than the 512 MB .* only layers 5–9 are sampled/);
    expect(planMcAttentionLayers(12, 12, 512, 0).layers).toEqual([0, 1, 2, 3, 4]);
    expect(planMcAttentionLayers(12, 12, 512, 11).layers).toEqual([7, 8, 9, 10, 11]);
  });

  it('every layer at 128 tokens; a clear refusal when not even one layer fits', () => {
    const plan = planMcAttentionLayers(12, 12, 128, 3);
    expect(plan.layers).toHaveLength(12);
    expect(plan.note).toBeNull();
    expect(() => planMcAttentionLayers(2, 64, 512, 0, 64 * 2 ** 20)).toThrow(
      /one layer's MC attention statistics need .* shorten the text to at most \d+ tokens/,
    );
  });

  it('a dropout graph reads attention or a task output, not both', () => {
    expect(normalizeGraphConfig(4, ['hidden'], 'all', { attentionLayers: [3, 1, 1] }).attentionLayers).toEqual([1, 3]);
    expect(() => normalizeGraphConfig(4, ['hidden'], 'all', { attentionLayers: [1], task: 'classification' })).toThrow(
      /either a task output or attention/,
    );
  });
});

const cases: [DecoderFamily, DecoderLayout][] = [
  ['gpt2', 'merged'],
  ['llama', 'cache'],
];

describe.each(cases)('MC attention on a tiny %s decoder (%s)', (family, layout) => {
  it('p = 0 is the plain causal attention bit for bit; with dropout the masked cells stay 0 and layer 2 spreads', async () => {
    const tiny = buildTinyDecoder({ family, layout, layers: 2 });
    const engine = new PlaygroundEngine({
      appBase: 'http://localhost/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    await engine.load(
      {
        kind: 'files',
        files: {
          onnx: { name: tiny.fileName, bytes: tiny.bytes.slice().buffer as ArrayBuffer },
          tokenizer: { name: 'tokenizer.json', bytes: json(tiny.tokenizerJson) },
          tokenizerConfig: { name: 'tokenizer_config.json', bytes: json(tiny.tokenizerConfig) },
          config: { name: 'config.json', bytes: json(tiny.configJson) },
        },
      },
      { executionProvider: 'wasm' },
    );
    const prompt = 'the cat sat on the';
    const settings = {
      samples: 6,
      dropout: 0,
      sites: ['attention' as const, 'hidden' as const],
      stochasticLayers: 'all' as const,
      seed: 3,
    };
    const off = await engine.mcAttention({ text: prompt, pair: null, settings, focusLayer: 0 });
    const plain = await engine.attention(prompt, null, { hideSpecial: false, averageHeads: false, rollout: false });
    expect(off.causal).toBe(true);
    expect(Array.from(off.mean)).toEqual(Array.from(plain.probs));
    expect(Array.from(off.plain)).toEqual(Array.from(plain.probs));
    expect(off.std.every((s) => s === 0)).toBe(true);

    const on = await engine.mcAttention({
      text: prompt,
      pair: null,
      settings: { ...settings, dropout: 0.3 },
      focusLayer: 0,
    });
    const [, heads, seq] = on.shape;
    const matrix = heads * seq * seq;
    for (let row = 0; row < on.mean.length / seq; row++) {
      const i = row % seq;
      for (let j = i + 1; j < seq; j++) {
        expect(on.mean[row * seq + j]).toBe(0);
        expect(on.std[row * seq + j]).toBe(0);
      }
    }
    expect(Math.max(...on.std.subarray(0, matrix))).toBe(0);
    expect(Math.max(...on.std.subarray(matrix))).toBeGreaterThan(0);
    const again = await engine.mcAttention({
      text: prompt,
      pair: null,
      settings: { ...settings, dropout: 0.3 },
      focusLayer: 1,
    });
    expect(Array.from(again.std)).toEqual(Array.from(on.std));
  });
});
