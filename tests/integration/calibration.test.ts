/**
 * Calibration end to end (issue 24): the built-in encoder (each word piece masked in turn) and a tiny decoder
 * (each next token of one causal run) through the engine. With p = 0 the MC figures are the dropout-off figures
 * exactly; the dropout-off figures are those of the plain graph run here, independently, and fed to the core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrationFigures, predictionColumns, reduceDistribution } from '../../src/core/calibration';
import type { CalibrationResult, PredictionColumns } from '../../src/core/contracts/calibration';
import type { McDropoutSettings } from '../../src/core/contracts/uncertainty';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { CancelledError } from '../../src/core/model/errors';
import { loadModelFiles } from '../../src/core/model/load';
import { ModelTokenizer } from '../../src/core/model/tokenizer';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../src/core/runtime/feeds';
import { softmax } from '../../src/core/uncertainty';
import { decoderFeeds, ort } from '../helpers/decoder-runs';
import { buildTinyDecoder, type TinyDecoder } from '../helpers/tiny-decoder';
import { APP_BASE, diskFetch } from './disk-fetch';

const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const TEXTS = ['The old man walked to the river.', 'She opened the window and smiled.'];
const settings = (dropout: number, samples = 4): McDropoutSettings => ({
  samples,
  dropout,
  sites: ['attention', 'hidden'],
  stochasticLayers: 'all',
  seed: 3,
});

const COLUMNS = ['trueProb', 'maxProb', 'top1', 'entropy', 'sumSquares'] as const;

function expectSameColumns(a: PredictionColumns, b: PredictionColumns) {
  for (const key of COLUMNS) expect(Array.from(a[key]), key).toEqual(Array.from(b[key]));
}

/** Columns agree to `tolerance` (a batched plain run may differ from the dropout graph's row in the last bits). */
function expectCloseColumns(a: PredictionColumns, b: PredictionColumns, tolerance: number) {
  expect(Array.from(a.top1)).toEqual(Array.from(b.top1));
  for (const key of ['trueProb', 'maxProb', 'entropy', 'sumSquares'] as const)
    a[key].forEach((value, i) => expect(Math.abs(value - b[key][i]), `${key}[${i}]`).toBeLessThan(tolerance));
}

function expectFiguresClose(result: CalibrationResult, independent: PredictionColumns, tolerance: number) {
  const ours = result.summary.all.off;
  const theirs = calibrationFigures(independent, result.positions.trueId, result.summary.bins);
  for (const key of ['accuracy', 'meanConfidence', 'eceWidth', 'eceMass', 'nll', 'brier'] as const)
    expect(Math.abs(ours[key] - theirs[key]), key).toBeLessThan(tolerance);
  expect(ours.widthBins.map((b) => b.count)).toEqual(theirs.widthBins.map((b) => b.count));
}

describe('calibration on the built-in encoder (each word piece masked in turn)', () => {
  let engine: PlaygroundEngine;
  let plain: PreparedModel;

  beforeAll(async () => {
    configureWasm(environment);
    engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch });
    await engine.load({ kind: 'embedded', name: 'playground-bert-mini' }, { executionProvider: 'wasm' });
    const files = await loadModelFiles(
      { kind: 'embedded', name: 'playground-bert-mini' },
      { appBase: APP_BASE, fetchImpl: diskFetch },
    );
    plain = await prepareModel(files, 'wasm', 1);
  });
  afterAll(async () => plain?.release());

  it('scores every word piece but the special tokens, and p = 0 MC equals dropout off exactly', async () => {
    const result = await engine.calibrate({ texts: TEXTS, settings: settings(0) });
    expect(result.task).toBe('fill-mask');
    const expected = TEXTS.flatMap((text, t) => {
      const encoded = plain.tokenizer.encode(text, null, plain.info.maxPositions);
      return encoded.ids.flatMap((id, i) => (encoded.special[i] ? [] : [{ t, i, id }]));
    });
    expect(Array.from(result.positions.trueId)).toEqual(expected.map((e) => e.id));
    expect(Array.from(result.positions.position)).toEqual(expected.map((e) => e.i));
    expect(Array.from(result.positions.text)).toEqual(expected.map((e) => e.t));
    expectSameColumns(result.positions.mc, result.positions.off);
    expect(result.positions.mc.mutualInformation.every((mi) => mi === 0)).toBe(true);
    expect(result.summary.all.mc).toEqual(result.summary.all.off);
    expect(result.notes.join(' ')).toMatch(/p = 0/);
  });

  it('gives the dropout-off figures of the plain graph, run here on every masked copy', async () => {
    const result = await engine.calibrate({ texts: TEXTS, settings: settings(0.1) });
    const output = plain.description.roles.fillMask!;
    const maskId = plain.tokenizer.maskTokenId!;
    const independent = predictionColumns(result.positions.trueId.length);
    let g = 0;
    for (const text of TEXTS) {
      const encoded = plain.tokenizer.encode(text, null, plain.info.maxPositions);
      const targets = encoded.ids.flatMap((_, i) => (encoded.special[i] ? [] : [i]));
      const copies = targets.map((i) => ({
        ids: encoded.ids.map((id, j) => (j === i ? maskId : id)),
        typeIds: encoded.typeIds,
      }));
      const out = await plain.session.run(textFeeds(plain.session.inputNames, batchOf(copies)), [output]);
      const logits = await tensorToFloat32(out[output]);
      const [, seq, V] = out[output].dims.map(Number);
      targets.forEach((i, row) => {
        const at = (row * seq + i) * V;
        reduceDistribution(independent, g, softmax(logits.subarray(at, at + V)), encoded.ids[i]);
        g++;
      });
    }
    expectCloseColumns(result.positions.off, independent, 1e-6);
    expectFiguresClose(result, independent, 1e-6);
    // Dropout on: the samples disagree somewhere, and the fit/test halves cover every position.
    expect(result.positions.mc.mutualInformation.some((mi) => mi > 0)).toBe(true);
    expect(result.summary.test.off.count + result.summary.temperature.fitCount).toBe(g);
    expect(result.summary.temperature.temperature).toBeGreaterThan(0);
  });

  it('stops when cancelled, and refuses a text with fewer than two word pieces by saying so', async () => {
    let cancelled = false;
    const run = engine.calibrate(
      { texts: TEXTS, settings: settings(0.1, 8) },
      (progress) => {
        if (progress.done > 0 && !cancelled) {
          cancelled = true;
          engine.cancel('calibration-job');
        }
      },
      'calibration-job',
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await expect(engine.calibrate({ texts: ['dog'], settings: settings(0.1) })).rejects.toThrow(
      /at least two word pieces/,
    );
  });
});

describe('calibration on a tiny decoder (every next token of one causal run)', () => {
  const tiny: TinyDecoder = buildTinyDecoder({ family: 'gpt2', layout: 'merged', layers: 2 });
  const texts = ['the cat sat on the mat', 'a dog ran to the house and back'];
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
  let engine: PlaygroundEngine;

  beforeAll(async () => {
    engine = new PlaygroundEngine({ appBase: 'http://localhost/', environment });
    await engine.load(
      {
        kind: 'files',
        files: {
          onnx: { name: tiny.fileName, bytes: tiny.bytes.slice().buffer as ArrayBuffer },
          tokenizer: { name: 'tokenizer.json', bytes: json(tiny.tokenizerJson) },
          tokenizerConfig: { name: 'tokenizer_config.json', bytes: json(tiny.tokenizerConfig) },
          config: { name: 'config.json', bytes: json(tiny.configJson) },
        },
      },
      { executionProvider: 'wasm' },
    );
  });

  it('p = 0 MC equals dropout off exactly; dropout off is the plain export read at every position', async () => {
    const off = await engine.calibrate({ texts, settings: settings(0, 3) });
    expect(off.task).toBe('next-token');
    expectSameColumns(off.positions.mc, off.positions.off);
    expect(off.positions.mc.mutualInformation.every((mi) => mi === 0)).toBe(true);
    // One causal run per text: T + 1 = 4 rows fit one graph run.
    expect(off.run.graphRuns).toBe(texts.length);

    const tokenizer = new ModelTokenizer(JSON.stringify(tiny.tokenizerJson), JSON.stringify(tiny.tokenizerConfig));
    const session = await ort.InferenceSession.create(tiny.bytes, { executionProviders: ['wasm'] });
    const V = tiny.config.vocab;
    const independent = predictionColumns(off.positions.trueId.length);
    let g = 0;
    for (const text of texts) {
      const encoded = tokenizer.encode(text, null, tiny.config.maxPositions);
      const out = await session.run(decoderFeeds(tiny.config, [encoded.ids]), ['logits']);
      const logits = out.logits.data as Float32Array;
      for (let i = 1; i < encoded.ids.length; i++) {
        if (encoded.special[i]) continue;
        expect(off.positions.trueId[g]).toBe(encoded.ids[i]);
        reduceDistribution(independent, g, softmax(logits.subarray((i - 1) * V, i * V)), encoded.ids[i]);
        g++;
      }
    }
    expect(g).toBe(off.positions.trueId.length);
    expectCloseColumns(off.positions.off, independent, 1e-6);
    expectFiguresClose(off, independent, 1e-6);
    await session.release();

    const mc = await engine.calibrate({ texts, settings: settings(0.3, 5) });
    expectSameColumns(mc.positions.off, off.positions.off);
    expect(mc.positions.mc.mutualInformation.some((mi) => mi > 0)).toBe(true);
  });
});
