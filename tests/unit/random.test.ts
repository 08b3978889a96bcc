import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from '../../src/core/random';

describe('seeded PRNG', () => {
  it('replays the same stream for the same seed and differs for another', () => {
    const a = createRng(42).fillUniform(new Float32Array(1000));
    const b = createRng(42).fillUniform(new Float32Array(1000));
    const c = createRng(43).fillUniform(new Float32Array(1000));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.filter((x, i) => x === c[i]).length).toBeLessThan(5);
  });

  it('draws uniform floats in [0,1) with the right moments', () => {
    const n = 200_000;
    const xs = createRng(7).fillUniform(new Float32Array(n));
    let sum = 0,
      sumSq = 0,
      min = Infinity,
      max = -Infinity;
    for (const x of xs) {
      sum += x;
      sumSq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws standard normals and fair integers', () => {
    const rng = createRng(1);
    let sum = 0,
      sumSq = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const z = rng.nextNormal();
      sum += z;
      sumSq += z * z;
      counts[rng.nextInt(6)]++;
    }
    expect(Math.abs(sum / 60_000)).toBeLessThan(0.03);
    expect(Math.abs(sumSq / 60_000 - 1)).toBeLessThan(0.03);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('shuffles to a permutation, reproducibly', () => {
    const a = shuffleInPlace([...Array(50).keys()], createRng(3));
    const b = shuffleInPlace([...Array(50).keys()], createRng(3));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(a).not.toEqual([...Array(50).keys()]);
  });
});
