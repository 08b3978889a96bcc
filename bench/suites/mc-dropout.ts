/**
 * MC dropout on the built-in model: T = 32 fill-mask samples of a 32-token input through the engine's own
 * sampling code (src/core/engine/uncertainty/mc-sampling.ts), two estimators, each run the ways a user could run it:
 *   all layers stochastic      sequential (32 graph runs of one row) and batched (1 run of 32 rows)
 *   last layer stochastic      sequential (32 runs of one row, each computing the deterministic prefix),
 *                              batched (1 run of 32 rows, every row computing the prefix), and tiled
 *                              (the prefix computed once on one row and tiled to 32 rows inside the graph)
 * Ratios compare equal work: the same estimator, same noise, same head, only the way it is run differs.
 * All read the vocabulary projection at the masked position only (and compute no classifier), include drawing
 * the noise, make no event-loop yields between runs (no progress or cancel consumer), and are timed in
 * rounds of rotating order so machine noise hits them alike. Targets: batched ≤ 1.0× sequential (all layers);
 * tiled prefix ≤ 0.30× the same estimator sequentially.
 * An extra figure shows what restricting the MLM head saves (batched with logits at every position).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sampleProbabilities, type SampleTarget } from '../../src/core/engine/uncertainty/mc-sampling';
import { McSessionCache, normalizeGraphConfig, type McSession } from '../../src/core/engine/uncertainty/mc-sessions';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { loadModelFiles } from '../../src/core/model/load';
import { encodeModel, insertMcDropout } from '../../src/core/onnx';
import { pruneToOutputs } from '../../src/core/onnx/prune';
import { configureWasm, createSession } from '../../src/core/runtime/execution-provider';
import { MIN_REPEATS, ratios, rotating, summarize, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const APP_BASE = 'http://bench.local/';
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const SAMPLES = 32;
const SEQ = 32;
const REPEATS = Math.max(MIN_REPEATS, 9);
/** Target for the tiled prefix against the same estimator run sequentially (issue #21). */
const TILED_TARGET = 0.3;
const WARMUP = 2;

const diskFetch: typeof fetch = async (input) => {
  const relative = decodeURIComponent(new URL(String(input)).pathname).replace(/^\/+/, '');
  const file = path.join(repoRoot, relative);
  if (!relative.startsWith('models/') || !existsSync(file)) return new Response('Not found', { status: 404 });
  const bytes = readFileSync(file);
  return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
};

/** A sentence of exactly `length` tokens (with [CLS] and [SEP]) and one [MASK] in the middle. */
function sentenceOfLength(model: PreparedModel, length: number): string {
  const words =
    'the old dog and the young cat sat on a warm mat near the door of the small house by the river in the quiet town'.split(
      ' ',
    );
  const parts: string[] = [];
  for (let i = 0; parts.length < 200; i++) {
    parts.push(i === 8 ? '[MASK]' : words[i % words.length]);
    const count = model.tokenizer.encode(parts.join(' '), null).ids.length;
    if (count === length) return parts.join(' ');
    if (count > length) parts.pop();
  }
  throw new Error(`Could not build a ${length}-token sentence.`);
}

export async function run(): Promise<BenchSuite> {
  const threads = configureWasm({ crossOriginIsolated: false, hardwareConcurrency: 1 }, 1);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  const model = await prepareModel(files, 'wasm', threads);
  const cache = new McSessionCache(3);
  const layers = model.info.layers;
  const sites = ['attention', 'hidden'] as const;
  const allLayers = await cache.get(model, normalizeGraphConfig(layers, [...sites], 'all', { task: 'fill-mask' }));
  const lastLayer = await cache.get(
    model,
    normalizeGraphConfig(layers, [...sites], { lastK: 1 }, { task: 'fill-mask' }),
  );
  // The same estimator (last layer stochastic) without the shared prefix: every row computes it.
  const lastLayerUntiled = await cache.get(
    model,
    normalizeGraphConfig(layers, [...sites], { lastK: 1 }, { task: 'fill-mask', allowTiling: false }),
  );

  // The same dropout graph without the restricted head: logits at every position.
  const unrestrictedBuilt = insertMcDropout(model.graph, {
    sites: [...sites],
    config: { num_attention_heads: model.info.heads, hidden_size: model.info.hiddenSize },
  });
  const unrestrictedGraph = pruneToOutputs(unrestrictedBuilt.model, [model.description.roles.fillMask!]).model;
  const unrestricted: McSession = {
    key: 'unrestricted',
    config: normalizeGraphConfig(layers, [...sites], 'all', { task: 'fill-mask' }),
    session: (await createSession(encodeModel(unrestrictedGraph), 'wasm')).session,
    plan: unrestrictedBuilt.plan,
    restriction: null,
    restrictionNote: null,
  };

  const text = sentenceOfLength(model, SEQ);
  const encoded = model.tokenizer.encode(text, null, model.info.maxPositions);
  const position = encoded.ids.indexOf(model.tokenizer.maskTokenId!);
  const target: SampleTarget = { output: model.description.roles.fillMask!, position, width: model.info.vocabSize };
  const settings = { samples: SAMPLES, dropout: 0.1, seed: 1 };
  const timed = { yieldBetweenRuns: false } as const;

  const run = (session: McSession, chunkRows: number) => () =>
    sampleProbabilities(model, session, encoded, target, settings, { chunkRows, ...timed });
  const contenders = [
    {
      key: 'seqAll',
      label: `all ${layers} layers stochastic, sequential: ${SAMPLES} runs × 1 row`,
      run: run(allLayers, 1),
    },
    {
      key: 'batchedAll',
      label: `all ${layers} layers stochastic, batched: 1 run × ${SAMPLES} rows`,
      run: run(allLayers, SAMPLES),
    },
    {
      key: 'seqLast',
      label: `last layer stochastic, sequential: ${SAMPLES} runs × 1 row`,
      run: run(lastLayerUntiled, 1),
    },
    {
      key: 'batchedLast',
      label: `last layer stochastic, batched: 1 run × ${SAMPLES} rows, each computing the prefix`,
      run: run(lastLayerUntiled, SAMPLES),
    },
    {
      key: 'tiledLast',
      label: `last layer stochastic, tiled prefix: prefix once on 1 row, tiled to ${SAMPLES} rows`,
      run: run(lastLayer, SAMPLES),
    },
    {
      key: 'batchedFullHead',
      label: `all layers, batched with logits at all ${SEQ} positions (head not restricted)`,
      run: run(unrestricted, SAMPLES),
    },
  ] as const;

  const times = await rotating([...contenders], REPEATS, WARMUP);
  const name = `mc-dropout T=${SAMPLES} seq=${SEQ}`;
  const figures: Figure[] = contenders.map((c) => summarize(`${name}: ${c.label}`, 'ms', times[c.key].wall));
  const ratioOf = (a: (typeof contenders)[number]['key'], b: (typeof contenders)[number]['key']) =>
    ratios(times[a].wall, times[b].wall);
  const batchedRatio = summarize(
    'mc-dropout: ratio batched / sequential, all layers stochastic (target ≤ 1)',
    'ratio',
    ratioOf('batchedAll', 'seqAll'),
    { target: 1 },
  );
  batchedRatio.details!.met = batchedRatio.median <= 1;
  const tiledRatio = summarize(
    `mc-dropout: ratio tiled prefix / sequential, last layer stochastic (same estimator) (target ≤ ${TILED_TARGET})`,
    'ratio',
    ratioOf('tiledLast', 'seqLast'),
    { target: TILED_TARGET },
  );
  tiledRatio.details!.met = tiledRatio.median <= TILED_TARGET;
  const tiledCpu = summarize(
    'mc-dropout: ratio of process CPU time, tiled prefix / sequential, last layer stochastic',
    'ratio',
    ratios(times.tiledLast.cpu, times.seqLast.cpu),
  );
  const tiledVsBatched = summarize(
    'mc-dropout: ratio tiled prefix / batched, last layer stochastic (same estimator)',
    'ratio',
    ratioOf('tiledLast', 'batchedLast'),
  );
  const lastBatched = summarize(
    'mc-dropout: ratio batched / sequential, last layer stochastic',
    'ratio',
    ratioOf('batchedLast', 'seqLast'),
  );
  const fullHeadRatio = summarize(
    'mc-dropout: ratio batched full-sequence head / batched restricted head',
    'ratio',
    ratioOf('batchedFullHead', 'batchedAll'),
  );
  figures.push(batchedRatio, tiledRatio, tiledCpu, tiledVsBatched, lastBatched, fullHeadRatio);
  const prefixRatio = tiledRatio;

  const notes = [
    `Input: ${SEQ} tokens with [MASK] at position ${position}; p = 0.1 on attention probabilities and sub-layer outputs; WASM, ${threads} thread(s), onnxruntime-web in Node; ${REPEATS} rounds in rotating order after ${WARMUP} warm-ups.`,
    `Last layer stochastic: tiled prefix / sequential ${prefixRatio.median.toFixed(3)} (${prefixRatio.min.toFixed(2)}–${prefixRatio.max.toFixed(2)}) (target ≤ ${TILED_TARGET}: ${prefixRatio.median <= TILED_TARGET ? 'met' : 'NOT met'}), tiled / batched ${tiledVsBatched.median.toFixed(3)}. All layers: batched / sequential ${batchedRatio.median.toFixed(3)} (target ≤ 1: ${batchedRatio.median <= 1 ? 'met' : 'NOT met'}).`,
  ];
  await cache.clear();
  await unrestricted.session.release();
  await model.release();
  return { name: 'mc-dropout', figures, notes };
}
