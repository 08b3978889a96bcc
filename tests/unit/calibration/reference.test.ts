/**
 * Every calibration figure against an independent computation (numpy, scikit-learn, scipy) on fixed data:
 * tests/fixtures/calibration/make.py wrote the fixtures, and its README says how.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyTemperature,
  calibrationFigures,
  fitTemperature,
  indicesWhere,
  mcPredictionColumns,
  predictionColumns,
  reduceDistribution,
  reduceMcSamples,
  selectiveCurve,
  temperatureNll,
} from '../../../src/core/calibration';
import type { CalibrationFigures, CertaintyMeasure, PredictionColumns } from '../../../src/core/contracts/calibration';
import { softmax } from '../../../src/core/uncertainty';

interface ExpectedBins {
  eceWidth: number;
  eceMass: number;
  widthBins: { count: number; accuracy: number | null; confidence: number | null }[];
  massBins: { count: number; accuracy: number | null; confidence: number | null }[];
}
type ExpectedFigures = { accuracy: number; meanConfidence: number; nll: number; brier: number } & Record<
  string,
  ExpectedBins | number
>;
interface ExpectedSelective {
  accuracy: number[];
  area: number;
  auroc: number | null;
}
interface Fixture {
  classes: number;
  samples: number;
  logits: number[][];
  labels: number[];
  sampleProbs: number[][][];
  fit: number[];
  expected: {
    off: ExpectedFigures;
    mc: ExpectedFigures;
    offEntropy: number[];
    mcPredictiveEntropy: number[];
    mcExpectedEntropy: number[];
    mcMutualInformation: number[];
    selectiveOff: Record<string, ExpectedSelective>;
    selectiveMc: Record<string, ExpectedSelective>;
    temperature: {
      scipy: number;
      grid: number;
      fitNllBefore: number;
      fitNllAfter: number;
      testScaled: ExpectedFigures;
    };
  };
}

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/calibration/${name}.json`, import.meta.url), 'utf8')) as T;

const TOLERANCE = 1e-12;
const close = (actual: number, expected: number, tolerance = TOLERANCE) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);

function checkFigures(actual: CalibrationFigures, expected: ExpectedFigures, bins: number) {
  close(actual.accuracy, expected.accuracy);
  close(actual.meanConfidence, expected.meanConfidence);
  close(actual.nll, expected.nll);
  close(actual.brier, expected.brier);
  const reference = expected[`bins${bins}`] as ExpectedBins;
  close(actual.eceWidth, reference.eceWidth);
  close(actual.eceMass, reference.eceMass);
  for (const [kind, ours] of [
    ['widthBins', actual.widthBins],
    ['massBins', actual.massBins],
  ] as const) {
    const theirs = reference[kind];
    expect(ours.map((b) => b.count)).toEqual(theirs.map((b) => b.count));
    ours.forEach((bin, b) => {
      if (theirs[b].accuracy === null) expect(bin.accuracy).toBeNull();
      else close(bin.accuracy!, theirs[b].accuracy!);
      if (theirs[b].confidence === null) expect(bin.confidence).toBeNull();
      else close(bin.confidence!, theirs[b].confidence!);
    });
  }
}

function columnsOf(fixture: Fixture) {
  const n = fixture.labels.length;
  const C = fixture.classes;
  const trueId = Int32Array.from(fixture.labels);
  const off = predictionColumns(n);
  const mc = mcPredictionColumns(n);
  fixture.logits.forEach((z, i) => {
    reduceDistribution(off, i, softmax(z), trueId[i]);
    const samples = new Float64Array(fixture.samples * C);
    for (let t = 0; t < fixture.samples; t++) samples.set(fixture.sampleProbs[t][i], t * C);
    reduceMcSamples(mc, i, samples, [fixture.samples, C], trueId[i]);
  });
  return { trueId, off, mc };
}

describe.each(['overconfident', 'ties', 'underconfident'])('calibration figures on %s data', (name) => {
  const fixture = load<Fixture>(name);
  const { trueId, off, mc } = columnsOf(fixture);
  const expected = fixture.expected;

  it.each([10, 7])('accuracy, confidence, ECE (both binnings, every bin), NLL and Brier match, %i bins', (bins) => {
    checkFigures(calibrationFigures(off, trueId, bins), expected.off, bins);
    checkFigures(calibrationFigures(mc, trueId, bins), expected.mc, bins);
  });

  it('reduces each distribution and the MC samples to the reference entropies and mutual information', () => {
    trueId.forEach((_, i) => {
      close(off.entropy[i], expected.offEntropy[i]);
      close(mc.entropy[i], expected.mcPredictiveEntropy[i]);
      close(mc.expectedEntropy[i], expected.mcExpectedEntropy[i]);
      close(mc.mutualInformation[i], expected.mcMutualInformation[i]);
    });
  });

  it('gives the reference accuracy-coverage curves, their areas and AUROC (roc_auc_score) per measure', () => {
    const check = (columns: PredictionColumns, reference: Record<string, ExpectedSelective>) => {
      for (const [measure, theirs] of Object.entries(reference)) {
        const ours = selectiveCurve(columns, trueId, measure as CertaintyMeasure);
        expect(ours.accuracy.length).toBe(theirs.accuracy.length);
        ours.accuracy.forEach((a, k) => close(a, theirs.accuracy[k]));
        close(ours.area, theirs.area);
        if (theirs.auroc === null) expect(ours.auroc).toBeNull();
        else close(ours.auroc!, theirs.auroc);
      }
    };
    check(off, expected.selectiveOff);
    check(mc, expected.selectiveMc);
  });

  it('fits the temperature scipy and a 20,001-point grid find, and scores the test half as numpy does', () => {
    const rows = { values: Float64Array.from(fixture.logits.flat()), width: fixture.classes };
    const fitIndices = indicesWhere(Uint8Array.from(fixture.fit), 1);
    const testIndices = indicesWhere(Uint8Array.from(fixture.fit), 0);
    const fit = fitTemperature(rows, trueId, fitIndices);
    expect(Math.abs(Math.log(fit.temperature / expected.temperature.scipy))).toBeLessThan(1e-6);
    close(fit.fitNllBefore, expected.temperature.fitNllBefore);
    // At least as low as the brute-force grid's minimum and scipy's.
    expect(fit.fitNllAfter).toBeLessThanOrEqual(temperatureNll(rows, trueId, fitIndices, expected.temperature.grid));
    expect(fit.fitNllAfter).toBeLessThanOrEqual(expected.temperature.fitNllAfter + TOLERANCE);
    expect(fit.atBound).toBe(false);
    const scaled = predictionColumns(trueId.length);
    applyTemperature(scaled, rows, trueId, expected.temperature.scipy);
    for (const bins of [10, 7])
      checkFigures(calibrationFigures(scaled, trueId, bins, testIndices), expected.temperature.testScaled, bins);
  });
});

describe('two classes', () => {
  const fixture = load<{ probs: number[][]; labels: number[]; brierBinary: number; nll: number }>('binary');
  it("gives twice scikit-learn's binary Brier score (both classes' squared errors) and its log loss", () => {
    const trueId = Int32Array.from(fixture.labels);
    const columns = predictionColumns(trueId.length);
    fixture.probs.forEach((p, i) => reduceDistribution(columns, i, p, trueId[i]));
    const figures = calibrationFigures(columns, trueId, 10);
    close(figures.brier, 2 * fixture.brierBinary);
    close(figures.nll, fixture.nll);
  });
});
