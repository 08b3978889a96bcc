/**
 * The graph runs behind MC dropout: T sampled probability vectors for one input, and optionally the
 * dropout-off prediction as one extra row (p = 0 for that row only) of the same run.
 *
 * - Rows per run come from a memory budget and the model's dimensions. In tiled mode a row costs only
 *   the last k layers, so the default model runs T ≤ 256 samples plus the dropout-off row in one graph
 *   run for ordinary sentences: the deterministic prefix is computed exactly once per request.
 *   Untiled, every row costs the whole model; runs stay at most DEFAULT_CHUNK_ROWS rows so progress and
 *   cancellation have something to act between.
 * - Noise is drawn per sample: sample t's masks come from createRng(sampleSeed(seed, t, input)), site
 *   by site in plan order, so the same seed gives the same samples whatever the rows per run.
 */
import * as ort from 'onnxruntime-web';
import { throwIfAborted } from '../../cancel';
import type { EncodedText } from '../../model/tokenizer';
import type { McDropoutPlan } from '../../onnx';
import { noiseDimSize } from '../../onnx/dropout';
import { createRng } from '../../random';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import { softmax } from '../../uncertainty';
import type { McSession } from './mc-sessions';
import type { PreparedModel } from '../model/prepare-model';

/** Rows per run when every layer is stochastic (each row is a whole forward pass). */
export const DEFAULT_CHUNK_ROWS = 32;
/** Estimated activation memory one graph run may take. */
export const RUN_MEMORY_BUDGET_BYTES = 256 * 2 ** 20;

/** Seed of sample t (and of input n in batch mode): a 32-bit hash of (seed, t, n). */
export function sampleSeed(seed: number, sample: number, input = 0): number {
  let h = Math.imul((seed >>> 0) ^ 0x6a09e667, 0x9e3779b1) >>> 0;
  h = fmix32(h ^ Math.imul(sample + 1, 0x85ebca6b));
  h = fmix32(h ^ Math.imul(input + 1, 0xc2b2ae35));
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export interface ModelDims {
  layers: number;
  heads: number;
  hiddenSize: number | null;
}

/**
 * Rows one graph run may take under RUN_MEMORY_BUDGET_BYTES: per row, the live float32 activations of
 * the layers that run on every row (scores/probabilities/noise/mask of attention; sub-layer outputs,
 * noise and the 4·hidden feed-forward of the hidden path) plus the output read per row. Tiled, only the
 * stochastic layers count; untiled, every layer, capped at DEFAULT_CHUNK_ROWS.
 */
export function rowsPerRun(
  dims: ModelDims,
  plan: Pick<McDropoutPlan, 'tiledPrefix' | 'stochasticLayers' | 'layers'>,
  seq: number,
  outputFloatsPerRow: number,
): number {
  const hidden = dims.hiddenSize ?? 768;
  const heads = Math.max(1, dims.heads);
  const layersPerRow = plan.tiledPrefix ? plan.stochasticLayers.length : Math.max(plan.layers, dims.layers);
  const perLayer = 4 * heads * seq * seq + seq * (6 * hidden + 2 * 4 * hidden);
  const bytesPerRow = 4 * (layersPerRow * perLayer + outputFloatsPerRow);
  const rows = Math.max(1, Math.floor(RUN_MEMORY_BUDGET_BYTES / bytesPerRow));
  return plan.tiledPrefix ? rows : Math.min(DEFAULT_CHUNK_ROWS, rows);
}

/** Where the samples are read: a class head, or the MLM logits at one position. */
export interface SampleTarget {
  output: string;
  /** Fill-mask: the masked position (fed to the restricted head, or picked from full logits). */
  position: number | null;
  /** Width of one sample's probability vector (classes or vocabulary). */
  width: number;
  /**
   * Turns a run's output into its rows' probabilities [rows, width] when the output is not logits (a trained
   * head on the hidden states). `firstSample` is the sample index of the run's first sample row; with
   * `leadRow`, row 0 is the dropout-off row and the samples start at row 1.
   */
  toProbabilities?: (
    output: Float32Array,
    dims: number[],
    run: { rows: number; firstSample: number; leadRow: boolean },
  ) => Float64Array;
}

export interface SampleSettings {
  samples: number;
  dropout: number;
  seed: number;
}

export interface SampleRunOptions {
  /** Rows per graph run; default from rowsPerRun. */
  chunkRows?: number;
  signal?: AbortSignal;
  /** Called after every graph run with the rows done so far (the dropout-off row counts as one). */
  onChunk?: (done: number) => void;
  /** Input index for batch mode, mixed into each sample's seed. */
  input?: number;
  /** Also compute the dropout-off prediction, as a p = 0 row in front of the samples in the first run. */
  withDeterministic?: boolean;
  /**
   * Give the event loop a turn before every run but the first, so a worker reads a cancel message.
   * Default: only when there is a signal or a progress callback (nothing could act on the turn otherwise).
   */
  yieldBetweenRuns?: boolean;
}

export interface SampleRun {
  /** T sampled probability vectors, [T, width], float64 softmax of the logits. */
  samples: Float64Array;
  /** The dropout-off probabilities, [width], when requested. */
  deterministic: Float64Array | null;
  /** session.run calls made. */
  graphRuns: number;
  /** Rows per graph run (the last run may have fewer). */
  chunkRows: number;
}

/** T sampled probability vectors for one encoded input, in as few graph runs as the memory budget allows. */
export async function sampleProbabilities(
  model: PreparedModel,
  mc: McSession,
  encoded: Pick<EncodedText, 'ids' | 'typeIds'>,
  target: SampleTarget,
  settings: SampleSettings,
  options: SampleRunOptions = {},
): Promise<SampleRun> {
  const T = settings.samples;
  const seq = encoded.ids.length;
  const lead = options.withDeterministic ? 1 : 0;
  const totalRows = T + lead;
  const outputFloatsPerRow = target.position !== null && !mc.restriction ? seq * target.width : target.width;
  const chunkRows = Math.max(
    1,
    Math.min(options.chunkRows ?? rowsPerRun(model.info, mc.plan, seq, outputFloatsPerRow), totalRows),
  );
  const yieldBetween = options.yieldBetweenRuns ?? (options.signal !== undefined || options.onChunk !== undefined);
  const samples = new Float64Array(T * target.width);
  const deterministic = lead ? new Float64Array(target.width) : null;
  const feedCache = new Map<number, Record<string, ort.Tensor>>();
  let graphRuns = 0;
  for (let start = 0; start < totalRows; start += chunkRows) {
    // A macrotask turn between runs: a run and its promises settle in microtasks, so without it a
    // worker never reads the cancel message until the whole job is over.
    if (yieldBetween && (start > 0 || options.input)) await yieldToEventLoop();
    throwIfAborted(options.signal);
    const rows = Math.min(chunkRows, totalRows - start);
    let text = feedCache.get(rows);
    if (!text) {
      text = textFeeds(
        mc.session.inputNames,
        batchOf(Array.from({ length: mc.plan.tiledPrefix ? 1 : rows }, () => encoded)),
        model.decoder,
      );
      if (mc.restriction) {
        text[mc.restriction.positionsInput] = new ort.Tensor(
          'int64',
          new BigInt64Array(rows).fill(BigInt(target.position ?? 0)),
          [rows],
        );
      }
      feedCache.set(rows, text);
    }
    const withLead = start === 0 && lead === 1;
    const noise = noiseFeeds(
      mc.plan,
      seq,
      withLead ? 0 : start - lead,
      withLead ? rows - 1 : rows,
      settings,
      options.input ?? 0,
      withLead,
    );
    const feeds = { ...text, ...noise };
    const results = await model.runs.run(() => {
      throwIfAborted(options.signal);
      graphRuns++;
      return mc.session.run(feeds, [target.output]);
    });
    const tensor = results[target.output];
    const logits = await tensorToFloat32(tensor);
    tensor.dispose?.();
    const probabilities = target.toProbabilities
      ? target.toProbabilities(logits, tensor.dims.map(Number), {
          rows,
          firstSample: withLead ? 0 : start - lead,
          leadRow: withLead,
        })
      : softmax(pickRows(logits, tensor.dims.map(Number), rows, target, mc), target.width);
    if (withLead) {
      deterministic!.set(probabilities.subarray(0, target.width));
      samples.set(probabilities.subarray(target.width), 0);
    } else {
      samples.set(probabilities, (start - lead) * target.width);
    }
    options.onChunk?.(start + rows);
  }
  return { samples, deterministic, graphRuns, chunkRows };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Feeds for samples [start, start + rows): each sample's noise drawn from its own seeded stream.
 * With `deterministicRow`, one more row comes first with p = 0 (and zero noise): dropout_p is then fed
 * per row, [0, p, p, …], and that row is exactly the plain model (noise ≥ 0 keeps every unit, 1/(1−0) = 1).
 * A row of noise 1 at the shared p would keep every unit too, but scaled by 1/(1−p), so it is not the
 * dropout-off prediction.
 */
export function noiseFeeds(
  plan: McDropoutPlan,
  seq: number,
  start: number,
  rows: number,
  settings: Pick<SampleSettings, 'dropout' | 'seed'>,
  input = 0,
  deterministicRow = false,
  /** Keys attended to (past + seq) for a decoder step with a KV cache; seq otherwise. */
  keys = seq,
): Record<string, ort.Tensor> {
  const lead = deterministicRow ? 1 : 0;
  const totalRows = rows + lead;
  const p = deterministicRow
    ? Float32Array.from({ length: totalRows }, (_, r) => (r === 0 ? 0 : settings.dropout))
    : Float32Array.of(settings.dropout);
  const feeds: Record<string, ort.Tensor> = { [plan.dropoutInput]: new ort.Tensor('float32', p, [p.length]) };
  const buffers = plan.sites.map((site) => {
    const perRow = site.noiseShape.reduce<number>((size, dim) => size * noiseDimSize(dim, { rows: 1, seq, keys }), 1);
    return { site, perRow, data: new Float32Array(perRow * totalRows) };
  });
  if (settings.dropout > 0) {
    if (!(settings.dropout < 1))
      throw new RangeError(`Dropout probability must be in [0, 1), got ${settings.dropout}.`);
    // Each sample's stream fills its rows of every site in plan order, straight into the feed buffers:
    // the values makeDropoutFeeds(plan, { rows: 1, seq }, rng, p) would draw, with no per-row arrays.
    for (let r = 0; r < rows; r++) {
      const rng = createRng(sampleSeed(settings.seed, start + r, input));
      for (const { perRow, data } of buffers)
        rng.fillUniform(data.subarray((r + lead) * perRow, (r + lead + 1) * perRow));
    }
  }
  // At p = 0 every unit is kept whatever the noise (noise ≥ 0 = p), so the zeros are exact.
  for (const { site, data } of buffers) {
    const dims = site.noiseShape.map((dim) => noiseDimSize(dim, { rows: totalRows, seq, keys }));
    feeds[site.noiseInput] = new ort.Tensor('float32', data, dims);
  }
  return feeds;
}

function pickRows(
  logits: Float32Array,
  dims: number[],
  rows: number,
  target: SampleTarget,
  mc: McSession,
): Float32Array {
  const width = target.width;
  if (dims.length === 2) {
    if (dims[0] !== rows || dims[1] !== width)
      throw new Error(`Output ${target.output} is [${dims.join(', ')}], expected [${rows}, ${width}].`);
    return logits;
  }
  if (dims.length === 3 && target.position !== null && !mc.restriction) {
    // Unrestricted head: [rows, seq, vocab], read the masked position of every row.
    const [r, seq, vocab] = dims;
    if (r !== rows || vocab !== width)
      throw new Error(`Output ${target.output} is [${dims.join(', ')}], expected [${rows}, seq, ${width}].`);
    const picked = new Float32Array(rows * width);
    for (let row = 0; row < rows; row++)
      picked.set(
        logits.subarray((row * seq + target.position) * vocab, (row * seq + target.position + 1) * vocab),
        row * width,
      );
    return picked;
  }
  throw new Error(`Output ${target.output} has an unexpected shape [${dims.join(', ')}].`);
}
