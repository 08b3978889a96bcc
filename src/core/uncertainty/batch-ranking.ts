/** Ranking of batch inputs by uncertainty (the order the batch table shows). */
import type { McStatistics } from './mc-statistics';

export type UncertaintyMeasure = 'mutualInformation' | 'predictiveEntropy' | 'variationRatio';
export const UNCERTAINTY_MEASURES: readonly UncertaintyMeasure[] = [
  'mutualInformation',
  'predictiveEntropy',
  'variationRatio',
];

/** What ranking reads of an input's statistics (McStatistics or a summary of them). */
export type UncertaintyScores = Pick<McStatistics, UncertaintyMeasure>;

/**
 * Input indices, most uncertain first by the chosen measure; ties keep the lower index first. Inputs
 * without statistics (null: the input could not run) come last, in input order.
 */
export function rankByUncertainty(scores: readonly (UncertaintyScores | null)[], by: UncertaintyMeasure): number[] {
  const indices = scores.map((_, i) => i);
  const ranked = indices.filter((i) => scores[i] !== null).sort((x, y) => scores[y]![by] - scores[x]![by] || x - y);
  return [...ranked, ...indices.filter((i) => scores[i] === null)];
}
