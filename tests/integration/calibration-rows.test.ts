/**
 * Calibration of a classification head on labelled rows (issue 24): a tiny sequence-classification export
 * (output `logits` [batch, num_labels], id2label in config.json) through the engine. The per-row figures are
 * checked against an independent computation here: the plain export run on each row, and accuracy, confidence,
 * ECE, NLL and Brier written out by hand from its probabilities.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { McDropoutSettings } from '../../src/core/contracts/uncertainty';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { ModelTokenizer } from '../../src/core/model/tokenizer';
import { batchOf, textFeeds } from '../../src/core/runtime/feeds';
import { ort } from '../helpers/decoder-runs';
import { tinyTokenizerJson } from '../helpers/onnx-tiny-tokenizer';
import { buildTinySequenceClassifier } from '../helpers/tiny-sequence-classifier';

const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const settings = (dropout: number, samples = 4): McDropoutSettings => ({
  samples,
  dropout,
  sites: ['attention', 'hidden'],
  stochasticLayers: 'all',
  seed: 5,
});

const classifier = buildTinySequenceClassifier();
const [A, B, C] = classifier.labels;
const ROWS = [
  { text: 'the cat sat on the mat', label: A },
  { text: 'i love this movie', label: B },
  { text: 'the dog walked', label: 'not-a-class' },
  { text: 'a bad film', label: C },
  { text: 'the king and the queen', label: A },
  { text: 'paris is in france', label: B },
  { text: 'berlin', label: ' ' + C + ' ' },
  { text: 'the woman played', label: 'Positive!' },
  { text: 'good cats walking', label: C },
];
const MATCHED = ROWS.flatMap((row, i) => (classifier.labels.includes(row.label.trim()) ? [i] : []));

/** Softmax in float64 from float32 logits. */
function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

describe('calibration of a sequence-classification head on labelled rows', () => {
  const engine = new PlaygroundEngine({ appBase: 'http://localhost/', environment });
  const probs: number[][] = [];

  beforeAll(async () => {
    await engine.load({ kind: 'files', files: classifier.files() }, { executionProvider: 'wasm' });
    const tokenizer = new ModelTokenizer(
      JSON.stringify(tinyTokenizerJson()),
      JSON.stringify({ do_lower_case: true, mask_token: '[MASK]' }),
    );
    const session = await ort.InferenceSession.create(classifier.bytes, { executionProviders: ['wasm'] });
    for (const i of MATCHED) {
      const encoded = tokenizer.encode(ROWS[i].text, null, classifier.maxPositions);
      const out = await session.run(textFeeds(session.inputNames, batchOf([encoded])), ['logits']);
      probs.push(softmax(out.logits.data as Float32Array));
    }
    await session.release();
  });

  it('scores each row whose label is a class, and reports the others by count, label and example', async () => {
    const result = await engine.calibrate({ texts: [], rows: ROWS, settings: settings(0.2), bins: 4 });
    expect(result.task).toBe('classification');
    expect(result.classLabels).toEqual(classifier.labels);
    expect(Array.from(result.positions.text)).toEqual(MATCHED);
    expect(Array.from(result.positions.trueId)).toEqual(
      MATCHED.map((i) => classifier.labels.indexOf(ROWS[i].label.trim())),
    );
    expect(result.unmatched).toEqual({
      count: 2,
      labels: ['not-a-class', 'Positive!'],
      examples: [
        { row: 2, text: 'the dog walked', label: 'not-a-class' },
        { row: 7, text: 'the woman played', label: 'Positive!' },
      ],
    });
    expect(result.notes.join(' ')).toMatch(/2 of 9 rows were not scored.*not-a-class/);
    expect(result.positions.mc.mutualInformation.some((mi) => mi > 0)).toBe(true);
  });

  it('gives the figures of the plain export, computed independently, and p = 0 MC equals dropout off', async () => {
    const bins = 4;
    const result = await engine.calibrate({ texts: [], rows: ROWS, settings: settings(0), bins });
    const n = MATCHED.length;
    const trueIds = Array.from(result.positions.trueId);
    const confidence = probs.map((p) => Math.max(...p));
    const correct = probs.map((p, r) => (p.indexOf(Math.max(...p)) === trueIds[r] ? 1 : 0));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const nll = mean(probs.map((p, r) => -Math.log(p[trueIds[r]])));
    const brier = mean(probs.map((p, r) => p.reduce((s, q, k) => s + (q - (k === trueIds[r] ? 1 : 0)) ** 2, 0)));
    let ece = 0;
    for (let b = 0; b < bins; b++) {
      const members = confidence.flatMap((c, r) => (Math.min(bins - 1, Math.floor(c * bins)) === b ? [r] : []));
      if (members.length === 0) continue;
      const gap = mean(members.map((r) => confidence[r])) - mean(members.map((r) => correct[r]));
      ece += (members.length / n) * Math.abs(gap);
    }
    const off = result.summary.all.off;
    expect(off.count).toBe(n);
    expect(off.accuracy).toBeCloseTo(mean(correct), 12);
    expect(Math.abs(off.meanConfidence - mean(confidence))).toBeLessThan(1e-6);
    expect(Math.abs(off.nll - nll)).toBeLessThan(1e-6);
    expect(Math.abs(off.brier - brier)).toBeLessThan(1e-6);
    expect(Math.abs(off.eceWidth - ece)).toBeLessThan(1e-6);
    expect(result.summary.all.mc).toEqual(off);
    expect(result.positions.mc.mutualInformation.every((mi) => mi === 0)).toBe(true);
    // Selective prediction and AUROC are there for each measure; temperature scaling fitted and scored on halves.
    expect(result.summary.selective.mc.map((curve) => curve.measure)).toEqual([
      'maxProbability',
      'predictiveEntropy',
      'mutualInformation',
    ]);
    expect(result.summary.temperature.fitCount + result.summary.test.temperature.count).toBe(n);
  });

  it('says what is wrong when no row has one of the model’s labels, or there are no rows', async () => {
    await expect(
      engine.calibrate({
        texts: [],
        rows: ROWS.map((row) => ({ ...row, label: 'noun.animal' })),
        settings: settings(0.1),
      }),
    ).rejects.toThrow(/at least two rows whose label is one of the model's classes.*none of the 9 rows.*noun\.animal/);
    await expect(engine.calibrate({ texts: [], rows: [], settings: settings(0.1) })).rejects.toThrow(
      /label tool has no rows/,
    );
  });
});
