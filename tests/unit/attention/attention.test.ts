import { describe, expect, it } from 'vitest';
import {
  attentionRollout,
  averageHeads,
  entropyNats,
  headSummaries,
  hidePositions,
  natsToBits,
  sortHeads,
  topHeads,
  validPositions,
  type AttentionShape,
} from '../../../src/core/attention';

/** Stacks [layer][head] matrices (each S×S, array of rows) into a flat [L, H, S, S] tensor. */
function stack(layers: number[][][][]): { probs: Float32Array; shape: AttentionShape } {
  const L = layers.length,
    H = layers[0].length,
    S = layers[0][0].length;
  const flat = layers.flat(3);
  return { probs: Float32Array.from(flat), shape: [L, H, S, S] };
}

const uniform = (s: number) => Array.from({ length: s }, () => Array(s).fill(1 / s));

describe('entropy', () => {
  it('uniform row = ln S, one-hot = 0, bits helper', () => {
    expect(entropyNats(new Float32Array(5).fill(0.2))).toBeCloseTo(Math.log(5), 6);
    expect(entropyNats([0, 1, 0, 0])).toBe(0);
    expect(natsToBits(Math.log(8))).toBeCloseTo(3, 12);
  });
});

describe('headSummaries', () => {
  it('uniform head: entropy ln S, hand-computed distance, self and previous shares', () => {
    const { probs, shape } = stack([[uniform(4)]]);
    const [s] = headSummaries(probs, shape);
    expect(s.meanEntropy).toBeCloseTo(Math.log(4), 6);
    expect(s.meanEntropyBits).toBeCloseTo(2, 6);
    expect(s.normalizedEntropy).toBeCloseTo(1, 6);
    // Rows: (0+1+2+3)/4, (1+0+1+2)/4, (2+1+0+1)/4, (3+2+1+0)/4 → 1.5, 1, 1, 1.5 → mean 1.25.
    expect(s.meanDistance).toBeCloseTo(1.25, 6);
    expect(s.selfShare).toBeCloseTo(0.25, 6);
    // Row 0 has no previous token: (0 + 0.25·3) / 4.
    expect(s.previousTokenShare).toBeCloseTo(0.1875, 6);
  });

  it('previous-token head with a [CLS] sink on row 0', () => {
    const prev = [
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ];
    const { probs, shape } = stack([[prev]]);
    const [s] = headSummaries(probs, shape, [true, false, false]);
    expect(s.meanEntropy).toBe(0);
    expect(s.selfShare).toBeCloseTo(1 / 3, 7);
    expect(s.previousTokenShare).toBeCloseTo(2 / 3, 7);
    expect(s.meanDistance).toBeCloseTo(2 / 3, 7);
    expect(s.specialShare).toBeCloseTo(2 / 3, 7);
  });

  it('padding is excluded: a padded 4-token tensor matches the 3-token one', () => {
    const real = [
      [0.5, 0.3, 0.2],
      [0.1, 0.6, 0.3],
      [0.2, 0.2, 0.6],
    ];
    const padded = [
      [0.5, 0.3, 0.2, 0],
      [0.1, 0.6, 0.3, 0],
      [0.2, 0.2, 0.6, 0],
      [0.25, 0.25, 0.25, 0.25],
    ];
    const a = stack([[real]]);
    const b = stack([[padded]]);
    const expected = headSummaries(a.probs, a.shape, [1, 0, 0]);
    for (const padding of [3, [1, 1, 1, 0]]) {
      const got = headSummaries(b.probs, b.shape, [1, 0, 0, 0], padding);
      for (const key of Object.keys(expected[0]) as (keyof (typeof expected)[0])[]) {
        expect(got[0][key]).toBeCloseTo(expected[0][key], 6);
      }
    }
    expect(validPositions(4, [1, 0, 1, 1])).toEqual([0, 2, 3]);
  });

  it('one record per (layer, head) and sorting finds previous-token heads', () => {
    const prev = [
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ];
    const self = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const { probs, shape } = stack([
      [self, uniform(3)],
      [prev, self],
    ]);
    const all = headSummaries(probs, shape);
    expect(all.map((s) => [s.layer, s.head])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const byPrev = sortHeads(all, 'previousTokenShare');
    expect([byPrev[0].layer, byPrev[0].head]).toEqual([1, 0]);
    // Ties (two identity heads, self share 1) keep layer-major order.
    const bySelf = sortHeads(all, 'selfShare');
    expect(bySelf.slice(0, 2).map((s) => [s.layer, s.head])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(topHeads(all, 'selfShare', 5, { threshold: 0.9 })).toHaveLength(2);
    expect(sortHeads(all, 'meanEntropy', 'asc').at(-1)?.head).toBe(1);
  });

  it('rejects a tensor that does not match its shape', () => {
    expect(() => headSummaries(new Float32Array(8), [1, 1, 3, 3])).toThrow(/needs 9/);
  });
});

describe('hidePositions', () => {
  it('drops rows and columns and renormalises the rest to sum 1', () => {
    const m = [
      [0.5, 0.25, 0.25],
      [0.2, 0.4, 0.4],
      [0.6, 0.1, 0.3],
    ];
    const { probs, shape } = stack([[m, uniform(3)]]);
    const result = hidePositions(probs, shape, [true, false, false]);
    expect(result.kept).toEqual([1, 2]);
    expect(result.shape).toEqual([1, 2, 2, 2]);
    expect(result.renormalized).toBe(true);
    expect(result.uniformRows).toEqual([]);
    expect(Array.from(result.probs.subarray(0, 4))).toEqual([0.5, 0.5, 0.25, 0.75].map(Math.fround));
    for (let r = 0; r < 4; r++) expect(result.probs[2 * r] + result.probs[2 * r + 1]).toBeCloseTo(1, 6);
  });

  it('a row with all its mass on hidden columns becomes uniform and is reported', () => {
    const sink = [
      [1, 0, 0],
      [1, 0, 0],
      [0.5, 0.25, 0.25],
    ];
    const { probs, shape } = stack([[sink]]);
    const result = hidePositions(probs, shape, [1, 0, 0]);
    expect(result.uniformRows).toEqual([{ layer: 0, head: 0, row: 1 }]);
    expect(Array.from(result.probs)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('hiding nothing on proper rows does not claim renormalisation', () => {
    const { probs, shape } = stack([[uniform(4)]]);
    expect(hidePositions(probs, shape, [0, 0, 0, 0]).renormalized).toBe(false);
  });
});

describe('averageHeads', () => {
  it('means over heads per layer', () => {
    const { probs, shape } = stack([
      [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [0.5, 0.5],
        ],
      ],
    ]);
    expect(Array.from(averageHeads(probs, shape))).toEqual([0.5, 0.5, 0.25, 0.75]);
  });
});

describe('attentionRollout', () => {
  // Layer 0 (both heads): [[1,0,0],[1,0,0],[0,1,0]] → Â0 = 0.5·A + 0.5·I = [[1,0,0],[.5,.5,0],[0,.5,.5]].
  // Layer 1 heads differ in row 2; head mean = [[0,0,1],[0,1,0],[.5,0,.5]] → Â1 = [[.5,0,.5],[0,1,0],[.25,0,.75]].
  // Rollout after layer 1 = Â1 · Â0 (later layer on the left, as in the paper):
  //   row 0 = .5·[1,0,0] + .5·[0,.5,.5]      = [.5, .25, .25]
  //   row 1 = [.5, .5, 0]
  //   row 2 = .25·[1,0,0] + .75·[0,.5,.5]    = [.25, .375, .375]
  const layer0 = [
    [1, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
  ];
  const layer1a = [
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
  ];
  const layer1b = [
    [0, 0, 1],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const { probs, shape } = stack([
    [layer0, layer0],
    [layer1a, layer1b],
  ]);

  it('matches the 2-layer 3-token example computed by hand', () => {
    const { rollout, count, kept } = attentionRollout(probs, shape);
    expect(count).toBe(2);
    expect(kept).toEqual([0, 1, 2]);
    const first = [1, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5];
    const second = [0.5, 0.25, 0.25, 0.5, 0.5, 0, 0.25, 0.375, 0.375];
    Array.from(rollout).forEach((v, e) => expect(v).toBeCloseTo([...first, ...second][e], 7));
  });

  it('the reverse order Â0·Â1 would give a different first row', () => {
    // Â0 · Â1 row 0 = 1·Â1 row 0 = [.5, 0, .5] ≠ [.5, .25, .25]; guards the multiplication order.
    const { rollout } = attentionRollout(probs, shape);
    expect(rollout[9 + 1]).toBeCloseTo(0.25, 7);
  });

  it('can start from a later layer', () => {
    const { rollout, count, startLayer } = attentionRollout(probs, shape, { startLayer: 1 });
    expect([count, startLayer]).toEqual([1, 1]);
    Array.from(rollout).forEach((v, e) => expect(v).toBeCloseTo([0.5, 0, 0.5, 0, 1, 0, 0.25, 0, 0.75][e], 7));
  });

  it('rows of every cumulative matrix sum to 1 and padding is excluded', () => {
    const pad = (m: number[][]) => [...m.map((row) => [...row, 0]), [0.25, 0.25, 0.25, 0.25]];
    const padded = stack([
      [pad(layer0), pad(layer0)],
      [pad(layer1a), pad(layer1b)],
    ]);
    const a = attentionRollout(probs, shape);
    const b = attentionRollout(padded.probs, padded.shape, { padding: [1, 1, 1, 0] });
    expect(b.kept).toEqual([0, 1, 2]);
    Array.from(b.rollout).forEach((v, e) => expect(v).toBeCloseTo(a.rollout[e], 7));
    for (let r = 0; r < 6; r++)
      expect(b.rollout[3 * r] + b.rollout[3 * r + 1] + b.rollout[3 * r + 2]).toBeCloseTo(1, 6);
  });
});
