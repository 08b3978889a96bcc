/** MC-dropout statistics for a batch of inputs, [T, N, C], and ranking of the inputs by uncertainty. */
import { checkSamples, statisticsAt, type McStatistics } from './mc-statistics';

export function mcBatchStatistics(
  samples: ArrayLike<number>,
  shape: readonly [samples: number, inputs: number, classes: number],
  deterministic?: ArrayLike<number>,
): McStatistics[] {
  const [T, N, C] = shape;
  checkSamples(samples.length, T * N * C, `[${T}, ${N}, ${C}]`);
  if (deterministic && deterministic.length !== N * C) {
    throw new Error(`Deterministic predictions have ${deterministic.length} values, [${N}, ${C}] needs ${N * C}.`);
  }
  const out: McStatistics[] = [];
  for (let n = 0; n < N; n++) {
    const det = deterministic ? Float64Array.from({ length: C }, (_, c) => deterministic[n * C + c]) : undefined;
    out.push(statisticsAt(samples, n * C, N * C, T, C, det));
  }
  return out;
}

export type UncertaintyMeasure = 'mutualInformation' | 'predictiveEntropy' | 'variationRatio';

/** Input indices, most uncertain first by the chosen measure; ties keep the lower index first. */
export function rankByUncertainty(stats: readonly McStatistics[], by: UncertaintyMeasure): number[] {
  return stats.map((_, i) => i).sort((x, y) => stats[y][by] - stats[x][by] || x - y);
}
