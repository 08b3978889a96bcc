/**
 * Calibration and selective prediction of reduced predictive distributions (issue 24), pure and DOM-free:
 * reduction of a distribution or MC samples to per-position numbers, ECE / NLL / Brier / reliability bins,
 * temperature scaling, accuracy-coverage curves and AUROC.
 */
export { predictionColumns, mcPredictionColumns, reduceDistribution, reduceMcSamples } from './reduce';
export { McAccumulator } from './mc-accumulator';
export {
  calibrationFigures,
  checkBins,
  correctness,
  equalMassBins,
  equalWidthBins,
  expectedCalibrationError,
} from './metrics';
export { accuracyCoverage, aurocWrongVsRight, selectiveCurve, uncertaintyScores } from './selective';
export { fitTestSplit, indicesWhere } from './split';
export type { LogProbRows } from './temperature';
export { applyTemperature, fitTemperature, minimizeOverLogTemperature, temperatureNll } from './temperature';
export type { CalibrationInput } from './summary';
export { calibrationSummary } from './summary';
export { FIGURE_MEANINGS, measuredAnswer, readCalibration } from './explain';
export type { CalibrationReading, ClaimVerdict } from './explain';
