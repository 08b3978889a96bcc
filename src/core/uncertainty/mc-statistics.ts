/**
 * Statistics of Monte-Carlo dropout samples (Gal & Ghahramani 2016): T stochastic forward passes give T
 * probability vectors over C classes, row-major [T, C].
 *
 * - predictive mean  E[p]            (the MC-dropout prediction)
 * - per-class std    unbiased sample standard deviation (divides by T−1); 0 when T = 1
 * - predictive entropy H[E p]        total uncertainty
 * - expected entropy   E[H p]        aleatoric part (what each pass is unsure about)
 * - mutual information H[E p] − E[H p]   epistemic part (BALD: the passes disagree)
 * - variation ratio  1 − (count of the modal argmax) / T
 *
 * Everything is float64 with 0·log 0 = 0. Means are accumulated as x₀ + Σ(x_t − x₀)/T: identical samples
 * therefore reproduce x₀ bit for bit and the mutual information is exactly 0, and the running estimates in
 * running-estimates.ts use the same arithmetic, so at t = T they equal these values exactly.
 */
import { argmax, entropy } from './entropy';

export interface DeterministicComparison {
  /** The p = 0 (dropout off) probabilities, as given. */
  probs: Float64Array;
  predictedClass: number;
  entropy: number;
  /** Whether the deterministic argmax equals the argmax of the MC mean. */
  agreesWithMean: boolean;
}

export interface McStatistics {
  samples: number;
  classes: number;
  mean: Float64Array;
  /** Unbiased sample standard deviation per class (T − 1 in the denominator); all 0 when T = 1. */
  std: Float64Array;
  /** argmax of the mean (ties → lower class index). */
  predictedClass: number;
  predictiveEntropy: number;
  expectedEntropy: number;
  mutualInformation: number;
  /** Class that is most often the per-sample argmax (ties → lower class index), and how often. */
  modalClass: number;
  modalCount: number;
  variationRatio: number;
  deterministic?: DeterministicComparison;
}

/** Rounding can push H[E p] − E[H p] slightly below 0; anything more negative than this is a bug, not rounding. */
export const MUTUAL_INFORMATION_TOLERANCE = 1e-12;

/** Statistics of one input's samples, [T, C] row-major. `deterministic` is the p = 0 prediction, length C. */
export function mcStatistics(
  samples: ArrayLike<number>,
  shape: readonly [samples: number, classes: number],
  deterministic?: ArrayLike<number>,
): McStatistics {
  const [T, C] = shape;
  checkSamples(samples.length, T * C, `[${T}, ${C}]`);
  return statisticsAt(samples, 0, C, T, C, deterministic);
}

/**
 * Statistics of one input whose T samples sit `stride` values apart starting at `offset`
 * (stride = C for [T, C]; stride = N·C for input n of a [T, N, C] batch).
 */
export function statisticsAt(
  samples: ArrayLike<number>,
  offset: number,
  stride: number,
  T: number,
  C: number,
  deterministic?: ArrayLike<number>,
): McStatistics {
  if (!(T >= 1) || !(C >= 1)) throw new Error(`Need at least one sample and one class, got T=${T}, C=${C}.`);
  const mean = new Float64Array(C);
  const sumDeviation = new Float64Array(C);
  const argmaxCounts = new Uint32Array(C);
  const entropy0 = entropy(samples, offset, C);
  let entropyDeviation = 0;
  for (let t = 0; t < T; t++) {
    const row = offset + t * stride;
    for (let c = 0; c < C; c++) sumDeviation[c] += samples[row + c] - samples[offset + c];
    entropyDeviation += entropy(samples, row, C) - entropy0;
    argmaxCounts[argmax(samples, row, C)]++;
  }
  for (let c = 0; c < C; c++) mean[c] = samples[offset + c] + sumDeviation[c] / T;
  const std = sampleStd(samples, offset, stride, T, C, mean);
  const predictiveEntropy = entropy(mean);
  const expectedEntropy = entropy0 + entropyDeviation / T;
  const modalClass = argmax(argmaxCounts);
  const predictedClass = argmax(mean);
  const result: McStatistics = {
    samples: T,
    classes: C,
    mean,
    std,
    predictedClass,
    predictiveEntropy,
    expectedEntropy,
    mutualInformation: mutualInformation(predictiveEntropy, expectedEntropy),
    modalClass,
    modalCount: argmaxCounts[modalClass],
    variationRatio: 1 - argmaxCounts[modalClass] / T,
  };
  if (deterministic) result.deterministic = compareDeterministic(deterministic, C, predictedClass);
  return result;
}

/** H[E p] − E[H p], with rounding below zero clamped; a larger negative value means a bug upstream. */
export function mutualInformation(predictiveEntropy: number, expectedEntropy: number): number {
  const mi = predictiveEntropy - expectedEntropy;
  if (mi >= 0) return mi;
  if (mi >= -MUTUAL_INFORMATION_TOLERANCE) return 0;
  throw new Error(
    `Mutual information came out negative (${mi}); H[E p] must be ≥ E[H p]. Inputs are not probabilities?`,
  );
}

function sampleStd(
  samples: ArrayLike<number>,
  offset: number,
  stride: number,
  T: number,
  C: number,
  mean: Float64Array,
): Float64Array {
  const std = new Float64Array(C);
  if (T < 2) return std;
  for (let t = 0; t < T; t++) {
    const row = offset + t * stride;
    for (let c = 0; c < C; c++) {
      const d = samples[row + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < C; c++) std[c] = Math.sqrt(std[c] / (T - 1));
  return std;
}

function compareDeterministic(probs: ArrayLike<number>, C: number, meanClass: number): DeterministicComparison {
  if (probs.length !== C) throw new Error(`Deterministic prediction has ${probs.length} classes, samples have ${C}.`);
  const copy = Float64Array.from(probs);
  const predictedClass = argmax(copy);
  return { probs: copy, predictedClass, entropy: entropy(copy), agreesWithMean: predictedClass === meanClass };
}

export function checkSamples(length: number, expected: number, shapeText: string): void {
  if (length !== expected) throw new Error(`Samples have ${length} values, shape ${shapeText} needs ${expected}.`);
}
