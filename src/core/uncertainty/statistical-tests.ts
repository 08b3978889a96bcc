/**
 * Small statistics helpers for tests across the project (e.g. "the dropout mask zeroes a fraction p of units",
 * "two samplers draw from the same distribution"). Written for tests, so they favour exactness over speed.
 */
import { inverseRegularizedBeta, kolmogorovSurvival, normalQuantile } from './special-functions';

export interface ProportionInterval {
  lower: number;
  upper: number;
}

/**
 * Two-sided confidence interval for a binomial proportion after `n` trials with observed success
 * proportion `p` (so successes = p·n, which must be a whole number for the exact method).
 *
 * - 'clopper-pearson' (default): exact, conservative; lower = Beta⁻¹(α/2; k, n−k+1), upper = Beta⁻¹(1−α/2; k+1, n−k).
 * - 'wilson': the Wilson score interval, a normal approximation that behaves at p = 0 and 1 (unlike Wald).
 *
 * Typical use in a test: assert that the expected rate lies inside binomialInterval(n, observedRate, 0.99).
 */
export function binomialInterval(
  n: number,
  p: number,
  confidence = 0.99,
  method: 'clopper-pearson' | 'wilson' = 'clopper-pearson',
): ProportionInterval {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`binomialInterval needs a positive whole number of trials, got ${n}.`);
  if (!(p >= 0 && p <= 1)) throw new Error(`Observed proportion must be in [0, 1], got ${p}.`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`Confidence must be in (0, 1), got ${confidence}.`);
  const alpha = 1 - confidence;
  if (method === 'wilson') {
    const z = normalQuantile(1 - alpha / 2);
    const z2n = (z * z) / n;
    const centre = (p + z2n / 2) / (1 + z2n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
    return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
  }
  const k = Math.round(p * n);
  if (Math.abs(k - p * n) > 1e-6 * Math.max(1, n)) {
    throw new Error(`Clopper–Pearson needs a whole number of successes; p·n = ${p * n}.`);
  }
  return {
    lower: k === 0 ? 0 : inverseRegularizedBeta(alpha / 2, k, n - k + 1),
    upper: k === n ? 1 : inverseRegularizedBeta(1 - alpha / 2, k + 1, n - k),
  };
}

export interface KsTestResult {
  /** D = sup |F_a(x) − F_b(x)| over the two empirical CDFs. */
  statistic: number;
  /** Asymptotic p-value Q_KS(λ), λ = (√nₑ + 0.12 + 0.11/√nₑ)·D with nₑ = nm/(n+m) (Stephens' small-sample correction). */
  pValue: number;
  n: number;
  m: number;
}

/** Two-sample Kolmogorov–Smirnov test. Ties (equal values in either sample) are handled by stepping both CDFs together. */
export function twoSampleKsTest(a: ArrayLike<number>, b: ArrayLike<number>): KsTestResult {
  const n = a.length,
    m = b.length;
  if (n === 0 || m === 0) throw new Error(`The KS test needs two non-empty samples, got sizes ${n} and ${m}.`);
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  if (Number.isNaN(x[n - 1]) || Number.isNaN(y[m - 1])) throw new Error('The KS test samples contain NaN.');
  let i = 0,
    j = 0,
    statistic = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    statistic = Math.max(statistic, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  const root = Math.sqrt(ne);
  const pValue = kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic);
  return { statistic, pValue, n, m };
}
