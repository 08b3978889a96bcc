/** Next-token choice for continuations: greedy, temperature, top-k, top-p and seeded draws. */
import { describe, expect, it } from 'vitest';
import { chooseNextToken, decodingDistribution, GREEDY } from '../../../src/core/generation/sampling';
import { createRng } from '../../../src/core/random';
import { softmax } from '../../../src/core/uncertainty';

const probs = Float64Array.of(0.1, 0.4, 0.05, 0.3, 0.15);
const sample = { strategy: 'sample' as const, temperature: 1, topK: 0, topP: 1 };

describe('decoding', () => {
  it('greedy takes the argmax, ties to the lower id', () => {
    expect(chooseNextToken(probs, GREEDY, createRng(1))).toBe(1);
    expect(chooseNextToken([0.5, 0.5], GREEDY, createRng(1))).toBe(0);
  });

  it('temperature 1 keeps the distribution; τ equals softmax(logits / τ)', () => {
    const same = decodingDistribution(probs, sample);
    probs.forEach((p, i) => expect(same[i]).toBeCloseTo(p, 12));
    const logits = Array.from(probs, Math.log);
    const hot = decodingDistribution(probs, { ...sample, temperature: 2 });
    const expected = softmax(logits, logits.length, 2);
    expected.forEach((p, i) => expect(hot[i]).toBeCloseTo(p, 12));
  });

  it('top-k keeps the k most probable, top-p the smallest set reaching p, renormalised', () => {
    const k2 = decodingDistribution(probs, { ...sample, topK: 2 });
    [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0].forEach((p, i) => expect(k2[i]).toBeCloseTo(p, 12));
    // 0.4 + 0.3 = 0.7 < 0.75, so 0.15 joins: {1, 3, 4}.
    const p75 = decodingDistribution(probs, { ...sample, topP: 0.75 });
    expect(Array.from(p75, (p) => p > 0)).toEqual([false, true, false, true, true]);
    expect(p75.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // top-p smaller than the top token keeps the top token.
    expect(Array.from(decodingDistribution(probs, { ...sample, topP: 0.01 }))).toEqual([0, 1, 0, 0, 0]);
  });

  it('sampled draws follow the distribution and repeat with the seed', () => {
    const rng = createRng(42);
    const counts = new Array(5).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) counts[chooseNextToken(probs, sample, rng)]++;
    counts.forEach((count, i) => expect(Math.abs(count / n - probs[i])).toBeLessThan(0.015));
    const draw = (seed: number) => {
      const seeded = createRng(seed);
      return Array.from({ length: 20 }, () => chooseNextToken(probs, sample, seeded));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(() => chooseNextToken(probs, { ...sample, temperature: 0 }, createRng(1))).toThrow(/temperature/);
  });
});
