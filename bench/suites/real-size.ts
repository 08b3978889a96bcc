/**
 * A BERT-base-shaped model (bench/bert-base-model.ts: 12 layers × 768 × 12 heads, 512 positions, 30 522-word
 * table, 441 MB fp32, seeded random weights, built once into bench/.cache/) through the engine, against
 * onnxruntime-web alone on the same file:
 *   load         prepareModel from the file's bytes in memory (decode, checks, attention surgery, digest,
 *                session) against InferenceSession.create on the same bytes (interleaved, after one warm-up
 *                pair: the first session of a process pays for growing the WebAssembly heap, either way)
 *   attention    runAttention (every layer's attention read out) at 128 and 512 tokens against a raw run
 *                of the exported model on the same token ids
 *   MC dropout   fill-mask, T = 32, all layers, attention and hidden sites, at 128 tokens (runMcPrediction;
 *                the dropout session is built before timing)
 *   memory       a child process loads the model through PlaygroundEngine and uses attention, MC dropout and
 *                an analogy query once each (bench/real-size-memory.ts): resident memory after each step and
 *                the peak, against the 3× file-size target of issue #20
 * One WASM thread (BENCH_THREADS). REAL_SIZE_REPEATS and REAL_SIZE_MC_REPEATS set n (default 7 and 3: one
 * MC run takes minutes on the shared two-core machine).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { runAttention } from '../../src/core/engine/attention/attention-run';
import { prepareModel } from '../../src/core/engine/model/prepare-model';
import { runMcPrediction } from '../../src/core/engine/uncertainty/mc-dropout-run';
import { McSessionCache, normalizeGraphConfig } from '../../src/core/engine/uncertainty/mc-sessions';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { ensureBertBaseModel } from '../bert-base-model';
import { BENCH_THREADS, MIN_REPEATS, interleaved, rotating, summarize, type BenchSuite, type Figure } from '../harness';
import { loadBertBaseFiles, textOfLength, timePrepare, timeRawSession } from '../real-size-load';

const REPEATS = Number(process.env.REAL_SIZE_REPEATS ?? MIN_REPEATS);
const MC_REPEATS = Number(process.env.REAL_SIZE_MC_REPEATS ?? 3);
const MEMORY_TARGET = 3;

interface MemoryReport {
  fileMB: number;
  steps: { step: string; rssMB: number; peakMB: number; ms: number }[];
}

function measureMemory(mode: 'engine' | 'raw'): MemoryReport {
  const script = path.resolve(import.meta.dirname, '..', 'real-size-memory.ts');
  const tsx = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const output = execFileSync(tsx, [script, mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(output.trim().split('\n').at(-1)!) as MemoryReport;
}

const int64 = (values: readonly number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

export async function run(): Promise<BenchSuite> {
  ensureBertBaseModel();
  const figures: Figure[] = [];
  const notes: string[] = [];

  // Memory first, in its own process, before this one holds the model.
  const rawMemory = measureMemory('raw');
  const rawPeak = rawMemory.steps.at(-1)!.peakMB;
  figures.push(
    summarize('real-size memory: peak resident, onnxruntime-web session alone', 'MB', [rawPeak], {
      timesFile: +(rawPeak / rawMemory.fileMB).toFixed(2),
    }),
  );
  const memory = measureMemory('engine');
  for (const step of memory.steps.slice(1)) {
    figures.push(
      summarize(`real-size memory: resident after ${step.step}`, 'MB', [step.rssMB], {
        timesFile: +(step.rssMB / memory.fileMB).toFixed(2),
        stepMs: step.ms,
      }),
    );
  }
  const peak = memory.steps.at(-1)!.peakMB;
  figures.push(
    summarize('real-size memory: peak resident, all tools used once', 'MB', [peak], {
      fileMB: memory.fileMB,
      timesFile: +(peak / memory.fileMB).toFixed(2),
      target: `≤ ${MEMORY_TARGET}× the file (${MEMORY_TARGET * memory.fileMB} MB)`,
    }),
  );

  const threads = configureWasm({ crossOriginIsolated: false, hardwareConcurrency: 1 }, BENCH_THREADS);
  const files = await loadBertBaseFiles();
  figures.push(
    ...(await interleaved(
      'real-size load (441 MB)',
      {
        a: { label: 'prepareModel', run: () => timePrepare(files, threads) },
        b: { label: 'onnxruntime-web session alone', run: () => timeRawSession(files.onnxBytes) },
      },
      REPEATS,
      1,
      1,
    )),
  );

  const model = await prepareModel(files, 'wasm', threads);
  const raw = await ort.InferenceSession.create(files.onnxBytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  try {
    for (const length of [128, 512]) {
      const text = textOfLength((t) => model.tokenizer.encode(t, null).ids.length, length);
      const encoded = model.tokenizer.encode(text, null);
      const feeds = {
        input_ids: int64(encoded.ids),
        attention_mask: int64(encoded.ids.map(() => 1)),
        token_type_ids: int64(encoded.ids.map(() => 0)),
      };
      const rounds = await rotating(
        [
          { key: 'attention', run: () => runAttention(model, text, null) },
          { key: 'raw', run: () => raw.run(feeds) },
        ],
        REPEATS,
      );
      figures.push(
        summarize(`real-size attention at ${length} tokens: runAttention`, 'ms', rounds.attention.wall),
        summarize(`real-size attention at ${length} tokens: raw onnxruntime run (logits)`, 'ms', rounds.raw.wall),
        summarize(
          `real-size attention at ${length} tokens: ratio`,
          'ratio',
          rounds.attention.wall.map((x, i) => x / rounds.raw.wall[i]),
        ),
      );
    }
  } finally {
    await raw.release();
  }

  const text = textOfLength((t) => model.tokenizer.encode(t, null).ids.length, 128).replace(/ dog /, ' [MASK] ');
  const settings = {
    samples: 32,
    dropout: 0.1,
    sites: ['attention', 'hidden'] as ('attention' | 'hidden')[],
    stochasticLayers: 'all' as const,
    seed: 1,
  };
  const cache = new McSessionCache(1);
  const built = performance.now();
  const mc = await cache.get(
    model,
    normalizeGraphConfig(model.info.layers, settings.sites, 'all', { task: 'fill-mask' }),
  );
  figures.push(summarize('real-size MC dropout: dropout session built (once)', 'ms', [performance.now() - built]));
  const mcRounds = await rotating(
    [{ key: 'mc', run: () => runMcPrediction(model, mc, { task: 'fill-mask', text }, settings) }],
    MC_REPEATS,
    0,
  );
  figures.push(
    summarize('real-size MC dropout: fill-mask T = 32 at 128 tokens', 'ms', mcRounds.mc.wall, {
      n: MC_REPEATS,
    }),
  );
  if (MC_REPEATS < MIN_REPEATS) notes.push(`MC dropout timed ${MC_REPEATS} times (one run takes minutes here).`);
  await cache.clear();
  await model.release();
  return { name: 'real-size', figures, notes };
}
