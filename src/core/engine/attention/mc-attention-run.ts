/**
 * MC-dropout attention: T samples of every layer's attention probabilities with dropout kept on, folded into
 * running statistics as each graph run returns (src/core/attention/sample-statistics.ts), beside the
 * dropout-off attention of the plain run.
 *
 * - The dropout graph is the uncertainty tool's (same sites, p, stochastic layers, tiling and per-sample noise
 *   from sampleSeed(seed, t)), with the attention Softmax outputs as its only outputs (mc-sessions.ts).
 * - What is sampled is each layer's Softmax output: a distribution over keys. A layer's own attention dropout
 *   acts after its Softmax, and its residual dropout after its attention, so a layer's weights vary only through
 *   the dropout of the layers below it: the first stochastic layer and every layer before it have zero spread.
 * - Memory: the statistics take mcAttentionBytesPerLayer per layer. When every layer does not fit the budget,
 *   the layers that fit around the focus layer are sampled, and the view says which.
 */
import { accumulatorBytes, AttentionSampleAccumulator } from '../../attention';
import { throwIfAborted } from '../../cancel';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import { noiseFeeds, rowsPerRun } from '../uncertainty/mc-sampling';
import { validateSettings } from '../uncertainty/mc-dropout-run';
import type { McSession } from '../uncertainty/mc-sessions';
import type { PreparedModel } from '../model/prepare-model';
import type { AttentionResult } from './attention-run';
import {
  MAX_MC_ATTENTION_SAMPLES,
  MC_ATTENTION_MEMORY_BUDGET_BYTES,
  MIN_MC_ATTENTION_SAMPLES,
  type McAttentionProgress,
  type McAttentionView,
} from '../../contracts/attention';
import type { McDropoutSettings } from '../../contracts/uncertainty';

/** Bytes one layer's MC statistics take: the accumulator and its result, the dropout-off copy and one sample. */
export function mcAttentionBytesPerLayer(heads: number, seq: number): number {
  return accumulatorBytes(1, heads, seq) + 2 * 4 * heads * seq * seq;
}

export interface McAttentionLayerPlan {
  /** The model's layers to sample, ascending. */
  layers: number[];
  allLayersBytes: number;
  usedBytes: number;
  budgetBytes: number;
  /** Why fewer than every layer are sampled (null when all fit). */
  note: string | null;
}

const megabytes = (bytes: number) =>
  bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GB` : `${Math.round(bytes / 2 ** 20)} MB`;

/**
 * Which layers fit the memory budget: all of them, or a contiguous window holding `focusLayer`. Throws when
 * not even one layer fits (a message naming the token count that would).
 */
export function planMcAttentionLayers(
  layers: number,
  heads: number,
  seq: number,
  focusLayer: number,
  budgetBytes = MC_ATTENTION_MEMORY_BUDGET_BYTES,
): McAttentionLayerPlan {
  const perLayer = mcAttentionBytesPerLayer(heads, seq);
  const allLayersBytes = perLayer * layers;
  const fitting = Math.min(layers, Math.floor(budgetBytes / perLayer));
  if (fitting < 1) {
    let shorter = seq;
    while (shorter > 1 && mcAttentionBytesPerLayer(heads, shorter) > budgetBytes) shorter--;
    throw new RangeError(
      `At ${seq} tokens one layer's MC attention statistics need ${megabytes(perLayer)}, more than the ${megabytes(budgetBytes)} set aside: shorten the text to at most ${shorter} tokens.`,
    );
  }
  const focus = Math.max(0, Math.min(layers - 1, Math.floor(focusLayer)));
  const first = Math.max(0, Math.min(layers - fitting, focus - Math.floor((fitting - 1) / 2)));
  const chosen = Array.from({ length: fitting }, (_, i) => first + i);
  return {
    layers: chosen,
    allLayersBytes,
    usedBytes: perLayer * fitting,
    budgetBytes,
    note:
      fitting < layers
        ? `At ${seq} tokens the statistics of all ${layers} layers would need ${megabytes(allLayersBytes)}, more than the ${megabytes(budgetBytes)} set aside, so only layers ${first + 1}–${first + fitting} are sampled (${megabytes(perLayer * fitting)}). Choose another layer to move the window, or shorten the text to see every layer.`
        : null,
  };
}

export function validateMcAttentionSettings(settings: McDropoutSettings, layers: number): McDropoutSettings {
  validateSettings(settings, layers);
  if (settings.samples < MIN_MC_ATTENTION_SAMPLES || settings.samples > MAX_MC_ATTENTION_SAMPLES)
    throw new RangeError(
      `The number of samples T must be from ${MIN_MC_ATTENTION_SAMPLES} to ${MAX_MC_ATTENTION_SAMPLES} for a spread of attention, got ${settings.samples}.`,
    );
  return settings;
}

export interface McAttentionRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: McAttentionProgress) => void;
  /** Rows per graph run; default from the run memory budget. */
  chunkRows?: number;
}

/**
 * T attention samples of the layers in `plan` for the text `plain` was run on, their statistics, and the
 * dropout-off attention of those layers from `plain`.
 */
export async function runMcAttention(
  model: PreparedModel,
  mc: McSession,
  plain: AttentionResult,
  settings: McDropoutSettings,
  plan: McAttentionLayerPlan,
  options: McAttentionRunOptions = {},
): Promise<McAttentionView> {
  validateMcAttentionSettings(settings, model.info.layers);
  const started = performance.now();
  const [, heads, seq] = plain.shape;
  const layers = plan.layers;
  const outputs = layers.map((layer) => {
    const output = model.attentionOutputs[layer];
    if (!output) throw new Error(`The model has no attention layer ${layer}.`);
    return output.outputName;
  });
  const T = settings.samples;
  const matrix = heads * seq * seq;
  const outputFloatsPerRow = layers.length * matrix;
  const chunkRows = Math.max(
    1,
    Math.min(options.chunkRows ?? rowsPerRun(model.info, mc.plan, seq, outputFloatsPerRow), T),
  );
  const accumulator = new AttentionSampleAccumulator([layers.length, heads, seq, seq]);
  const encoded = { ids: plain.ids, typeIds: plain.typeIds };
  const inputNames = new Set(mc.session.inputNames);
  let graphRuns = 0;
  options.onProgress?.({ done: 0, total: T, phase: 'sampling' });
  for (let start = 0; start < T; start += chunkRows) {
    if (start > 0) await yieldToEventLoop();
    throwIfAborted(options.signal);
    const rows = Math.min(chunkRows, T - start);
    const text = textFeeds(
      mc.session.inputNames,
      batchOf(Array.from({ length: mc.plan.tiledPrefix ? 1 : rows }, () => encoded)),
      model.decoder,
    );
    // Sites above the last sampled layer were pruned from the graph with the layers they sit in.
    const noise = Object.entries(noiseFeeds(mc.plan, seq, start, rows, settings)).filter(([name]) =>
      inputNames.has(name),
    );
    const results = await model.runs.run(() => {
      throwIfAborted(options.signal);
      graphRuns++;
      return mc.session.run({ ...text, ...Object.fromEntries(noise) }, outputs);
    });
    try {
      for (let i = 0; i < outputs.length; i++) {
        const tensor = results[outputs[i]];
        const data = await tensorToFloat32(tensor);
        // A layer below the tiled suffix ran once, on one row: the same weights for every sample.
        const outputRows = Number(tensor.dims[0]);
        if (data.length !== outputRows * matrix || (outputRows !== rows && outputRows !== 1))
          throw new Error(
            `Attention output ${outputs[i]} is [${tensor.dims.join(', ')}], expected [${rows}, ${heads}, ${seq}, ${seq}].`,
          );
        for (let r = 0; r < rows; r++) accumulator.addLayer(i, data, (outputRows === 1 ? 0 : r) * matrix);
      }
    } finally {
      for (const tensor of Object.values(results)) tensor.dispose?.();
    }
    options.onProgress?.({ done: start + rows, total: T, phase: 'sampling' });
  }
  throwIfAborted(options.signal);
  const statistics = accumulator.result();
  const plainLayers = new Float32Array(layers.length * matrix);
  layers.forEach((layer, i) => plainLayers.set(plain.layers[layer], i * matrix));
  const notes: string[] = [];
  if (plan.note) notes.push(plan.note);
  const firstVarying = mc.plan.stochasticLayers[0] + 1;
  notes.push(
    firstVarying >= model.info.layers
      ? 'Only the last layer is stochastic, and its dropout acts after its attention: no layer’s attention varies. Make more layers stochastic.'
      : `A layer’s dropout acts after its own attention, so attention varies from layer ${firstVarying + 1} on; the layers below have zero spread.`,
  );
  if (plain.untruncatedLength > seq)
    notes.push(
      `The input has ${plain.untruncatedLength} tokens; the model reads at most ${plain.maxPositions}, so it was cut to ${seq}.`,
    );
  return {
    tokens: plain.tokens,
    special: plain.special,
    continuation: plain.continuation,
    layers,
    shape: [layers.length, heads, seq, seq],
    mean: statistics.mean,
    std: statistics.std,
    plain: plainLayers,
    heads: statistics.heads.map((record) => ({ ...record, layer: layers[record.layer] })),
    settings,
    causal: plain.causal ?? false,
    memory: { allLayersBytes: plan.allLayersBytes, usedBytes: plan.usedBytes, budgetBytes: plan.budgetBytes },
    run: {
      mode: mc.plan.tiledPrefix ? 'tiled' : 'batched',
      stochasticLayers: mc.plan.stochasticLayers,
      graphRuns,
      chunkRows,
      milliseconds: performance.now() - started,
    },
    notes,
    untruncatedLength: plain.untruncatedLength,
    maxPositions: plain.maxPositions,
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
