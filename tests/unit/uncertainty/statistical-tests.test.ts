import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import {
  binomialInterval,
  kolmogorovSurvival,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  twoSampleKsTest,
} from '../../../src/core/uncertainty';

/** P(X ≥ k) for X ~ Binomial(n, p), summed directly. */
function upperTail(n: number, k: number, p: number): number {
  let total = 0;
  for (let i = k; i <= n; i++)
    total += Math.exp(
      logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p),
    );
  return total;
}

describe('special functions', () => {
  it('logGamma, normal CDF and quantile at known values', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 9);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-5)).toBeCloseTo(2.866515718791939e-7, 15);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 9);
    // I_x(1, 1) = x; I_x(2, 1) = x².
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12);
  });

  it('Kolmogorov survival: known value at 1, 5% and 1% critical points, continuous at the switch', () => {
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.26999967167735456, 10);
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 4);
    expect(Math.abs(kolmogorovSurvival(1.18 - 1e-9) - kolmogorovSurvival(1.18 + 1e-9))).toBeLessThan(1e-8);
    expect(kolmogorovSurvival(0.1)).toBe(1);
  });
});

describe('binomialInterval', () => {
  it('Clopper–Pearson closed forms at k = 0 and k = n, and the textbook 5/10 case', () => {
    const zero = binomialInterval(10, 0, 0.95);
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(1 - 0.025 ** (1 / 10), 10);
    const all = binomialInterval(10, 1, 0.95);
    expect(all.lower).toBeCloseTo(0.025 ** (1 / 10), 10);
    expect(all.upper).toBe(1);
    const half = binomialInterval(10, 0.5, 0.95);
    expect(half.lower).toBeCloseTo(0.187086, 5);
    expect(half.upper).toBeCloseTo(0.812914, 5);
  });

  it('Clopper–Pearson bounds solve the binomial tail equations (99%)', () => {
    const n = 200,
      k = 37;
    const { lower, upper } = binomialInterval(n, k / n);
    expect(upperTail(n, k, lower)).toBeCloseTo(0.005, 9);
    expect(1 - upperTail(n, k + 1, upper)).toBeCloseTo(0.005, 9);
  });

  it('Wilson interval matches the textbook 50/100 case and rejects non-integer successes for the exact method', () => {
    const w = binomialInterval(100, 0.5, 0.95, 'wilson');
    expect(w.lower).toBeCloseTo(0.4038, 4);
    expect(w.upper).toBeCloseTo(0.5962, 4);
    expect(() => binomialInterval(10, 0.33)).toThrow(/whole number/);
  });
});

describe('twoSampleKsTest', () => {
  it('hand-computed statistics, ties, identical samples', () => {
    expect(twoSampleKsTest([1, 2, 3], [4, 5, 6]).statistic).toBe(1);
    // CDF gaps at 1,2,3,4,5: .25, .5, .5, .5, .25.
    expect(twoSampleKsTest([4, 1, 3, 2], [3, 4, 5, 6]).statistic).toBe(0.5);
    const same = twoSampleKsTest([1, 1, 2, 3], [3, 2, 1, 1]);
    expect(same.statistic).toBe(0);
    expect(same.pValue).toBe(1);
    expect(() => twoSampleKsTest([], [1])).toThrow(/non-empty/);
  });

  it('same distribution is not rejected, a different one is (seeded)', () => {
    const rng = createRng(2024);
    const draw = (n: number, f: (u: number) => number) => Array.from({ length: n }, () => f(rng.nextFloat()));
    const a = draw(2000, (u) => u);
    const b = draw(1500, (u) => u);
    const c = draw(1500, (u) => u ** 1.5);
    expect(twoSampleKsTest(a, b).pValue).toBeGreaterThan(0.01);
    expect(twoSampleKsTest(a, c).pValue).toBeLessThan(1e-6);
  });
});
