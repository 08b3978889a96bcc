/**
 * Attention statistics over stacked attention probabilities [layers, heads, seq, seq] (pure, no DOM):
 * per-head summaries (entropy, distance, special/previous/self shares), hiding positions with
 * renormalisation, head averages and attention rollout. Padding is excluded via a length or mask.
 */
export type { AttentionShape, PaddingSpec } from './shape';
export { checkAttentionShape, validPositions } from './shape';
export { entropyNats, natsToBits, maxEntropyNats } from './entropy';
export { headSummaries, sortHeads, topHeads } from './head-stats';
export type { HeadSummary, HeadStatKey } from './head-stats';
export type { HiddenPositionsResult } from './hide-positions';
export { hidePositions } from './hide-positions';
export { averageHeads } from './head-average';
export type { RolloutOptions, RolloutResult } from './rollout';
export { attentionRollout } from './rollout';
export type { AttentionSampleStatistics, HeadStability } from './sample-statistics';
export { AttentionSampleAccumulator, accumulatorBytes, ACCUMULATOR_BYTES_PER_WEIGHT } from './sample-statistics';
