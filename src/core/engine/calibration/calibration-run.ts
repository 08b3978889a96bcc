/**
 * Calibration of a model on the user's text (issue 24): every word piece predicted with dropout off and with
 * MC dropout, reduced to per-position numbers as it comes (src/core/calibration), then summarised.
 *
 * - Encoder: each word piece masked in turn; its T samples and the dropout-off row run together through the
 *   uncertainty tool's sampling (sampleProbabilities: restricted head, tiled prefix when only the last k layers
 *   are stochastic), with position g's sample t seeded by sampleSeed(seed, t, g).
 * - Decoder: one causal run per text gives every next-token distribution at once (an unrestricted head); the
 *   T + 1 rows use the same noise feeds as the tool (text n's sample t seeded by sampleSeed(seed, t, n)) and the
 *   samples are folded per position (McAccumulator), never held together.
 * - Labelled rows (the label tool's data): each row through the classification head, its dropout-off row and T
 *   samples through the same sampling (row g's sample t seeded by sampleSeed(seed, t, g)); one position per row.
 * - Only the dropout-off log-probabilities are kept whole (float32), because temperature scaling refits them.
 */
import { throwIfAborted } from '../../cancel';
import {
  calibrationSummary,
  checkBins,
  fitTestSplit,
  McAccumulator,
  mcPredictionColumns,
  predictionColumns,
  reduceDistribution,
  reduceMcSamples,
} from '../../calibration';
import {
  DEFAULT_CALIBRATION_BINS,
  type CalibrationProgressCallback,
  type CalibrationRequest,
  type CalibrationResult,
  type McPredictionColumns,
  type PredictionColumns,
} from '../../contracts/calibration';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import { softmax } from '../../uncertainty';
import type { PreparedModel } from '../model/prepare-model';
import { validateSettings } from '../uncertainty/mc-dropout-run';
import { noiseFeeds, rowsPerRun, sampleProbabilities } from '../uncertainty/mc-sampling';
import type { McSession } from '../uncertainty/mc-sessions';
import { planCalibration, type CalibrationPlan } from './calibration-positions';
import { planRows, type RowPlan } from './calibration-rows';

/** log p clamped to the smallest double's log, so a probability that underflowed stays finite. */
const MIN_LOG_PROB = Math.log(Number.MIN_VALUE);

interface Collected {
  trueId: Int32Array;
  off: PredictionColumns;
  mc: McPredictionColumns;
  logProbs: Float32Array;
  width: number;
  graphRuns: number;
}

function storeOff(into: Collected, index: number, probs: Float64Array, offset: number, trueId: number): void {
  const { width } = into;
  reduceDistribution(into.off, index, probs, trueId, offset, width);
  for (let k = 0; k < width; k++)
    into.logProbs[index * width + k] = Math.max(MIN_LOG_PROB, Math.log(probs[offset + k]));
}

export async function runCalibration(
  model: PreparedModel,
  mc: McSession,
  request: CalibrationRequest,
  options: { signal?: AbortSignal; onProgress?: CalibrationProgressCallback } = {},
): Promise<CalibrationResult> {
  const settings = validateSettings(request.settings, model.info.layers);
  const bins = checkBins(request.bins ?? DEFAULT_CALIBRATION_BINS);
  const started = performance.now();
  const rowPlan = request.rows ? planRows(model, request.rows) : null;
  const plan = rowPlan ? null : planCalibration(model, request.texts);
  const width = rowPlan ? rowPlan.labels.length : model.info.vocabSize;
  const n = rowPlan ? rowPlan.rows.length : plan!.positions;
  const collected: Collected = {
    trueId: new Int32Array(n),
    off: predictionColumns(n),
    mc: mcPredictionColumns(n),
    logProbs: new Float32Array(n * width),
    width,
    graphRuns: 0,
  };
  const text = new Int32Array(n);
  const position = new Int32Array(n);
  const token: string[] = [];
  if (rowPlan)
    rowPlan.rows.forEach((row, g) => {
      text[g] = row.row;
      collected.trueId[g] = row.classId;
      token.push(rowPlan.labels[row.classId]);
    });
  else
    for (const [t, entry] of plan!.texts.entries())
      entry.targets.forEach((i, j) => {
        text[entry.first + j] = t;
        position[entry.first + j] = i;
        collected.trueId[entry.first + j] = entry.encoded.ids[i];
        token.push(entry.encoded.tokens[i]);
      });
  if (rowPlan) await scoreRows(model, mc, rowPlan, settings, collected, options);
  else if (plan!.task === 'fill-mask') await scoreMasked(model, mc, plan!, settings, collected, options);
  else await scoreNextTokens(model, mc, plan!, settings, collected, options);
  throwIfAborted(options.signal);

  const fit = fitTestSplit(n);
  const { summary, temperature } = calibrationSummary({
    trueId: collected.trueId,
    off: collected.off,
    mc: collected.mc,
    offLogProbs: { values: collected.logProbs, width },
    fit,
    bins,
  });
  const notes = [...(rowPlan ?? plan!).notes];
  if (settings.dropout === 0) notes.push('p = 0: dropout is off, so the MC figures equal the dropout-off figures.');
  return {
    task: rowPlan ? 'classification' : plan!.task,
    ...(rowPlan ? { unmatched: rowPlan.unmatched, classLabels: [...rowPlan.labels] } : {}),
    settings: { ...settings, sites: [...settings.sites] },
    positions: {
      text,
      position,
      token,
      trueId: collected.trueId,
      fit,
      off: collected.off,
      mc: collected.mc,
      temperature,
    },
    summary,
    run: {
      graphRuns: collected.graphRuns,
      milliseconds: performance.now() - started,
      mode: mc.plan.tiledPrefix ? 'tiled' : 'batched',
    },
    notes,
  };
}

/** Labelled rows: each row's class probabilities, dropout off and T samples, through the tool's sampling. */
async function scoreRows(
  model: PreparedModel,
  mc: McSession,
  plan: RowPlan,
  settings: CalibrationRequest['settings'],
  into: Collected,
  options: { signal?: AbortSignal; onProgress?: CalibrationProgressCallback },
): Promise<void> {
  const T = settings.samples;
  const total = plan.rows.length * (T + 1);
  options.onProgress?.({ done: 0, total, phase: 'scoring' });
  for (const [g, row] of plan.rows.entries()) {
    await scoreOne(model, mc, row.encoded, { output: plan.output, position: null }, g, total, settings, into, options);
  }
}

/** One scored input (a row, or a text with one target masked): its dropout-off row and T samples, stored at g. */
async function scoreOne(
  model: PreparedModel,
  mc: McSession,
  encoded: Parameters<typeof sampleProbabilities>[2],
  target: { output: string; position: number | null },
  g: number,
  total: number,
  settings: CalibrationRequest['settings'],
  into: Collected,
  options: { signal?: AbortSignal; onProgress?: CalibrationProgressCallback },
): Promise<void> {
  const T = settings.samples;
  const run = await sampleProbabilities(model, mc, encoded, { ...target, width: into.width }, settings, {
    signal: options.signal,
    input: g,
    withDeterministic: true,
    yieldBetweenRuns: true,
    onChunk: (done) => options.onProgress?.({ done: g * (T + 1) + done, total, phase: 'scoring' }),
  });
  into.graphRuns += run.graphRuns;
  storeOff(into, g, run.deterministic!, 0, into.trueId[g]);
  reduceMcSamples(into.mc, g, run.samples, [T, into.width], into.trueId[g]);
}

/** Encoder: each target masked in turn, its dropout-off row and T samples through the tool's sampling. */
async function scoreMasked(
  model: PreparedModel,
  mc: McSession,
  plan: CalibrationPlan,
  settings: CalibrationRequest['settings'],
  into: Collected,
  options: { signal?: AbortSignal; onProgress?: CalibrationProgressCallback },
): Promise<void> {
  const maskId = model.tokenizer.maskTokenId!;
  const T = settings.samples;
  const total = plan.positions * (T + 1);
  options.onProgress?.({ done: 0, total, phase: 'scoring' });
  for (const entry of plan.texts)
    for (const [j, i] of entry.targets.entries()) {
      const g = entry.first + j;
      const ids = entry.encoded.ids.slice();
      ids[i] = maskId;
      const target = { output: model.description.roles.fillMask!, position: i };
      await scoreOne(model, mc, { ids, typeIds: entry.encoded.typeIds }, target, g, total, settings, into, options);
    }
}

/** Decoder: one causal run per text (T + 1 rows, chunked), every position's next token read from it. */
async function scoreNextTokens(
  model: PreparedModel,
  mc: McSession,
  plan: CalibrationPlan,
  settings: CalibrationRequest['settings'],
  into: Collected,
  options: { signal?: AbortSignal; onProgress?: CalibrationProgressCallback },
): Promise<void> {
  if (mc.restriction) throw new Error('The next-token calibration needs the logits at every position.');
  const output = model.decoder!.logits;
  const T = settings.samples;
  const total = plan.texts.length * (T + 1);
  options.onProgress?.({ done: 0, total, phase: 'scoring' });
  for (const [n, entry] of plan.texts.entries()) {
    if (entry.targets.length === 0) continue;
    const seq = entry.encoded.ids.length;
    const chunkRows = Math.max(1, Math.min(rowsPerRun(model.info, mc.plan, seq, seq * into.width), T + 1));
    const accumulators = entry.targets.map(() => new McAccumulator(into.width));
    for (let start = 0; start < T + 1; start += chunkRows) {
      // A macrotask turn so the worker reads a cancel message between runs.
      await new Promise((resolve) => setTimeout(resolve, 0));
      throwIfAborted(options.signal);
      const rows = Math.min(chunkRows, T + 1 - start);
      const withLead = start === 0;
      const feeds = {
        ...textFeeds(
          mc.session.inputNames,
          batchOf(Array.from({ length: mc.plan.tiledPrefix ? 1 : rows }, () => entry.encoded)),
          model.decoder,
        ),
        ...noiseFeeds(mc.plan, seq, withLead ? 0 : start - 1, withLead ? rows - 1 : rows, settings, n, withLead),
      };
      const results = await model.runs.run(() => {
        throwIfAborted(options.signal);
        into.graphRuns++;
        return mc.session.run(feeds, [output]);
      });
      const tensor = results[output];
      const dims = tensor.dims.map(Number);
      if (dims.length !== 3 || dims[0] !== rows || dims[1] !== seq || dims[2] !== into.width)
        throw new Error(`Output ${output} is [${dims.join(', ')}], expected [${rows}, ${seq}, ${into.width}].`);
      const logits = await tensorToFloat32(tensor);
      tensor.dispose?.();
      for (let r = 0; r < rows; r++)
        entry.targets.forEach((i, j) => {
          // Token i is predicted from the logits at i − 1.
          const at = (r * seq + i - 1) * into.width;
          const probs = softmax(logits.subarray(at, at + into.width), into.width);
          if (withLead && r === 0) storeOff(into, entry.first + j, probs, 0, into.trueId[entry.first + j]);
          else accumulators[j].add(probs);
        });
      options.onProgress?.({ done: n * (T + 1) + start + rows, total, phase: 'scoring' });
    }
    accumulators.forEach((accumulator, j) =>
      accumulator.reduceInto(into.mc, entry.first + j, into.trueId[entry.first + j]),
    );
  }
}
