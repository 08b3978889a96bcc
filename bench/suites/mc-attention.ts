/**
 * MC-dropout attention on the built-in model: T = 32 samples of every layer's attention at 128 tokens (the
 * model's longest input), folded into running mean and variance, against 32 separate attention runs:
 *   mc-attention     runMcAttention as the tool runs it (rows per graph run from the memory budget: one run here)
 *   one row a run    the same estimator, 32 runs of one row of the dropout graph (equal work, no batching)
 *   32 plain runs    runAttention 32 times on the plain session (what a user would do by hand; no dropout, so
 *                    it is the lower bound of "32 attention passes", not the same estimator)
 * Every contender includes reading the outputs; the MC ones include drawing the noise and folding the samples.
 * No event-loop yields between runs (no progress or cancel consumer). Rounds in rotating order.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runAttention } from '../../src/core/engine/attention/attention-run';
import { planMcAttentionLayers, runMcAttention } from '../../src/core/engine/attention/mc-attention-run';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { McSessionCache, normalizeGraphConfig } from '../../src/core/engine/uncertainty/mc-sessions';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { MIN_REPEATS, ratios, rotating, summarize, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const APP_BASE = 'http://bench.local/';
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const SAMPLES = 32;
const SEQ = 128;
const REPEATS = MIN_REPEATS;
const WARMUP = 1;

const diskFetch: typeof fetch = async (input) => {
  const relative = decodeURIComponent(new URL(String(input)).pathname).replace(/^\/+/, '');
  const file = path.join(repoRoot, relative);
  if (!relative.startsWith('models/') || !existsSync(file)) return new Response('Not found', { status: 404 });
  const bytes = readFileSync(file);
  return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
};

/** A text of exactly `length` tokens with [CLS] and [SEP]. */
function textOfLength(model: PreparedModel, length: number): string {
  const words =
    'the old dog and the young cat sat on a warm mat near the door of the small house by the river in the quiet town'.split(
      ' ',
    );
  const parts: string[] = [];
  for (let i = 0; parts.length < 400; i++) {
    parts.push(words[i % words.length]);
    const count = model.tokenizer.encode(parts.join(' '), null).ids.length;
    if (count === length) return parts.join(' ');
    if (count > length) parts.pop();
  }
  throw new Error(`Could not build a ${length}-token text.`);
}

export async function run(): Promise<BenchSuite> {
  const threads = configureWasm({ crossOriginIsolated: false, hardwareConcurrency: 1 }, 1);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  const model = await prepareModel(files, 'wasm', threads);
  const cache = new McSessionCache(2);
  const text = textOfLength(model, SEQ);
  const plain = await runAttention(model, text, null);
  const [layers, heads, seq] = plain.shape;
  const plan = planMcAttentionLayers(layers, heads, seq, 0);
  const settings = {
    samples: SAMPLES,
    dropout: 0.1,
    sites: ['attention', 'hidden'] as const,
    stochasticLayers: 'all' as const,
    seed: 1,
  };
  const mc = await cache.get(
    model,
    normalizeGraphConfig(layers, [...settings.sites], 'all', { attentionLayers: plan.layers }),
  );
  const mcSettings = { ...settings, sites: [...settings.sites] };
  let chunkRows = 0;
  const contenders = [
    {
      key: 'mc',
      run: async () => {
        chunkRows = (await runMcAttention(model, mc, plain, mcSettings, plan)).run.chunkRows;
      },
    },
    { key: 'mcOneRow', run: () => runMcAttention(model, mc, plain, mcSettings, plan, { chunkRows: 1 }) },
    {
      key: 'plainRuns',
      run: async () => {
        for (let t = 0; t < SAMPLES; t++) await runAttention(model, text, null);
      },
    },
  ] as const;
  const times = await rotating([...contenders], REPEATS, WARMUP);
  const name = `mc-attention T=${SAMPLES} seq=${SEQ}`;
  const figures: Figure[] = [
    summarize(`${name}: runMcAttention (${SAMPLES} samples, running statistics)`, 'ms', times.mc.wall),
    summarize(`${name}: the same estimator, ${SAMPLES} runs of one row`, 'ms', times.mcOneRow.wall),
    summarize(`${name}: ${SAMPLES} separate plain attention runs (runAttention)`, 'ms', times.plainRuns.wall),
  ];
  const vsPlain = summarize(
    'mc-attention: ratio runMcAttention / 32 separate attention runs',
    'ratio',
    ratios(times.mc.wall, times.plainRuns.wall),
  );
  const vsOneRow = summarize(
    'mc-attention: ratio runMcAttention / the same estimator in 32 one-row runs',
    'ratio',
    ratios(times.mc.wall, times.mcOneRow.wall),
  );
  const cpuVsPlain = summarize(
    'mc-attention: ratio of process CPU time, runMcAttention / 32 separate attention runs',
    'ratio',
    ratios(times.mc.cpu, times.plainRuns.cpu),
  );
  figures.push(vsPlain, vsOneRow, cpuVsPlain);
  const notes = [
    `Input: ${seq} tokens, ${layers} layers × ${heads} heads; p = 0.1 on attention probabilities and sub-layer outputs, every layer stochastic; ${chunkRows} rows per graph run; WASM, ${threads} thread(s), onnxruntime-web in Node; ${REPEATS} rounds in rotating order after ${WARMUP} warm-up.`,
  ];
  await cache.clear();
  await model.release();
  return { name: 'mc-attention', figures, notes };
}
