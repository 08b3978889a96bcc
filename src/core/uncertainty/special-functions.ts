/**
 * Special functions behind the statistical tests: log-gamma, the regularised incomplete beta function,
 * the standard normal CDF and quantile, and the Kolmogorov distribution. Written from the textbook
 * definitions (Stirling series, continued fractions evaluated with the modified Lentz method).
 */

// Stirling series coefficients B₂ₖ / (2k(2k−1)) for k = 1..8 (Bernoulli numbers 1/6, −1/30, 1/42, −1/30, 5/66,
// −691/2730, 7/6, −3617/510). At z ≥ 15 the next term is below 1e-20 relative, so the series is exact in float64.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
const STIRLING_FROM = 15;

/** ln Γ(x) for x > 0: shift x up to ≥ 15 with Γ(x+1) = x·Γ(x), then the Stirling series. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma needs x > 0, got ${x}.`);
  let shift = 0;
  let z = x;
  while (z < STIRLING_FROM) {
    shift += Math.log(z);
    z += 1;
  }
  const inverse = 1 / z;
  const inverseSquared = inverse * inverse;
  let series = 0;
  let power = inverse;
  for (const c of STIRLING) {
    series += c * power;
    power *= inverseSquared;
  }
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

const TINY = 1e-300;
const EPS = 1e-15;

/** Regularised incomplete beta I_x(a, b) = P(Beta(a, b) ≤ x). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new Error(`regularizedBeta needs a, b > 0, got a=${a}, b=${b}.`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)).
    let coefficient = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    result *= d * c;
    // Odd step: d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)).
    coefficient = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < EPS) return result;
  }
  return result;
}

/** Inverse of I_x(a, b) in x, by bisection (monotone, so always converges). */
export function inverseRegularizedBeta(probability: number, a: number, b: number): number {
  if (probability <= 0) return 0;
  if (probability >= 1) return 1;
  let lo = 0,
    hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = 0.5 * (lo + hi);
    if (regularizedBeta(mid, a, b) < probability) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** erfc(x) for x ≥ 0: power series of erf below 3 (all terms positive, no cancellation), continued fraction above. */
function erfcNonNegative(x: number): number {
  if (x < 3) {
    // erf(x) = 2/√π · e^{−x²} · Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
    let term = x,
      sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the tail.
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  const t = Math.abs(z) / Math.SQRT2;
  const tail = 0.5 * erfcNonNegative(t);
  return z >= 0 ? 1 - tail : tail;
}

/** Standard normal quantile Φ⁻¹(p), by bisection on Φ. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile needs 0 < p < 1, got ${p}.`);
  let lo = -40,
    hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Survival function of the Kolmogorov distribution, Q(λ) = P(K > λ).
 * For large λ the alternating series 2 Σ (−1)^{k−1} e^{−2k²λ²} converges in a few terms; for small λ use the
 * equivalent theta-function form P(K ≤ λ) = √(2π)/λ · Σ e^{−(2k−1)²π²/(8λ²)}, which converges fast there.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const factor = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let k = 1; k <= 20; k++) sum += Math.exp((2 * k - 1) * (2 * k - 1) * factor);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-18) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
