/**
 * MC dropout on the built-in model: T = 32 fill-mask samples of a 32-token input, three ways, through
 * the engine's own sampling code (src/core/engine/uncertainty/mc-dropout-run.ts):
 *   sequential     32 graph runs of one row, every layer stochastic
 *   batched        1 graph run of 32 rows, every layer stochastic
 *   shared prefix  only the last layer stochastic: the first layers run once on one row and are tiled to 32 rows inside the graph
 * All three read the vocabulary projection at the masked position only (and compute no classifier),
 * include drawing the noise, make no event-loop yields between runs (no progress or cancel consumer), and
 * are timed alternately (rotating order) so machine noise hits them alike. Ratios are time / sequential time.
 * Targets: shared prefix ≤ 1/3 of sequential; batched not slower than sequential.
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
import { summarize, timeMs, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const APP_BASE = 'http://bench.local/';
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const SAMPLES = 32;
const SEQ = 32;
const REPEATS = 9;
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

  const contenders: { key: string; label: string; run: () => Promise<unknown> }[] = [
    {
      key: 'sequential',
      label: `sequential: ${SAMPLES} runs × 1 row, all ${layers} layers stochastic`,
      run: () => sampleProbabilities(model, allLayers, encoded, target, settings, { chunkRows: 1, ...timed }),
    },
    {
      key: 'batched',
      label: `batched: 1 run × ${SAMPLES} rows, all ${layers} layers stochastic`,
      run: () => sampleProbabilities(model, allLayers, encoded, target, settings, { chunkRows: SAMPLES, ...timed }),
    },
    {
      key: 'sharedPrefix',
      label: `shared prefix: last layer stochastic, prefix once, tiled to ${SAMPLES} rows`,
      run: () => sampleProbabilities(model, lastLayer, encoded, target, settings, { chunkRows: SAMPLES, ...timed }),
    },
    {
      key: 'batchedFullHead',
      label: `batched with logits at all ${SEQ} positions (head not restricted)`,
      run: () => sampleProbabilities(model, unrestricted, encoded, target, settings, { chunkRows: SAMPLES, ...timed }),
    },
  ];

  for (let i = 0; i < WARMUP; i++) for (const c of contenders) await c.run();
  const times = new Map<string, number[]>(contenders.map((c) => [c.key, []]));
  for (let r = 0; r < REPEATS; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const c = contenders[(r + j) % contenders.length];
      times.get(c.key)!.push(await timeMs(c.run));
    }
  }

  const sequential = times.get('sequential')!;
  const figures: Figure[] = contenders.map((c) =>
    summarize(`mc-dropout T=${SAMPLES} seq=${SEQ}: ${c.label}`, 'ms', times.get(c.key)!),
  );
  const ratio = (key: string) => times.get(key)!.map((t, i) => t / sequential[i]);
  const batchedRatio = summarize('mc-dropout: ratio batched / sequential (target ≤ 1)', 'ratio', ratio('batched'));
  const prefixRatio = summarize(
    'mc-dropout: ratio shared prefix / sequential (target ≤ 0.333)',
    'ratio',
    ratio('sharedPrefix'),
    {
      speedup: 1 / summarize('', '', ratio('sharedPrefix')).median,
    },
  );
  const fullHeadRatio = summarize(
    'mc-dropout: ratio batched full-sequence head / batched restricted head',
    'ratio',
    times.get('batchedFullHead')!.map((t, i) => t / times.get('batched')![i]),
  );
  figures.push(batchedRatio, prefixRatio, fullHeadRatio);

  const notes = [
    `Input: ${SEQ} tokens with [MASK] at position ${position}; p = 0.1 on attention probabilities and sub-layer outputs; WASM, ${threads} thread(s), onnxruntime-web in Node; ${REPEATS} alternating repeats after ${WARMUP} warm-ups.`,
    `Shared prefix is ${(1 / prefixRatio.median).toFixed(2)}× faster than sequential (target ≥ 3×: ${prefixRatio.median <= 1 / 3 ? 'met' : 'NOT met'}); batched is ${(1 / batchedRatio.median).toFixed(2)}× (target ≥ 1×: ${batchedRatio.median <= 1 ? 'met' : 'NOT met'}).`,
  ];
  await cache.clear();
  await unrestricted.session.release();
  await model.release();
  return { name: 'mc-dropout', figures, notes };
}
