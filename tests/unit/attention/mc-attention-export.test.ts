import { describe, expect, it } from 'vitest';
import type { McAttentionViewWithSource } from '../../../src/state/attention-store.svelte';
import {
  HEAD_STABILITY_COLUMNS,
  headMatrixJson,
  headMatrixRows,
  headStabilityRows,
  MAX_JSON_WEIGHTS,
  mcAttentionJson,
} from '../../../src/ui/attention/mc-attention-export';

/** Layers 3 and 4 of a model (a memory window), 2 heads, 2 tokens; every number distinct so misplaced ones show. */
function mcResult(): McAttentionViewWithSource {
  const size = 2 * 2 * 2 * 2;
  return {
    tokens: ['[CLS]', 'cat'],
    special: [true, false],
    continuation: [false, false],
    layers: [2, 3],
    shape: [2, 2, 2, 2],
    mean: Float32Array.from({ length: size }, (_, i) => i / 100),
    std: Float32Array.from({ length: size }, (_, i) => i / 1000),
    plain: Float32Array.from({ length: size }, (_, i) => i / 10),
    heads: [2, 3].flatMap((layer) =>
      [0, 1].map((head) => ({
        layer,
        head,
        meanJsDivergence: layer + head / 10,
        entropySpread: 0.5,
        meanEntropy: 0.6,
        meanStd: 0.01,
        maxStd: 0.02,
      })),
    ),
    settings: { samples: 8, dropout: 0.1, sites: ['attention', 'hidden'], stochasticLayers: 'all', seed: 3 },
    causal: false,
    memory: { allLayersBytes: 1, usedBytes: 1, budgetBytes: 2 },
    run: { mode: 'batched', stochasticLayers: [0, 1, 2, 3], graphRuns: 1, chunkRows: 8, milliseconds: 5 },
    notes: [],
    untruncatedLength: 2,
    maxPositions: 128,
    producedBy: { model: 'tests/tiny-bert', executionProvider: 'wasm', generation: 2 },
    requestKey: 'k',
  };
}

describe('MC attention export', () => {
  it('per-head stability rows carry the model’s 1-based layer and head', () => {
    const rows = headStabilityRows(mcResult());
    expect(rows[0]).toHaveLength(HEAD_STABILITY_COLUMNS.length);
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      [3, 1, 2],
      [3, 2, 2.1],
      [4, 1, 3],
      [4, 2, 3.1],
    ]);
  });

  it('one head’s rows read mean, std and dropout off from the sampled layer’s slot; an unsampled layer has none', () => {
    const rows = headMatrixRows(mcResult(), 3, 1);
    // Layer 4 is the second sampled layer: head 2 starts at ((1·2 + 1)·2)·2 = 12.
    expect(rows[0]).toEqual([
      4,
      2,
      0,
      '[CLS]',
      0,
      '[CLS]',
      expect.closeTo(0.12, 6),
      expect.closeTo(0.012, 6),
      expect.closeTo(1.2, 6),
    ]);
    expect(rows).toHaveLength(4);
    expect(headMatrixRows(mcResult(), 0, 0)).toEqual([]);
  });

  it('JSON names the model, provider and settings, and holds the matrices', () => {
    const one = JSON.parse(headMatrixJson(mcResult(), 2, 0, { text: 'cat', pair: null }));
    expect(one).toMatchObject({ model: 'tests/tiny-bert', executionProvider: 'wasm', layer: 3, head: 1, samples: 8 });
    expect(one.mean).toEqual([
      [0, expect.closeTo(0.01, 6)],
      [expect.closeTo(0.02, 6), expect.closeTo(0.03, 6)],
    ]);
    const all = JSON.parse(mcAttentionJson(mcResult(), { text: 'cat', pair: null }));
    expect(all.layers).toEqual([3, 4]);
    expect(all.mean).toHaveLength(16);
    expect(all.heads[3]).toMatchObject({ layer: 4, head: 2, meanJsDivergence: 3.1 });
  });

  it('a model too large for a JSON of every weight keeps the per-head table and says where the tensors are', () => {
    const size = MAX_JSON_WEIGHTS + 1;
    const large = {
      ...mcResult(),
      mean: new Float32Array(size),
      std: new Float32Array(size),
      plain: new Float32Array(size),
    };
    const all = JSON.parse(mcAttentionJson(large, { text: 'cat', pair: null }));
    expect(all.mean).toBeNull();
    expect(all.tensors).toMatch(/left out: .*export a head from its heatmap/);
    expect(all.heads).toHaveLength(4);
  });
});
