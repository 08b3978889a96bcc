/**
 * The calibration mode's downloads (one row per position, the summary as a table) and its plain-words
 * reading, on a small synthetic result: the rows carry the numbers the page computed, and the verdict on
 * "MC dropout makes the model less over-confident" follows the measured figures, not fixed prose.
 */
import { describe, expect, it } from 'vitest';
import {
  calibrationSummary,
  fitTestSplit,
  mcPredictionColumns,
  predictionColumns,
  measuredAnswer,
  readCalibration,
  reduceDistribution,
  reduceMcSamples,
} from '../../../src/core/calibration';
import type { CalibrationResult, CalibrationSummary } from '../../../src/core/contracts/calibration';
import { createRng } from '../../../src/core/random';
import { softmax } from '../../../src/core/uncertainty';
import {
  coverageTable,
  positionsJson,
  positionsTable,
  summaryJson,
  summaryTable,
} from '../../../src/ui/uncertainty/calibration/calibration-export';

const WIDTH = 5;
const N = 40;
const T = 4;

/** A model that is right on about 60% of positions, with dropout-off logits scaled by `sharpness`. */
function syntheticResult(sharpness: number): CalibrationResult {
  const random = createRng(7);
  const rng = () => random.nextFloat();
  const trueId = new Int32Array(N);
  const off = predictionColumns(N);
  const mc = mcPredictionColumns(N);
  const logProbs = new Float64Array(N * WIDTH);
  for (let i = 0; i < N; i++) {
    trueId[i] = i % WIDTH;
    const guess = rng() < 0.6 ? trueId[i] : (trueId[i] + 1) % WIDTH;
    const logits = Array.from({ length: WIDTH }, (_, k) => (k === guess ? 2 : rng()) * sharpness);
    const probs = softmax(logits);
    reduceDistribution(off, i, probs, trueId[i]);
    probs.forEach((p, k) => (logProbs[i * WIDTH + k] = Math.log(p)));
    const samples = new Float64Array(T * WIDTH);
    for (let t = 0; t < T; t++) samples.set(softmax(logits.map((l) => l * (0.3 + 0.4 * rng()))), t * WIDTH);
    reduceMcSamples(mc, i, samples, [T, WIDTH], trueId[i]);
  }
  const fit = fitTestSplit(N);
  const { summary, temperature } = calibrationSummary({
    trueId,
    off,
    mc,
    offLogProbs: { values: logProbs, width: WIDTH },
    fit,
    bins: 5,
  });
  return {
    task: 'fill-mask',
    settings: { samples: T, dropout: 0.1, sites: ['attention', 'hidden'], stochasticLayers: 'all', seed: 3 },
    positions: {
      text: new Int32Array(N),
      position: Int32Array.from({ length: N }, (_, i) => i + 1),
      token: Array.from({ length: N }, (_, i) => `tok${i}`),
      trueId,
      fit,
      off,
      mc,
      temperature,
    },
    summary,
    run: { graphRuns: 1, milliseconds: 5, mode: 'batched' },
    notes: [],
  };
}

describe('calibration exports', () => {
  const result = syntheticResult(3);

  it('has one row per position with its correctness, confidences, entropies and MI', () => {
    const table = positionsTable(result);
    expect(table.rows).toHaveLength(N);
    const col = (name: string) => table.header.indexOf(name);
    const p = result.positions;
    for (const i of [0, 17, N - 1]) {
      const row = table.rows[i];
      expect(row[col('token')]).toBe(`tok${i}`);
      expect(row[col('position')]).toBe(i + 1);
      expect(row[col('text')]).toBe(1);
      expect(row[col('half')]).toBe(p.fit[i] ? 'fit' : 'test');
      expect(row[col('correct_dropout_off')]).toBe(p.off.top1[i] === p.trueId[i]);
      expect(row[col('correct_mc')]).toBe(p.mc.top1[i] === p.trueId[i]);
      expect(row[col('confidence_dropout_off')]).toBe(p.off.maxProb[i]);
      expect(row[col('confidence_mc')]).toBe(p.mc.maxProb[i]);
      expect(row[col('confidence_temperature_scaled')]).toBe(p.temperature.maxProb[i]);
      expect(row[col('predictive_entropy_mc')]).toBe(p.mc.entropy[i]);
      expect(row[col('mutual_information_mc')]).toBe(p.mc.mutualInformation[i]);
    }
    const json = JSON.parse(positionsJson(result, 'tiny'));
    expect(json.positions).toHaveLength(N);
    expect(json.positions[3].confidence_mc).toBe(p.mc.maxProb[3]);
    expect(json.model).toBe('tiny');
  });

  it('puts every figure of the summary in its table and JSON', () => {
    const table = summaryTable(result);
    const col = (name: string) => table.header.indexOf(name);
    // 2 methods on every position, 3 on the test half, 2 + 3 selective curves.
    expect(table.rows).toHaveLength(10);
    const testTemperature = table.rows.find((r) => r[1] === 'test' && r[2] === 'temperature')!;
    expect(testTemperature[col('ece_equal_width')]).toBe(result.summary.test.temperature.eceWidth);
    expect(testTemperature[col('nll')]).toBe(result.summary.test.temperature.nll);
    expect(testTemperature[col('fitted_temperature')]).toBe(result.summary.temperature.temperature);
    const mi = table.rows.find((r) => r[0] === 'selective' && r[3] === 'mutualInformation')!;
    expect(mi[col('area_accuracy_coverage')]).toBe(result.summary.selective.mc[2].area);
    expect(mi[col('auroc_wrong_vs_right')]).toBe(result.summary.selective.mc[2].auroc);
    const json = JSON.parse(summaryJson(result, 'tiny'));
    expect(json.summary.selective.mc[0].accuracy).toHaveLength(N);
    expect(json.summary.test.off.eceMass).toBe(result.summary.test.off.eceMass);
  });

  it('lists each accuracy-coverage curve point by point', () => {
    const table = coverageTable(result);
    expect(table.rows).toHaveLength(5 * N);
    const last = table.rows.filter((r) => r[0] === 'mc' && r[1] === 'maxProbability').at(-1)!;
    expect(last[3]).toBe(1);
    expect(last[4]).toBeCloseTo(result.summary.all.mc.accuracy, 12);
  });
});

/** A summary whose test-half figures are set by hand, to drive the reading. */
function withTest(
  base: CalibrationSummary,
  off: { accuracy: number; meanConfidence: number; eceWidth: number; nll: number },
  mc: { accuracy: number; meanConfidence: number; eceWidth: number; nll: number },
): CalibrationSummary {
  return {
    ...base,
    test: { ...base.test, off: { ...base.test.off, ...off }, mc: { ...base.test.mc, ...mc } },
  };
}

describe('the plain-words reading', () => {
  const base = syntheticResult(3).summary;

  it('calls the claim supported when MC dropout narrows the gap and lowers ECE and NLL', () => {
    const reading = readCalibration(
      withTest(
        base,
        { accuracy: 0.6, meanConfidence: 0.8, eceWidth: 0.2, nll: 1.5 },
        { accuracy: 0.6, meanConfidence: 0.65, eceWidth: 0.06, nll: 1.1 },
      ),
    );
    expect(reading.verdict).toBe('supported');
    expect(reading.findings.join(' ')).toContain('0.200 → 0.060');
    expect(reading.findings.at(-1)).toMatch(/this model on this text.*not a law/);
  });

  it('calls it not supported when MC dropout makes things worse', () => {
    const reading = readCalibration(
      withTest(
        base,
        { accuracy: 0.6, meanConfidence: 0.7, eceWidth: 0.1, nll: 1.2 },
        { accuracy: 0.6, meanConfidence: 0.8, eceWidth: 0.2, nll: 1.4 },
      ),
    );
    expect(reading.verdict).toBe('not-supported');
  });

  it('says the text cannot test the claim when dropout off was under-confident', () => {
    const reading = readCalibration(
      withTest(
        base,
        { accuracy: 0.8, meanConfidence: 0.6, eceWidth: 0.2, nll: 1 },
        { accuracy: 0.8, meanConfidence: 0.5, eceWidth: 0.3, nll: 1.1 },
      ),
    );
    expect(reading.verdict).toBe('not-over-confident');
    expect(reading.findings.join(' ')).toMatch(/under-confident by 20\.0 points/);
  });

  it('calls a split result mixed', () => {
    const reading = readCalibration(
      withTest(
        base,
        { accuracy: 0.6, meanConfidence: 0.8, eceWidth: 0.2, nll: 1.0 },
        { accuracy: 0.6, meanConfidence: 0.7, eceWidth: 0.1, nll: 1.3 },
      ),
    );
    expect(reading.verdict).toBe('mixed');
  });

  it('on an over-confident synthetic model, temperature scaling is reported with its fitted T', () => {
    const reading = readCalibration(syntheticResult(6).summary);
    expect(reading.findings.join(' ')).toMatch(/Temperature scaling fitted T = \d+\.\d\d/);
  });
});

describe("the tour's measured answer", () => {
  it("quotes the run's own test-half figures and verdict, and says how it was measured", () => {
    const result = syntheticResult(6);
    const { off, mc } = result.summary.test;
    const answer = measuredAnswer(result);
    expect(answer).toMatch(
      new RegExp(
        `^Measured just now on ${N} word pieces \\(T = 4, p = 0\\.1, dropout in every layer\\), scored on the ${off.count} `,
      ),
    );
    expect(answer).toContain(`mean confidence of ${(100 * off.meanConfidence).toFixed(1)}%`);
    expect(answer).toContain(`(ECE ${off.eceWidth.toFixed(3)}, NLL ${off.nll.toFixed(3)})`);
    expect(answer).toContain(`(ECE ${mc.eceWidth.toFixed(3)}, NLL ${mc.nll.toFixed(3)})`);
    expect(answer).toContain(readCalibration(result.summary).findings[3]);
    const lastLayer = { ...result, settings: { ...result.settings, stochasticLayers: { lastK: 1 } } };
    expect(measuredAnswer(lastLayer)).toContain('dropout in the last layer only');
  });
});
