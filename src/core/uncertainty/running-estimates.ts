/**
 * Running MC estimates after t = 1..T samples, for the convergence plot. O(T·C): the running sums are
 * updated once per sample and the predictive entropy of the running mean costs O(C) per step.
 * The arithmetic (x₀ + Σ(x_s − x₀)/t) matches mc-statistics.ts, so the t = T values equal the batch ones.
 */
import { entropy } from './entropy';
import { checkSamples, mutualInformation } from './mc-statistics';

export interface RunningEstimates {
  /** Running mean probability of `chosenClass` after t+1 samples, index t. */
  meanOfClass: Float64Array;
  predictiveEntropy: Float64Array;
  expectedEntropy: Float64Array;
  mutualInformation: Float64Array;
}

export function runningEstimates(
  samples: ArrayLike<number>,
  shape: readonly [samples: number, classes: number],
  chosenClass: number,
): RunningEstimates {
  const [T, C] = shape;
  checkSamples(samples.length, T * C, `[${T}, ${C}]`);
  if (!Number.isInteger(chosenClass) || chosenClass < 0 || chosenClass >= C) {
    throw new Error(`Chosen class ${chosenClass} is outside 0..${C - 1}.`);
  }
  const sumDeviation = new Float64Array(C);
  const mean = new Float64Array(C);
  const out: RunningEstimates = {
    meanOfClass: new Float64Array(T),
    predictiveEntropy: new Float64Array(T),
    expectedEntropy: new Float64Array(T),
    mutualInformation: new Float64Array(T),
  };
  const entropy0 = T > 0 ? entropy(samples, 0, C) : 0;
  let entropyDeviation = 0;
  for (let t = 0; t < T; t++) {
    const row = t * C;
    const count = t + 1;
    for (let c = 0; c < C; c++) {
      sumDeviation[c] += samples[row + c] - samples[c];
      mean[c] = samples[c] + sumDeviation[c] / count;
    }
    entropyDeviation += entropy(samples, row, C) - entropy0;
    const predictive = entropy(mean);
    const expected = entropy0 + entropyDeviation / count;
    out.meanOfClass[t] = mean[chosenClass];
    out.predictiveEntropy[t] = predictive;
    out.expectedEntropy[t] = expected;
    out.mutualInformation[t] = mutualInformation(predictive, expected);
  }
  return out;
}
