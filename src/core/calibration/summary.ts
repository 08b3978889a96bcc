/**
 * The whole calibration report from reduced predictions: figures for dropout off and the MC mean on every
 * position; temperature scaling fitted on the fit half of the dropout-off log-probabilities and all three
 * methods scored on the test half (the same positions, so the comparison is fair); selective-prediction
 * curves and AUROC per certainty measure.
 */
import type { CalibrationSummary, McPredictionColumns, PredictionColumns } from '../contracts/calibration';
import { calibrationFigures, checkBins } from './metrics';
import { selectiveCurve } from './selective';
import { indicesWhere } from './split';
import { applyTemperature, fitTemperature, type LogProbRows } from './temperature';
import { predictionColumns } from './reduce';

export interface CalibrationInput {
  trueId: Int32Array;
  off: PredictionColumns;
  mc: McPredictionColumns;
  /** The dropout-off log-probabilities (or logits) of every position, for temperature scaling. */
  offLogProbs: LogProbRows;
  /** 1 = fit half (fitTestSplit). */
  fit: Uint8Array;
  bins: number;
}

export function calibrationSummary(input: CalibrationInput): {
  summary: CalibrationSummary;
  temperature: PredictionColumns;
} {
  const { trueId, off, mc, fit, bins } = input;
  checkBins(bins);
  const n = trueId.length;
  if (n < 2) throw new Error('Calibration needs at least two positions (one to fit the temperature, one to test).');
  if (input.offLogProbs.values.length !== n * input.offLogProbs.width)
    throw new Error('The dropout-off log-probabilities do not match the number of positions.');
  const fitIndices = indicesWhere(fit, 1);
  const testIndices = indicesWhere(fit, 0);
  const temperatureFit = fitTemperature(input.offLogProbs, trueId, fitIndices);
  const scaled = predictionColumns(n);
  applyTemperature(scaled, input.offLogProbs, trueId, temperatureFit.temperature);
  const summary: CalibrationSummary = {
    bins,
    all: { off: calibrationFigures(off, trueId, bins), mc: calibrationFigures(mc, trueId, bins) },
    test: {
      off: calibrationFigures(off, trueId, bins, testIndices),
      mc: calibrationFigures(mc, trueId, bins, testIndices),
      temperature: calibrationFigures(scaled, trueId, bins, testIndices),
    },
    temperature: temperatureFit,
    selective: {
      off: (['maxProbability', 'predictiveEntropy'] as const).map((m) => selectiveCurve(off, trueId, m)),
      mc: (['maxProbability', 'predictiveEntropy', 'mutualInformation'] as const).map((m) =>
        selectiveCurve(mc, trueId, m),
      ),
    },
  };
  return { summary, temperature: scaled };
}
