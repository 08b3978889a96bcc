/**
 * MC-dropout statistics (Gal & Ghahramani 2016) over [T, C] or [T, N, C] sample probabilities, in float64:
 * mean, sample std, predictive / expected entropy, mutual information (BALD), variation ratio, running
 * estimates, ranking, fill-mask top-k; plus softmax and small statistical tests for other modules' tests.
 */
export { entropy, argmax } from './entropy';
export { softmax } from './softmax';
export type { McStatistics, DeterministicComparison } from './mc-statistics';
export { mcStatistics, mutualInformation, MUTUAL_INFORMATION_TOLERANCE } from './mc-statistics';
export type { UncertaintyMeasure, UncertaintyScores } from './batch-ranking';
export { rankByUncertainty, UNCERTAINTY_MEASURES } from './batch-ranking';
export type { RunningEstimates } from './running-estimates';
export { runningEstimates } from './running-estimates';
export type { TokenCandidate } from './top-k';
export { topKByMeanProbability, selectTopK } from './top-k';
export type { ProportionInterval, KsTestResult } from './statistical-tests';
export { binomialInterval, twoSampleKsTest } from './statistical-tests';
export {
  logGamma,
  regularizedBeta,
  inverseRegularizedBeta,
  normalCdf,
  normalQuantile,
  kolmogorovSurvival,
} from './special-functions';
