/** Per-sample noise of the MC-dropout runs: chunk-independent, seed-determined, exact zeros at p = 0. */
import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../../src/core/engine/uncertainty/mc-dropout-run';
import {
  DEFAULT_CHUNK_ROWS,
  noiseFeeds,
  rowsPerRun,
  sampleSeed,
} from '../../../src/core/engine/uncertainty/mc-sampling';
import { graphConfigKey, normalizeGraphConfig } from '../../../src/core/engine/uncertainty/mc-sessions';
import { makeDropoutFeeds, type McDropoutPlan } from '../../../src/core/onnx';
import { createRng } from '../../../src/core/random';

const plan: McDropoutPlan = {
  sites: [
    {
      kind: 'attention',
      layer: 1,
      noiseInput: 'mc_noise_layer1_attention_probs',
      tensor: 'a',
      droppedTensor: 'a2',
      noiseShape: ['rows', 2, 'seq', 'seq'],
    },
    {
      kind: 'hidden',
      layer: 1,
      noiseInput: 'mc_noise_layer1_ffn_output',
      tensor: 'h',
      droppedTensor: 'h2',
      noiseShape: ['rows', 'seq', 4],
    },
  ],
  dropoutInput: 'dropout_p',
  layers: 2,
  stochasticLayers: [1],
  tiledPrefix: true,
  tiledTensors: [],
};
const settings = { dropout: 0.25, seed: 42 };

describe('MC-dropout noise', () => {
  it('has the plan shapes with T rows and the dropout_p feed', () => {
    const feeds = noiseFeeds(plan, 3, 0, 5, settings);
    expect(feeds.dropout_p.dims).toEqual([1]);
    expect(Array.from(feeds.dropout_p.data as Float32Array)).toEqual([0.25]);
    expect(feeds.mc_noise_layer1_attention_probs.dims).toEqual([5, 2, 3, 3]);
    expect(feeds.mc_noise_layer1_ffn_output.dims).toEqual([5, 3, 4]);
  });

  it("draws each sample's noise as makeDropoutFeeds does for one row from that sample's seed", () => {
    const feeds = noiseFeeds(plan, 3, 4, 3, settings, 2);
    for (let r = 0; r < 3; r++) {
      const one = makeDropoutFeeds(plan, { rows: 1, seq: 3 }, createRng(sampleSeed(42, 4 + r, 2)), 0.25);
      for (const [name, perRow] of [
        ['mc_noise_layer1_attention_probs', 18],
        ['mc_noise_layer1_ffn_output', 12],
      ] as const) {
        const rows = (feeds[name].data as Float32Array).subarray(r * perRow, (r + 1) * perRow);
        expect(Array.from(rows)).toEqual(Array.from(one[name].data as Float32Array));
      }
    }
  });

  it('gives sample t the same noise whatever the chunking', () => {
    const whole = noiseFeeds(plan, 3, 0, 7, settings);
    for (const name of ['mc_noise_layer1_attention_probs', 'mc_noise_layer1_ffn_output']) {
      const parts = [
        noiseFeeds(plan, 3, 0, 2, settings),
        noiseFeeds(plan, 3, 2, 4, settings),
        noiseFeeds(plan, 3, 6, 1, settings),
      ];
      const joined = parts.flatMap((feeds) => Array.from(feeds[name].data as Float32Array));
      expect(joined).toEqual(Array.from(whole[name].data as Float32Array));
    }
  });

  it('same seed, same noise; another seed or another batch input, other noise; zeros at p = 0', () => {
    const data = (feeds: ReturnType<typeof noiseFeeds>) =>
      Array.from(feeds.mc_noise_layer1_ffn_output.data as Float32Array);
    expect(data(noiseFeeds(plan, 3, 0, 4, settings))).toEqual(data(noiseFeeds(plan, 3, 0, 4, settings)));
    expect(data(noiseFeeds(plan, 3, 0, 4, { ...settings, seed: 43 }))).not.toEqual(
      data(noiseFeeds(plan, 3, 0, 4, settings)),
    );
    expect(data(noiseFeeds(plan, 3, 0, 4, settings, 1))).not.toEqual(data(noiseFeeds(plan, 3, 0, 4, settings, 0)));
    expect(data(noiseFeeds(plan, 3, 0, 4, { ...settings, dropout: 0 })).every((u) => u === 0)).toBe(true);
    const values = data(noiseFeeds(plan, 3, 0, 64, settings));
    expect(values.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('derives distinct 32-bit seeds per (seed, sample, input)', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 4; seed++)
      for (let t = 0; t < 256; t++) for (let n = 0; n < 4; n++) seen.add(sampleSeed(seed, t, n));
    expect(seen.size).toBe(4 * 256 * 4);
    for (const value of seen) expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
  });

  it('validates the settings with plain messages', () => {
    const ok = { samples: 16, dropout: 0.1, sites: ['attention' as const], stochasticLayers: 'all' as const, seed: 1 };
    expect(validateSettings(ok, 4)).toBe(ok);
    expect(() => validateSettings({ ...ok, samples: 0 }, 4)).toThrow(/1 to 256/);
    expect(() => validateSettings({ ...ok, samples: 257 }, 4)).toThrow(/1 to 256/);
    expect(() => validateSettings({ ...ok, dropout: 1 }, 4)).toThrow(/between 0 and/);
    expect(() => validateSettings({ ...ok, seed: -1 }, 4)).toThrow(/seed/);
    expect(() => validateSettings({ ...ok, sites: [] }, 4)).toThrow(/site/);
    expect(() => validateSettings({ ...ok, stochasticLayers: { lastK: 5 } }, 4)).toThrow(/1 to 4/);
  });

  it('normalises the surgery configuration: tiling only when a prefix is left', () => {
    expect(normalizeGraphConfig(4, ['hidden', 'attention', 'hidden'], 'all')).toEqual({
      sites: ['attention', 'hidden'],
      lastK: 4,
      tiled: false,
      task: null,
    });
    expect(normalizeGraphConfig(4, ['hidden'], { lastK: 1 }, { task: 'classification' })).toEqual({
      sites: ['hidden'],
      lastK: 1,
      tiled: true,
      task: 'classification',
    });
    expect(normalizeGraphConfig(4, ['hidden'], { lastK: 1 }, { allowTiling: false }).tiled).toBe(false);
    expect(normalizeGraphConfig(4, ['hidden'], { lastK: 4 }).tiled).toBe(false);
    expect(graphConfigKey(normalizeGraphConfig(4, ['hidden'], { lastK: 4 }))).toBe(
      graphConfigKey(normalizeGraphConfig(4, ['hidden'], 'all')),
    );
    // A session pruned for one task cannot serve the other.
    expect(graphConfigKey(normalizeGraphConfig(4, ['hidden'], 'all', { task: 'fill-mask' }))).not.toBe(
      graphConfigKey(normalizeGraphConfig(4, ['hidden'], 'all', { task: 'classification' })),
    );
  });

  it('puts the dropout-off row first with p = 0 and zero noise, the samples after it unchanged', () => {
    const folded = noiseFeeds(plan, 3, 0, 4, settings, 0, true);
    expect(folded.dropout_p.dims).toEqual([5]);
    expect(Array.from(folded.dropout_p.data as Float32Array)).toEqual([0, 0.25, 0.25, 0.25, 0.25]);
    const plain = noiseFeeds(plan, 3, 0, 4, settings);
    for (const name of ['mc_noise_layer1_attention_probs', 'mc_noise_layer1_ffn_output']) {
      const perRow = (plain[name].data as Float32Array).length / 4;
      expect(folded[name].dims[0]).toBe(5);
      const data = Array.from(folded[name].data as Float32Array);
      expect(data.slice(0, perRow).every((u) => u === 0)).toBe(true);
      expect(data.slice(perRow)).toEqual(Array.from(plain[name].data as Float32Array));
    }
  });

  it('sizes runs from the model dims: tiled takes every row of T ≤ 256 at sentence lengths, untiled at most 32', () => {
    const bertMini = { layers: 4, heads: 4, hiddenSize: 128 };
    const tiled = { tiledPrefix: true, stochasticLayers: [3], layers: 4 };
    const untiled = { tiledPrefix: false, stochasticLayers: [0, 1, 2, 3], layers: 4 };
    for (const seq of [8, 32, 64]) expect(rowsPerRun(bertMini, tiled, seq, 8000)).toBeGreaterThanOrEqual(257);
    expect(rowsPerRun(bertMini, untiled, 32, 8000)).toBe(DEFAULT_CHUNK_ROWS);
    // Longer inputs and more stochastic layers take fewer rows per run, never fewer than one.
    expect(rowsPerRun(bertMini, tiled, 128, 8000)).toBeLessThan(rowsPerRun(bertMini, tiled, 64, 8000));
    expect(rowsPerRun(bertMini, { ...tiled, stochasticLayers: [1, 2, 3] }, 64, 8000)).toBeLessThan(
      rowsPerRun(bertMini, tiled, 64, 8000),
    );
    expect(
      rowsPerRun(
        { layers: 48, heads: 64, hiddenSize: 8192 },
        { tiledPrefix: true, stochasticLayers: [47], layers: 48 },
        4096,
        250_000,
      ),
    ).toBe(1);
  });
});
