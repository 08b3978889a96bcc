/**
 * MC dropout (Gal & Ghahramani 2016): dropout kept on at inference, T stochastic forward passes, and
 * the statistics of their predictions.
 *
 * - The T samples and the deterministic prediction (the same graph with p = 0 for its row, bit-identical
 *   to the plain model) run together as batched graph runs (mc-sampling.ts). With only the last k layers
 *   stochastic, the session is tiled: a batch-1 input runs the deterministic prefix once and the graph
 *   expands it to the run's rows, and for ordinary inputs all T + 1 rows fit one run.
 * - Noise is drawn per sample from sampleSeed(seed, t), so the same seed gives the same samples whatever
 *   the rows per run, the first 16 samples of T = 32 are the samples of T = 16, and tiled and untiled
 *   runs with the same stochastic layers see the same masks.
 * - Fill-mask reads the vocabulary projection at the masked position only (restricted MLM head); each
 *   task's session computes only the output it reads (mc-sessions.ts).
 */
import { isCancelled, throwIfAborted } from '../../cancel';
import type { EncodedText } from '../../model/tokenizer';
import {
  mcStatistics,
  rankByUncertainty,
  runningEstimates,
  topKByMeanProbability,
  type McStatistics,
} from '../../uncertainty';
import { sampleProbabilities, type SampleTarget } from './mc-sampling';
import type { McSession } from './mc-sessions';
import type { PreparedModel } from '../model/prepare-model';
import {
  MAX_BATCH_INPUTS,
  MAX_DROPOUT,
  MAX_SAMPLES,
  type McBatchItem,
  type McBatchResult,
  type McDropoutSettings,
  type McPredictRequest,
  type McPredictionResult,
  type McProgressCallback,
  type McSummary,
  type McTask,
} from '../../contracts/uncertainty';
import { checkTypeIds } from '../model/model-consistency';
import { unknownOf } from '../model/unknown-characters';
import { unknownCharactersNote } from '../../model/tokenizer';

export function validateSettings(settings: McDropoutSettings, layers: number): McDropoutSettings {
  const { samples, dropout, seed } = settings;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES)
    throw new RangeError(`The number of samples T must be a whole number from 1 to ${MAX_SAMPLES}, got ${samples}.`);
  if (!(dropout >= 0 && dropout <= MAX_DROPOUT))
    throw new RangeError(`The dropout probability p must be between 0 and ${MAX_DROPOUT}, got ${dropout}.`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`The seed must be a whole number from 0 to 4294967295, got ${seed}.`);
  if (settings.sites.length === 0) throw new RangeError('Choose at least one dropout site.');
  const layersSetting = settings.stochasticLayers;
  if (
    layersSetting !== 'all' &&
    !(Number.isInteger(layersSetting.lastK) && layersSetting.lastK >= 1 && layersSetting.lastK <= layers)
  ) {
    throw new RangeError(`The number of stochastic layers must be from 1 to ${layers}, got ${layersSetting.lastK}.`);
  }
  return settings;
}

export function summarize(stats: McStatistics): McSummary {
  return {
    predictedIndex: stats.predictedClass,
    predictedProbability: stats.mean[stats.predictedClass],
    predictiveEntropy: stats.predictiveEntropy,
    expectedEntropy: stats.expectedEntropy,
    mutualInformation: stats.mutualInformation,
    variationRatio: stats.variationRatio,
    modalIndex: stats.modalClass,
    modalCount: stats.modalCount,
    deterministicIndex: stats.deterministic?.predictedClass ?? null,
    deterministicProbability: stats.deterministic
      ? stats.deterministic.probs[stats.deterministic.predictedClass]
      : null,
  };
}

export interface PreparedInput {
  encoded: EncodedText;
  target: SampleTarget;
  labelOf: (index: number) => string;
  /** Things about the input the user should know (shown as notes). */
  notes: string[];
  /** The samples also vary outside the graph (a trained head's own dropout), so p = 0 does not make them equal. */
  noiseOutsideGraph?: boolean;
}

/** How a run reads its input: prepareInput's encoding, or another task's (a trained head) given by the caller. */
export interface McRunOptions {
  signal?: AbortSignal;
  onProgress?: McProgressCallback;
  chunkRows?: number;
  /**
   * Prepares an input instead of prepareInput (the request's task must be the one it serves); `input` is the
   * input's index in batch mode (0 for one input), mixed into any noise the target draws itself.
   */
  prepare?: (request: McPredictRequest, input: number) => PreparedInput;
}

/** Encodes the input and finds what to read: the classifier output, or the MLM logits at the masked position. */
export function prepareInput(model: PreparedModel, request: McPredictRequest): PreparedInput {
  const roles = model.description.roles;
  const tokenizer = model.tokenizer;
  const encoded = tokenizer.encode(request.text, request.pair ?? null, model.info.maxPositions);
  checkTypeIds(encoded.typeIds, model.maxTypeId);
  if (request.task === 'classification') {
    if (!roles.classification)
      throw new Error('This model has no classifier head, so there are no class probabilities to sample.');
    const labels = model.info.classLabels;
    const width = roles.numLabels ?? labels?.length ?? 0;
    if (!width) throw new Error('The number of classes of the classifier is unknown.');
    return {
      encoded,
      target: { output: roles.classification, position: null, width },
      labelOf: (i) => labels?.[i] ?? `class ${i}`,
      notes: [],
    };
  }
  if (request.task === 'next-token') return prepareNextToken(model, encoded);
  if (request.task === 'head')
    throw new Error('The trained-head task runs through a head trained in the label tool; choose one first.');
  if (!roles.fillMask || tokenizer.maskTokenId === null)
    throw new Error(
      model.decoder
        ? 'This model is a causal decoder: it predicts the next token, not a masked one. Use the next-token task.'
        : 'This model has no fill-mask head (or its tokenizer has no mask token).',
    );
  const maskId = tokenizer.maskTokenId;
  const maskText = tokenizer.maskToken ?? '[MASK]';
  const notes: string[] = [];
  let position = request.maskPosition ?? null;
  if (position !== null) {
    const ownMasks = encoded.ids.filter((id, i) => id === maskId && i !== position).length;
    if (ownMasks > 0) {
      notes.push(
        `The sentence's own ${maskText} stays masked too (it is part of the text): the model sees ${ownMasks + 1} masked positions and the candidates are for the word you clicked. Edit the text to remove ${maskText} if you want only the clicked word masked.`,
      );
    }
    if (!Number.isInteger(position) || position < 0 || position >= encoded.ids.length)
      throw new RangeError(`Token position ${position} is outside the sentence (0..${encoded.ids.length - 1}).`);
    if (encoded.special[position] && encoded.ids[position] !== maskId)
      throw new RangeError(
        `Token ${position} (${encoded.tokens[position]}) is a special token; choose a word to mask.`,
      );
    encoded.ids = encoded.ids.slice();
    encoded.tokens = encoded.tokens.slice();
    encoded.ids[position] = maskId;
    encoded.tokens[position] = maskText;
    encoded.special = encoded.special.slice();
    encoded.special[position] = true;
  } else {
    position = encoded.ids.indexOf(maskId);
    if (position < 0) throw new Error(`Put ${maskText} in the sentence, or click a word to mask it.`);
    if (encoded.ids.indexOf(maskId, position + 1) >= 0)
      notes.push(`The sentence has more than one ${maskText}; the candidates are for the first.`);
  }
  const width = model.info.vocabSize;
  return {
    encoded,
    target: { output: roles.fillMask, position, width },
    labelOf: (i) => tokenizer.displayToken(i),
    notes,
  };
}

/** A decoder's next token: its logits at the last position of the text (the end of the prompt). */
function prepareNextToken(model: PreparedModel, encoded: EncodedText): PreparedInput {
  if (!model.decoder)
    throw new Error('The next-token task needs a causal decoder (GPT-2, Llama, …); this model is an encoder.');
  if (encoded.ids.length === 0) throw new Error('Type a text whose next token the model should predict.');
  const notes: string[] = [];
  if (encoded.untruncatedLength > encoded.ids.length)
    notes.push('The prediction is for the token after the part of the text that was kept.');
  return {
    encoded,
    target: { output: model.decoder.logits, position: encoded.ids.length - 1, width: model.info.vocabSize },
    labelOf: (i) => model.tokenizer.displayToken(i),
    notes,
  };
}

/** One input, T samples plus the deterministic prediction, with every statistic the tool shows. */
export async function runMcPrediction(
  model: PreparedModel,
  mc: McSession,
  request: McPredictRequest,
  settings: McDropoutSettings,
  options: McRunOptions = {},
): Promise<McPredictionResult> {
  validateSettings(settings, model.info.layers);
  const started = performance.now();
  const prepared = options.prepare ? options.prepare(request, 0) : prepareInput(model, request);
  const { encoded, target, labelOf, notes: inputNotes } = prepared;
  const unknown = unknownOf(model, request.pair ? `${request.text}\n${request.pair}` : request.text);
  if (unknown) inputNotes.push(unknownCharactersNote(unknown.characters, unknown.token)!);
  const T = settings.samples;
  const total = T + 1;
  options.onProgress?.({ done: 0, total });
  const sampled = await sampleProbabilities(model, mc, encoded, target, settings, {
    chunkRows: options.chunkRows,
    signal: options.signal,
    withDeterministic: true,
    onChunk: (done) => options.onProgress?.({ done, total }),
  });
  const samples = sampled.samples;
  const deterministic = sampled.deterministic!;
  throwIfAborted(options.signal);
  const width = target.width;
  const stats = mcStatistics(samples, [T, width], deterministic);
  const summary = summarize(stats);
  const running = runningEstimates(samples, [T, width], stats.predictedClass);

  let ids: number[];
  let mean: Float64Array;
  let std: Float64Array;
  let deterministicTop: McPredictionResult['deterministicTop'];
  // Every class of a classifier (the model's or a trained head) is shown; fill-mask and next-token show the top k.
  if (request.task === 'classification' || request.task === 'head') {
    ids = Array.from({ length: width }, (_, c) => c);
    mean = stats.mean;
    std = stats.std;
    deterministicTop = ids
      .map((c) => ({ id: c, label: labelOf(c), probability: deterministic[c] }))
      .sort((a, b) => b.probability - a.probability);
  } else {
    const k = Math.max(1, Math.min(request.topK ?? 10, 50, width));
    const candidates = topKByMeanProbability(samples, [T, width], k);
    ids = candidates.map((c) => c.index);
    // The same arithmetic as every other statistic (identical samples give std exactly 0).
    mean = Float64Array.from(ids, (id) => stats.mean[id]);
    std = Float64Array.from(ids, (id) => stats.std[id]);
    const detTop = topKByMeanProbability(deterministic, [1, width], k);
    deterministicTop = detTop.map((c) => ({ id: c.index, label: labelOf(c.index), probability: c.mean }));
  }
  const shown = new Float64Array(T * ids.length);
  for (let t = 0; t < T; t++)
    for (let j = 0; j < ids.length; j++) shown[t * ids.length + j] = samples[t * width + ids[j]];
  const notes = [...inputNotes];
  if (encoded.untruncatedLength > encoded.ids.length)
    notes.push(
      `The input has ${encoded.untruncatedLength} tokens; the model reads at most ${model.info.maxPositions}, so it was cut to ${encoded.ids.length}.`,
    );
  if ((request.task === 'fill-mask' || request.task === 'next-token') && mc.restrictionNote)
    notes.push(
      `The fill-mask head could not be limited to the masked position (${mc.restrictionNote}); all positions were computed.`,
    );
  if (settings.dropout === 0 && !prepared.noiseOutsideGraph)
    notes.push('p = 0: dropout is off, so every sample equals the deterministic prediction.');

  return {
    task: request.task,
    tokens: encoded.tokens,
    special: encoded.special,
    maskPosition: target.position,
    settings: { ...settings, sites: [...settings.sites] },
    labels: ids.map(labelOf),
    ids,
    samples: shown,
    mean,
    std,
    deterministic: Float64Array.from(ids, (id) => deterministic[id]),
    deterministicTop,
    summary: {
      ...summary,
      classes: width,
      predictedLabel: labelOf(summary.predictedIndex),
      modalLabel: labelOf(summary.modalIndex),
      deterministicLabel: summary.deterministicIndex === null ? null : labelOf(summary.deterministicIndex),
    },
    running: { label: labelOf(stats.predictedClass), ...running },
    run: {
      mode: mc.plan.tiledPrefix ? 'tiled' : 'batched',
      stochasticLayers: mc.plan.stochasticLayers,
      graphRuns: sampled.graphRuns,
      chunkRows: sampled.chunkRows,
      milliseconds: performance.now() - started,
    },
    notes,
    ...(request.head ? { head: { ...request.head } } : {}),
  };
}

/**
 * Several inputs, each with T samples (chunked as above; input n's sample t uses sampleSeed(seed, t, n)).
 * Inputs that cannot run (no [MASK], empty) get an error and no statistics; the others are summarised.
 */
export async function runMcBatch(
  model: PreparedModel,
  mc: McSession,
  texts: string[],
  task: McTask,
  settings: McDropoutSettings,
  options: McRunOptions = {},
): Promise<McBatchResult> {
  validateSettings(settings, model.info.layers);
  if (texts.length === 0) throw new Error('Enter at least one input (one per line).');
  if (texts.length > MAX_BATCH_INPUTS)
    throw new Error(`Batch mode takes at most ${MAX_BATCH_INPUTS} inputs; got ${texts.length}.`);
  const started = performance.now();
  const T = settings.samples;
  const total = texts.length * (T + 1);
  const items: McBatchItem[] = [];
  options.onProgress?.({ done: 0, total });
  for (const [n, text] of texts.entries()) {
    throwIfAborted(options.signal);
    const base = n * (T + 1);
    try {
      if (!text.trim()) throw new Error('The line is empty.');
      const request: McPredictRequest = { task, text };
      const { encoded, target, labelOf } = options.prepare ? options.prepare(request, n) : prepareInput(model, request);
      const { samples, deterministic } = await sampleProbabilities(model, mc, encoded, target, settings, {
        chunkRows: options.chunkRows,
        signal: options.signal,
        input: n,
        withDeterministic: true,
        onChunk: (done) => options.onProgress?.({ done: base + done, total }),
      });
      const summary = summarize(mcStatistics(samples, [T, target.width], deterministic!));
      items.push({
        index: n,
        text,
        error: null,
        summary: {
          ...summary,
          predictedLabel: labelOf(summary.predictedIndex),
          deterministicLabel: summary.deterministicIndex === null ? null : labelOf(summary.deterministicIndex),
        },
      });
    } catch (error) {
      if (isCancelled(error)) throw error;
      items.push({ index: n, text, error: (error as Error).message, summary: null });
    }
    options.onProgress?.({ done: base + T + 1, total });
  }
  const scores = items.map((item) => item.summary);
  const ranking = {
    mutualInformation: rankByUncertainty(scores, 'mutualInformation'),
    predictiveEntropy: rankByUncertainty(scores, 'predictiveEntropy'),
    variationRatio: rankByUncertainty(scores, 'variationRatio'),
  };
  return {
    task,
    settings: { ...settings, sites: [...settings.sites] },
    items,
    ranking,
    milliseconds: performance.now() - started,
  };
}
