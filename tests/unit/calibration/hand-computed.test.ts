/** Calibration figures on cases small enough to work out by hand, and the behaviour a user relies on. */
import { describe, expect, it } from 'vitest';
import {
  aurocWrongVsRight,
  calibrationFigures,
  calibrationSummary,
  fitTemperature,
  fitTestSplit,
  mcPredictionColumns,
  predictionColumns,
  reduceDistribution,
  reduceMcSamples,
  selectiveCurve,
} from '../../../src/core/calibration';
import { TEMPERATURE_RANGE } from '../../../src/core/contracts/calibration';
import { createRng } from '../../../src/core/random';
import { softmax } from '../../../src/core/uncertainty';

// Right with 0.9, wrong with 0.6, right with 0.7, wrong with 0.8.
const PROBS = [
  [0.9, 0.1],
  [0.6, 0.4],
  [0.3, 0.7],
  [0.2, 0.8],
];
const TRUE = Int32Array.of(0, 1, 1, 0);

function handColumns() {
  const columns = predictionColumns(4);
  PROBS.forEach((p, i) => reduceDistribution(columns, i, p, TRUE[i]));
  return columns;
}

describe('four two-class predictions worked out by hand', () => {
  const columns = handColumns();

  it('accuracy 1/2, confidence 3/4, NLL, Brier 0.55', () => {
    const f = calibrationFigures(columns, TRUE, 10);
    expect(f.accuracy).toBe(0.5);
    expect(f.meanConfidence).toBeCloseTo(0.75, 15);
    expect(f.nll).toBeCloseTo(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.7) + Math.log(0.2)) / 4, 15);
    // (0.01 + 0.01) + (0.36 + 0.36) + (0.09 + 0.09) + (0.64 + 0.64), over 4.
    expect(f.brier).toBeCloseTo(0.55, 15);
  });

  it('ECE: one bin per confidence with 10 bins (0.45), one bin with 2 (0.25), equal-mass pairs (0.25)', () => {
    const ten = calibrationFigures(columns, TRUE, 10);
    expect(ten.eceWidth).toBeCloseTo((0.1 + 0.6 + 0.3 + 0.8) / 4, 15);
    expect(ten.widthBins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(ten.widthBins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, accuracy: null, confidence: null });
    const two = calibrationFigures(columns, TRUE, 2);
    expect(two.eceWidth).toBeCloseTo(0.25, 15);
    expect(two.massBins.map((b) => [b.count, b.accuracy, b.lower, b.upper])).toEqual([
      [2, 0.5, 0.6, 0.7],
      [2, 0.5, 0.8, 0.9],
    ]);
    expect(two.eceMass).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.35, 15);
  });

  it('abstaining on the least confident first: accuracy 1, 1/2, 2/3, 1/2; AUROC 3/4', () => {
    const curve = selectiveCurve(columns, TRUE, 'maxProbability');
    expect(Array.from(curve.accuracy)).toEqual([1, 0.5, 2 / 3, 0.5]);
    expect(curve.area).toBeCloseTo((1 + 0.5 + 2 / 3 + 0.5) / 4, 15);
    expect(curve.auroc).toBe(0.75);
  });

  it('dropout-off predictions have no mutual information to rank by', () => {
    expect(() => selectiveCurve(columns, TRUE, 'mutualInformation')).toThrow(/MC-dropout samples/);
  });
});

describe('AUROC as the Mann–Whitney statistic', () => {
  it('counts a tie between a wrong and a right position as one half', () => {
    expect(aurocWrongVsRight([1, 1, 1, 1], [1, 0, 1, 0])).toBe(0.5);
    // Wrong scores {2, 1}, right {1, 0}: pairs 2>1, 2>0, 1=1 (½), 1>0 → 3.5 / 4.
    expect(aurocWrongVsRight([2, 1, 1, 0], [0, 0, 1, 1])).toBe(0.875);
  });
  it('is undefined when every position is right, or every one wrong', () => {
    expect(aurocWrongVsRight([0.1, 0.2], [1, 1])).toBeNull();
    expect(aurocWrongVsRight([0.1, 0.2], [0, 0])).toBeNull();
  });
});

describe('bad input', () => {
  it('names the bin count or the true id that is wrong', () => {
    expect(() => calibrationFigures(handColumns(), TRUE, 1)).toThrow(/bins must be a whole number from 2 to 50, got 1/);
    expect(() => reduceDistribution(predictionColumns(1), 0, [0.5, 0.5], 2)).toThrow(/true id 2 is outside the 2/);
  });
});

describe('temperature scaling', () => {
  it('stops at the end of the range when every fit position is right and sure (no runaway)', () => {
    const rows = { values: Float64Array.of(5, 0, 0, 5), width: 2 };
    const fit = fitTemperature(rows, Int32Array.of(0, 1), [0, 1]);
    expect(fit.temperature).toBeCloseTo(TEMPERATURE_RANGE.min, 6);
    expect(fit.atBound).toBe(true);
  });

  it('on a synthetic over-confident model (logits × 3) finds T near 3 and lowers the ECE on the test half', () => {
    const rng = createRng(11);
    const n = 600;
    const C = 5;
    const logits = new Float64Array(n * C);
    const trueId = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const z = Array.from({ length: C }, () => rng.nextNormal());
      // The true token is drawn from softmax(z): the model that reports softmax(3z) is over-confident.
      const p = softmax(z);
      let u = rng.nextFloat();
      let y = 0;
      while (y < C - 1 && (u -= p[y]) > 0) y++;
      trueId[i] = y;
      z.forEach((v, k) => (logits[i * C + k] = 3 * v));
    }
    const off = predictionColumns(n);
    const mc = mcPredictionColumns(n);
    for (let i = 0; i < n; i++) {
      const p = softmax(logits.subarray(i * C, (i + 1) * C));
      reduceDistribution(off, i, p, trueId[i]);
      reduceMcSamples(mc, i, p, [1, C], trueId[i]);
    }
    const { summary } = calibrationSummary({
      trueId,
      off,
      mc,
      offLogProbs: { values: logits, width: C },
      fit: fitTestSplit(n),
      bins: 10,
    });
    expect(summary.temperature.temperature).toBeGreaterThan(2.4);
    expect(summary.temperature.temperature).toBeLessThan(3.6);
    expect(summary.test.temperature.eceWidth).toBeLessThan(summary.test.off.eceWidth / 2);
    expect(summary.test.temperature.nll).toBeLessThan(summary.test.off.nll);
    // Scaling never changes the top-1 guess, so the accuracy stays.
    expect(summary.test.temperature.accuracy).toBe(summary.test.off.accuracy);
  });
});

describe('the fit/test split', () => {
  it('is fixed for a given count and puts ⌊n/2⌋ positions in the fit half', () => {
    expect(fitTestSplit(9)).toEqual(fitTestSplit(9));
    expect(fitTestSplit(9).reduce((a, b) => a + b, 0)).toBe(4);
    expect(fitTestSplit(1000).reduce((a, b) => a + b, 0)).toBe(500);
  });
});
