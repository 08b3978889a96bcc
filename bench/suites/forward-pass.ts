/**
 * Figure 1 — plain forward pass: the playground's session (attention Softmax outputs exposed as graph
 * outputs, created by prepareModel) against a raw onnxruntime-web session on the unmodified model file,
 * at 16, 128 and 512 tokens, WASM, one thread, onnxruntime-web's Node build. Target: ≤ 1.10× raw.
 *
 * Two comparisons per length, each timed side by side (A, B alternating, ratio per pair):
 *   session.run   the same prepared feeds; the playground session returns every output the raw one does
 *                 plus the attention tensors (what exposing attention costs a forward pass)
 *   text→result   the attention tool's model call (runAttention: tokenize, feeds, run, every layer's
 *                 attention as onnxruntime returned it) vs what a plain script does for a text (tokenize,
 *                 feeds, run) on the unmodified model file, i.e. as a user would call it: that script's graph
 *                 also computes the MLM head, which the playground's session prunes away, so this row
 *                 measures the pruning more than anything else.
 *   text→result, same graph   the same call vs the plain script on the very graph the playground's
 *                 session runs (attention exposed, pruned to the attention and hidden-state outputs),
 *                 fetching all its outputs: equal work, so what is left is the playground's own overhead.
 *                 Stacking the layers into one array happens when the view is built
 *                 (buildAttentionView, not timed here).
 *
 * The default model has max_position_embeddings 128, so 512 tokens runs on a model built for the
 * benchmark with the same shape (tests/helpers/tiny-transformer.ts: 4 layers, 4 heads, hidden 128,
 * intermediate 512, 512 positions, seeded random weights, a 45-token vocabulary).
 */
import * as ort from 'onnxruntime-web';
import { runAttention } from '../../src/core/engine/attention/attention-run';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { parseModelConfig } from '../../src/core/model/config';
import { loadModelFiles, type LoadedModelFiles } from '../../src/core/model/load';
import { encodeModel, exposeAttention } from '../../src/core/onnx';
import { leanModelFor } from '../../src/core/runtime/output-routing-session';
import { ModelTokenizer } from '../../src/core/model/tokenizer';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { batchOf, textFeeds } from '../../src/core/runtime/feeds';
import { buildTinyTransformer, tinyConfigJson } from '../../tests/helpers/tiny-transformer';
import { tinyTokenizerJson } from '../../tests/helpers/onnx-tiny-tokenizer';
import { APP_BASE, diskFetch } from '../../tests/integration/disk-fetch';
import { BENCH_THREADS, callsFor, interleaved, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const TARGET = 1.1;
/** Each timed sample repeats the call until it has taken at least this long, so short runs are not timer noise. */
const SAMPLE_MS = 40;
const REPEATS = 21;

const WORDS =
  'the old dog and the young cat sat on a warm mat near the door of the small house by the river in the quiet town while a king and a queen walked'.split(
    ' ',
  );

/** A text of exactly `length` tokens with [CLS] and [SEP] (words repeated, then trimmed). */
function textOfLength(tokenizer: ModelTokenizer, length: number): string {
  const parts: string[] = [];
  let low = 0;
  // Grow fast, then one word at a time.
  while (tokenizer.encode(parts.join(' ')).ids.length < length) parts.push(WORDS[low++ % WORDS.length]);
  while (parts.length > 0 && tokenizer.encode(parts.join(' ')).ids.length > length) parts.pop();
  const count = tokenizer.encode(parts.join(' ')).ids.length;
  if (count !== length) throw new Error(`Could not build a ${length}-token text (got ${count}).`);
  return parts.join(' ');
}

function rawFeeds(inputNames: readonly string[], ids: number[], typeIds: number[]): Record<string, ort.Tensor> {
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {};
  const make = (values: (i: number) => number) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: n }, (_, i) => BigInt(values(i))),
      [1, n],
    );
  for (const name of inputNames) {
    if (name === 'input_ids') feeds[name] = make((i) => ids[i]);
    else if (name === 'attention_mask') feeds[name] = make(() => 1);
    else if (name === 'token_type_ids') feeds[name] = make((i) => typeIds[i]);
  }
  return feeds;
}

function dispose(results: Record<string, ort.Tensor>): void {
  for (const tensor of Object.values(results)) tensor.dispose?.();
}

/** A raw session on the graph the playground's main session runs: attention exposed, pruned to what it reads. */
async function sameGraphSession(model: PreparedModel): Promise<ort.InferenceSession> {
  const exposed = exposeAttention(model.graph).model;
  const outputs = model.attentionOutputs.map((output) => output.outputName);
  if (model.description.roles.sentenceEmbeddings) outputs.push(model.description.roles.sentenceEmbeddings);
  const lean = leanModelFor(exposed, outputs) ?? exposed;
  return ort.InferenceSession.create(encodeModel(lean), { executionProviders: ['wasm'] });
}

async function compareAt(
  label: string,
  model: PreparedModel,
  raw: ort.InferenceSession,
  length: number,
): Promise<Figure[]> {
  const same = await sameGraphSession(model);
  const text = textOfLength(model.tokenizer, length);
  const encoded = model.tokenizer.encode(text, null, model.info.maxPositions);
  const playgroundFeeds = textFeeds(model.session.inputNames, batchOf([encoded]));
  const plainFeeds = rawFeeds(raw.inputNames, encoded.ids, encoded.typeIds);

  const exposedRun = async () => dispose(await model.runs.run(() => model.session.run(playgroundFeeds)));
  const rawRun = async () => dispose(await raw.run(plainFeeds));
  const toolRun = () => runAttention(model, text, null);
  const scriptRun = async () => {
    const e = model.tokenizer.encode(text, null, model.info.maxPositions);
    dispose(await raw.run(rawFeeds(raw.inputNames, e.ids, e.typeIds)));
  };
  const sameGraphScriptRun = async () => {
    const e = model.tokenizer.encode(text, null, model.info.maxPositions);
    dispose(await same.run(rawFeeds(same.inputNames, e.ids, e.typeIds)));
  };

  const figures: Figure[] = [];
  const pairs = [
    {
      kind: 'session.run',
      a: { label: 'playground (attention exposed)', run: exposedRun },
      b: { label: 'raw onnxruntime-web', run: rawRun },
    },
    {
      kind: 'text→result',
      a: { label: 'playground runAttention', run: toolRun },
      b: { label: 'plain script (tokenize + run) on the model file as shipped', run: scriptRun },
    },
    {
      kind: 'text→result, same graph',
      a: { label: 'playground runAttention', run: toolRun },
      b: { label: "plain script (tokenize + run) on the playground's pruned graph", run: sameGraphScriptRun },
    },
  ];
  for (const { kind, a, b } of pairs) {
    const calls = await callsFor(b.run, SAMPLE_MS);
    const [fa, fb, ratio, cpuRatio] = await interleaved(
      `forward ${label} seq=${length} ${kind}`,
      { a, b },
      REPEATS,
      calls,
      2,
    );
    figures.push(
      fa,
      fb,
      {
        ...ratio,
        name: `${ratio.name} (target ≤ ${TARGET})`,
        details: { ...ratio.details, target: TARGET, met: ratio.median <= TARGET },
      },
      cpuRatio,
    );
  }
  await same.release();
  return figures;
}

function tinyFiles(maxPositions: number): LoadedModelFiles {
  const tiny = buildTinyTransformer({ seed: 512, maxPositions, hidden: 128, heads: 4, layers: 4, intermediate: 512 });
  const tokenizerConfig = JSON.stringify({ do_lower_case: true, model_max_length: maxPositions, mask_token: '[MASK]' });
  return {
    label: `tiny transformer (${maxPositions} positions)`,
    baseUrl: null,
    onnxBytes: tiny.bytes,
    tokenizer: new ModelTokenizer(JSON.stringify(tinyTokenizerJson()), tokenizerConfig),
    tokenizerBytes: new TextEncoder().encode(JSON.stringify(tinyTokenizerJson())),
    config: parseModelConfig(JSON.stringify(tinyConfigJson(tiny.config))),
    readExternalData: async () => new Map(),
  };
}

export async function run(): Promise<BenchSuite> {
  const threads = configureWasm({ crossOriginIsolated: false, hardwareConcurrency: BENCH_THREADS }, BENCH_THREADS);
  const figures: Figure[] = [];

  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  const model = await prepareModel(files, 'wasm', threads);
  const raw = await ort.InferenceSession.create(files.onnxBytes, { executionProviders: ['wasm'] });
  for (const length of [16, 128]) figures.push(...(await compareAt(MODEL, model, raw, length)));
  await model.release();
  await raw.release();

  const long = tinyFiles(512);
  const longModel = await prepareModel(long, 'wasm', threads);
  const longRaw = await ort.InferenceSession.create(long.onnxBytes, { executionProviders: ['wasm'] });
  figures.push(...(await compareAt('tiny-512', longModel, longRaw, 512)));
  await longModel.release();
  await longRaw.release();

  const ratios = figures.filter((f) => f.unit === 'ratio' && f.name.includes('target'));
  return {
    name: 'forward-pass',
    figures,
    notes: [
      `WASM EP, ${threads} thread(s), onnxruntime-web's Node build; both sessions graphOptimizationLevel 'all'; ${REPEATS} samples, each ≈ ${SAMPLE_MS} ms of raw calls with the two contenders' calls interleaved one by one (ratio per sample from the sums).`,
      `Lengths 16 and 128 on ${MODEL} (max_position_embeddings 128); 512 on a tiny transformer of the same shape built with 512 positions (seeded random weights, 45-token vocabulary, so its MLM head is small).`,
      `Targets (≤ ${TARGET}× raw): ${ratios.map((f) => `${f.name.replace(/^forward /, '')}: ${f.median.toFixed(3)}`).join('; ')}.`,
    ],
  };
}
