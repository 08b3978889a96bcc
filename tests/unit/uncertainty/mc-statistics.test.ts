import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import {
  mcStatistics,
  mutualInformation,
  rankByUncertainty,
  runningEstimates,
  softmax,
  topKByMeanProbability,
} from '../../../src/core/uncertainty';

/** T random probability vectors over C classes (normalised exponentials, sometimes peaked). */
function randomSamples(seed: number, T: number, C: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    const logits = Array.from({ length: C }, () => 3 * rng.nextNormal());
    out.set(softmax(logits), t * C);
  }
  return out;
}

const H = (p: number[]) => p.reduce((h, x) => (x > 0 ? h - x * Math.log(x) : h), 0);

describe('mcStatistics', () => {
  it('H[E p] = E[H p] + MI to 1e-9 on seeded random inputs, MI ≥ 0, and matches direct computation', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const T = 17,
        C = 9;
      const samples = randomSamples(seed, T, C);
      const s = mcStatistics(samples, [T, C]);
      const rows = Array.from({ length: T }, (_, t) => Array.from(samples.subarray(t * C, (t + 1) * C)));
      const mean = Array.from({ length: C }, (_, c) => rows.reduce((acc, r) => acc + r[c], 0) / T);
      const predictive = H(mean);
      const expected = rows.reduce((acc, r) => acc + H(r), 0) / T;
      expect(s.predictiveEntropy).toBeCloseTo(predictive, 12);
      expect(s.expectedEntropy).toBeCloseTo(expected, 12);
      expect(Math.abs(s.predictiveEntropy - (s.expectedEntropy + s.mutualInformation))).toBeLessThan(1e-9);
      expect(s.mutualInformation).toBeGreaterThanOrEqual(0);
      mean.forEach((m, c) => expect(s.mean[c]).toBeCloseTo(m, 12));
      const std0 = Math.sqrt(rows.reduce((acc, r) => acc + (r[0] - mean[0]) ** 2, 0) / (T - 1));
      expect(s.std[0]).toBeCloseTo(std0, 12);
    }
  });

  it('MI computed independently as the mean KL(p_t ‖ p̄) equals H[E p] − E[H p] and the reported MI to 1e-9, and is ≥ 0', () => {
    /** Σ p log(p / q) in float64 with 0 · log 0 = 0; nothing here calls the code under test. */
    const kl = (p: number[], q: number[]) => p.reduce((sum, x, c) => (x > 0 ? sum + x * Math.log(x / q[c]) : sum), 0);
    const cases: { name: string; T: number; C: number; samples: Float32Array }[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const T = 3 + seed * 5,
        C = 2 + seed * 3;
      const samples = randomSamples(100 + seed, T, C);
      const rng = createRng(seed);
      for (let t = 0; t < T; t++) {
        const kind = rng.nextUint32() % 4;
        const row = samples.subarray(t * C, (t + 1) * C);
        if (kind === 0) {
          // One-hot row.
          row.fill(0);
          row[rng.nextUint32() % C] = 1;
        } else if (kind === 1) {
          // Exact zeros in some classes, the rest renormalised.
          let total = 0;
          for (let c = 0; c < C; c++) {
            if (c % 2 === t % 2) row[c] = 0;
            total += row[c];
          }
          if (total === 0) row[0] = total = 1;
          for (let c = 0; c < C; c++) row[c] /= total;
        }
      }
      cases.push({ name: `seed ${seed}`, T, C, samples });
    }
    // All one-hot on different classes, and all one-hot on the same class.
    cases.push({ name: 'disagreeing one-hots', T: 3, C: 3, samples: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) });
    cases.push({ name: 'agreeing one-hots', T: 2, C: 3, samples: Float32Array.from([0, 1, 0, 0, 1, 0]) });
    for (const { name, T, C, samples } of cases) {
      const rows = Array.from({ length: T }, (_, t) => Array.from(samples.subarray(t * C, (t + 1) * C)));
      const mean = Array.from({ length: C }, (_, c) => rows.reduce((acc, r) => acc + r[c], 0) / T);
      const meanKl = rows.reduce((acc, r) => acc + kl(r, mean), 0) / T;
      const s = mcStatistics(samples, [T, C]);
      expect(meanKl, name).toBeGreaterThanOrEqual(0);
      expect(Math.abs(s.predictiveEntropy - s.expectedEntropy - meanKl), name).toBeLessThan(1e-9);
      expect(Math.abs(s.mutualInformation - meanKl), name).toBeLessThan(1e-9);
      expect(s.mutualInformation, name).toBeGreaterThanOrEqual(0);
    }
    expect(mcStatistics(cases.at(-2)!.samples, [3, 3]).mutualInformation).toBeCloseTo(Math.log(3), 12);
    expect(mcStatistics(cases.at(-1)!.samples, [2, 3]).mutualInformation).toBe(0);
  });

  it('identical samples: MI exactly 0 and std exactly 0', () => {
    const row = [0.1, 0.2, 0.3, 0.4].map(Math.fround);
    const samples = Float32Array.from([...row, ...row, ...row, ...row, ...row, ...row, ...row]);
    const s = mcStatistics(samples, [7, 4]);
    expect(s.mutualInformation).toBe(0);
    expect(Array.from(s.std)).toEqual([0, 0, 0, 0]);
    expect(Array.from(s.mean)).toEqual(row);
    expect(s.variationRatio).toBe(0);
  });

  it('hand-computed 2-sample 2-class examples', () => {
    // [1,0] and [0,1]: mean [.5,.5], H[Ep] = ln 2, E[Hp] = 0, MI = ln 2; std = √(2·0.25 / 1) = √0.5.
    const a = mcStatistics([1, 0, 0, 1], [2, 2]);
    expect(a.predictiveEntropy).toBeCloseTo(Math.LN2, 15);
    expect(a.expectedEntropy).toBe(0);
    expect(a.mutualInformation).toBeCloseTo(Math.LN2, 15);
    expect(a.std[0]).toBeCloseTo(Math.SQRT1_2, 15);
    // Argmax 0 once, 1 once: the tie goes to class 0, variation ratio 1 − 1/2.
    expect([a.modalClass, a.modalCount, a.variationRatio]).toEqual([0, 1, 0.5]);

    // [.8,.2] and [.4,.6]: mean [.6,.4]; std = √((.2² + .2²)/1) = √.08 for both classes.
    const b = mcStatistics([0.8, 0.2, 0.4, 0.6], [2, 2]);
    const hMean = -0.6 * Math.log(0.6) - 0.4 * Math.log(0.4);
    const hSamples = (-0.8 * Math.log(0.8) - 0.2 * Math.log(0.2) + hMean) / 2;
    expect(b.predictiveEntropy).toBeCloseTo(hMean, 14);
    expect(b.expectedEntropy).toBeCloseTo(hSamples, 14);
    expect(b.mutualInformation).toBeCloseTo(hMean - hSamples, 14);
    expect(b.std[0]).toBeCloseTo(Math.sqrt(0.08), 14);
    expect(b.std[1]).toBeCloseTo(Math.sqrt(0.08), 14);
    expect(b.predictedClass).toBe(0);
  });

  it('T = 1 gives std 0 and MI 0', () => {
    const s = mcStatistics([0.3, 0.7], [1, 2]);
    expect(Array.from(s.std)).toEqual([0, 0]);
    expect(s.mutualInformation).toBe(0);
  });

  it('variation ratio counts the modal argmax', () => {
    // Per-sample argmax: 0, 0, 1, 2 → modal class 0 with count 2 → 1 − 2/4.
    const s = mcStatistics([0.6, 0.3, 0.1, 0.5, 0.4, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4], [4, 3]);
    expect([s.modalClass, s.modalCount, s.variationRatio]).toEqual([0, 2, 0.5]);
  });

  it('compares the deterministic prediction alongside', () => {
    const s = mcStatistics([0.6, 0.4, 0.7, 0.3], [2, 2], [0.45, 0.55]);
    expect(s.deterministic?.predictedClass).toBe(1);
    expect(s.deterministic?.agreesWithMean).toBe(false);
    expect(s.deterministic?.entropy).toBeCloseTo(H([0.45, 0.55]), 14);
  });

  it('clamps only rounding-sized negative MI, otherwise reports a bug', () => {
    expect(mutualInformation(1, 1 + 5e-13)).toBe(0);
    expect(() => mutualInformation(1, 1.001)).toThrow(/negative/);
  });
});

describe('runningEstimates', () => {
  it('at t = T equal the batch values; t = 1 has MI 0', () => {
    const T = 25,
      C = 6;
    const samples = randomSamples(42, T, C);
    const batch = mcStatistics(samples, [T, C]);
    const run = runningEstimates(samples, [T, C], batch.predictedClass);
    expect(run.meanOfClass[T - 1]).toBe(batch.mean[batch.predictedClass]);
    expect(run.predictiveEntropy[T - 1]).toBe(batch.predictiveEntropy);
    expect(run.expectedEntropy[T - 1]).toBe(batch.expectedEntropy);
    expect(run.mutualInformation[T - 1]).toBe(batch.mutualInformation);
    expect(run.mutualInformation[0]).toBe(0);
    expect(run.meanOfClass[0]).toBe(samples[batch.predictedClass]);
    // t = 3 against a direct computation over the first three samples.
    const mean3 = Array.from({ length: C }, (_, c) => (samples[c] + samples[C + c] + samples[2 * C + c]) / 3);
    expect(run.predictiveEntropy[2]).toBeCloseTo(H(mean3), 12);
  });
});

describe('rankByUncertainty', () => {
  it('most uncertain first by each measure, ties in input order, inputs without statistics last', () => {
    const T = 5,
      C = 4;
    const certain = new Float32Array(T * C);
    // Every sample one-hot on class 1: no uncertainty at all.
    for (let t = 0; t < T; t++) certain[t * C + 1] = 1;
    const stats = [
      mcStatistics(randomSamples(10, T, C), [T, C]),
      null,
      mcStatistics(certain, [T, C]),
      mcStatistics(randomSamples(11, T, C), [T, C]),
    ];
    for (const by of ['mutualInformation', 'predictiveEntropy', 'variationRatio'] as const) {
      const order = rankByUncertainty(stats, by);
      expect([...order].sort()).toEqual([0, 1, 2, 3]);
      expect(order.slice(-2)).toEqual([2, 1]);
      expect(stats[order[0]]![by]).toBeGreaterThanOrEqual(stats[order[1]]![by]);
    }
    const tied = { mutualInformation: 0.1, predictiveEntropy: 0.5, variationRatio: 0 };
    expect(rankByUncertainty([tied, null, { ...tied, mutualInformation: 0.3 }, tied], 'mutualInformation')).toEqual([
      2, 0, 3, 1,
    ]);
    expect(rankByUncertainty([null, null], 'variationRatio')).toEqual([0, 1]);
  });
});

describe('softmax', () => {
  it('is stable for large logits and normalises each row', () => {
    const p = softmax([1000, 1001, 0, 0], 2);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.E), 15);
    expect(p[1]).toBeCloseTo(Math.E / (1 + Math.E), 15);
    expect([p[2], p[3]]).toEqual([0.5, 0.5]);
    expect(() => softmax([1, 2, 3], 2)).toThrow(/rows of 2/);
  });
});

describe('topKByMeanProbability', () => {
  it('matches a full sort of the mean with ties to the lower index, and reports the std', () => {
    const T = 6,
      V = 500;
    const samples = randomSamples(99, T, V);
    const got = topKByMeanProbability(samples, [T, V], 10);
    const means = Array.from({ length: V }, (_, v) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += samples[t * V + v];
      return s / T;
    });
    const expected = means
      .map((m, v) => ({ m, v }))
      .sort((x, y) => y.m - x.m || x.v - y.v)
      .slice(0, 10);
    expect(got.map((c) => c.index)).toEqual(expected.map((e) => e.v));
    const top = got[0].index;
    const direct = Math.sqrt(
      Array.from({ length: T }, (_, t) => (samples[t * V + top] - means[top]) ** 2).reduce((a, b) => a + b) / (T - 1),
    );
    expect(got[0].std).toBeCloseTo(direct, 12);
    expect(got[0].mean).toBeCloseTo(means[top], 12);
  });

  it('breaks ties by lower index', () => {
    const got = topKByMeanProbability([0.25, 0.25, 0.25, 0.25], [1, 4], 3);
    expect(got.map((c) => c.index)).toEqual([0, 1, 2]);
  });
});
