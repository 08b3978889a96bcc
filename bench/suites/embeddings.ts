/**
 * Figure 2 — sentence embeddings (mean pooling) for 1,000 distinct sentences on the default model:
 * the playground's embedTexts (src/core/engine/model/sentence-embeddings.ts, the label audit's feature step,
 * no cache) vs Transformers.js's feature-extraction pipeline, loaded from a local folder with remote
 * models disabled, dtype 'fp32', pooling 'mean'. Two Transformers.js rows:
 *   - as a user calls it: the model folder as shipped (onnx/model.onnx, the full masked-LM export, which
 *     computes [32, S, 8000] logits per batch that feature extraction never reads), batches of 32 in input order;
 *   - on the same pruned graph, sorted batches: onnx/model.onnx pruned to last_hidden_state (what the
 *     playground's session computes for embeddings) and the sentences sorted by token length into batches
 *     of 32, as embedTexts does — equal work.
 *
 * Same runtime for all: Transformers.js takes the onnxruntime instance registered under
 * Symbol.for('onnxruntime'), so it runs on the very onnxruntime-web build (WASM, same thread count)
 * the playground uses, not on its native onnxruntime-node. Target: ratio ≤ 1.0 (against the equal-work row).
 *
 * Transformers.js is not a project dependency: its onnxruntime-node dependency downloads CUDA binaries
 * from outside the npm registry in its install script, which fails here. bench/install-contenders.sh
 * installs it into bench/.contenders/ with that step skipped; without it this suite reports a note.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { embedTexts } from '../../src/core/engine/model/sentence-embeddings';
import { prepareModel } from '../../src/core/engine/model/prepare-model';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { createRng } from '../../src/core/random';
import { encodeModel } from '../../src/core/onnx';
import { leanModelFor } from '../../src/core/runtime/output-routing-session';
import { APP_BASE, diskFetch, repoRoot } from '../../tests/integration/disk-fetch';
import { BENCH_THREADS, MIN_REPEATS, ratios, rotating, summarize, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const SENTENCES = 1000;
const BATCH = 32;
const REPEATS = Math.max(MIN_REPEATS, Number(process.env.BENCH_EMBED_REPEATS ?? MIN_REPEATS));

/** Where Transformers.js may be installed: the repo's own node_modules, or bench/.contenders/. */
function findTransformers(): { entry: string; version: string } | null {
  for (const base of [
    path.join(repoRoot, 'node_modules'),
    path.join(repoRoot, 'bench', '.contenders', 'node_modules'),
  ]) {
    const dir = path.join(base, '@huggingface', 'transformers');
    const entry = path.join(dir, 'dist', 'transformers.node.mjs');
    if (existsSync(entry))
      return {
        entry,
        version: (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version,
      };
  }
  return null;
}

/** 1,000 distinct sentences from the WordNet glosses shipped with the app, joined in seeded pairs past the first 360. */
export function benchSentences(count = SENTENCES): string[] {
  const csv = readFileSync(path.join(repoRoot, 'public', 'examples', 'wordnet-glosses-noisy.csv'), 'utf8');
  const glosses = csv
    .split('\n')
    .slice(1)
    .map((line) =>
      (line.startsWith('"') ? line.slice(1, line.lastIndexOf('"')) : line.slice(0, line.lastIndexOf(',')))
        .replace(/""/g, '"')
        .trim(),
    )
    .filter((text) => text.length > 0);
  const rng = createRng(7);
  const out = new Set<string>(glosses.slice(0, count));
  while (out.size < count)
    out.add(`${glosses[rng.nextInt(glosses.length)]} and ${glosses[rng.nextInt(glosses.length)]}`);
  return [...out];
}

interface Extractor {
  (texts: string[], options: { pooling: 'mean'; normalize: boolean }): Promise<{ data: Float32Array; dims: number[] }>;
  dispose?: () => Promise<void>;
}

export async function run(): Promise<BenchSuite> {
  const threads = configureWasm({ crossOriginIsolated: false, hardwareConcurrency: BENCH_THREADS }, BENCH_THREADS);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  const model = await prepareModel(files, 'wasm', threads);
  const texts = benchSentences();
  const tokenCounts = texts.map((t) => model.tokenizer.encode(t, null, model.info.maxPositions).ids.length);
  const totalTokens = tokenCounts.reduce((a, b) => a + b, 0);
  const playground = () => embedTexts(model, texts, { batchSize: BATCH });

  const found = findTransformers();
  if (!found) {
    await model.release();
    return {
      name: 'embeddings',
      figures: [],
      notes: [
        'Transformers.js is not installed: run `bash bench/install-contenders.sh` (it installs @huggingface/transformers into bench/.contenders/ without the CUDA download), then `npm run bench -- embeddings`.',
      ],
    };
  }

  // Transformers.js on our onnxruntime-web (already initialised with our WASM settings).
  (globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = ort;
  const wasmPaths = ort.env.wasm.wasmPaths;
  const transformers = (await import(pathToFileURL(found.entry).href)) as {
    env: Record<string, unknown>;
    pipeline: (task: string, model: string, options: Record<string, unknown>) => Promise<Extractor>;
  };
  ort.env.wasm.wasmPaths = wasmPaths; // It points ORT at a CDN when no path is set; ours is already loaded.
  const { env, pipeline } = transformers;
  env.localModelPath = path.join(repoRoot, 'models') + path.sep;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useWasmCache = false;
  env.useFSCache = false;
  const extractor = await pipeline('feature-extraction', MODEL, { dtype: 'fp32', device: 'auto' });

  // The same model folder with onnx/model.onnx pruned to the hidden state the embeddings read.
  const prunedRoot = mkdtempSync(path.join(tmpdir(), 'bench-embeddings-'));
  const prunedDir = path.join(prunedRoot, MODEL);
  mkdirSync(path.join(prunedDir, 'onnx'), { recursive: true });
  const sourceDir = path.join(repoRoot, 'models', MODEL);
  for (const file of readdirSync(sourceDir))
    if (file.endsWith('.json')) copyFileSync(path.join(sourceDir, file), path.join(prunedDir, file));
  const hiddenOutput = model.description.roles.sentenceEmbeddings!;
  const lean = leanModelFor(model.graph, [hiddenOutput]);
  if (!lean) throw new Error(`Could not prune the model to ${hiddenOutput}.`);
  writeFileSync(path.join(prunedDir, 'onnx', 'model.onnx'), encodeModel(lean));
  env.localModelPath = prunedRoot + path.sep;
  const prunedExtractor = await pipeline('feature-extraction', MODEL, { dtype: 'fp32', device: 'auto' });
  const byLength = texts.map((_, i) => i).sort((a, b) => tokenCounts[a] - tokenCounts[b] || a - b);

  const dim = model.info.hiddenSize ?? 0;
  const transformersJs = async () => {
    const out = new Float32Array(texts.length * dim);
    for (let start = 0; start < texts.length; start += BATCH) {
      const result = await extractor(texts.slice(start, start + BATCH), { pooling: 'mean', normalize: false });
      out.set(result.data, start * dim);
    }
    return out;
  };
  const transformersJsSorted = async () => {
    const out = new Float32Array(texts.length * dim);
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = byLength.slice(start, start + BATCH);
      const result = await prunedExtractor(
        batch.map((i) => texts[i]),
        { pooling: 'mean', normalize: false },
      );
      batch.forEach((i, row) => out.set(result.data.subarray(row * dim, (row + 1) * dim), i * dim));
    }
    return out;
  };

  // Same numbers? (All mean-pool last_hidden_state over the mask, special tokens included.)
  const ours = (await playground()).embeddings;
  const diffFrom = (theirs: Float32Array) => {
    let maxDiff = 0;
    for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
    return maxDiff;
  };
  const maxDiff = diffFrom(await transformersJs());
  const maxDiffSorted = diffFrom(await transformersJsSorted());

  const times = await rotating(
    [
      { key: 'playground', run: playground },
      { key: 'asCalled', run: transformersJs },
      { key: 'samePruned', run: transformersJsSorted },
    ],
    REPEATS,
    0,
  );
  const name = `embeddings ${SENTENCES} sentences`;
  const asCalled = `Transformers.js ${found.version} feature-extraction as a user calls it (model file as shipped, batches in input order)`;
  const samePruned = `Transformers.js ${found.version} feature-extraction on the same pruned graph, sorted batches`;
  const equalRatio = summarize(
    `${name}: ratio playground / ${samePruned} (target ≤ 1.0)`,
    'ratio',
    ratios(times.playground.wall, times.samePruned.wall),
    { maxAbsDifference: maxDiffSorted, target: 1 },
  );
  equalRatio.details!.met = equalRatio.median <= 1;
  const userRatio = summarize(
    `${name}: ratio playground / ${asCalled}`,
    'ratio',
    ratios(times.playground.wall, times.asCalled.wall),
    { maxAbsDifference: maxDiff },
  );
  const figures: Figure[] = [
    summarize(`${name}: playground embedTexts`, 'ms', times.playground.wall),
    summarize(`${name}: ${asCalled}`, 'ms', times.asCalled.wall),
    summarize(`${name}: ${samePruned}`, 'ms', times.samePruned.wall),
    userRatio,
    summarize(
      `${name}: ratio of process CPU time, playground / ${asCalled}`,
      'ratio',
      ratios(times.playground.cpu, times.asCalled.cpu),
    ),
    equalRatio,
    summarize(
      `${name}: ratio of process CPU time, playground / ${samePruned}`,
      'ratio',
      ratios(times.playground.cpu, times.samePruned.cpu),
    ),
  ];
  await extractor.dispose?.();
  await prunedExtractor.dispose?.();
  rmSync(prunedRoot, { recursive: true, force: true });
  await model.release();
  return {
    name: 'embeddings',
    figures,
    notes: [
      `${SENTENCES} distinct sentences (WordNet glosses shipped in public/examples, then seeded pairs of them), ${totalTokens} tokens in all, ${Math.min(...tokenCounts)}–${Math.max(...tokenCounts)} per sentence; batches of ${BATCH}; WASM, ${threads} thread(s), onnxruntime-web ${ort.env.versions.web} in Node for all (Transformers.js ${found.version} given our ORT through Symbol.for('onnxruntime')); ${REPEATS} rounds in rotating order after one run each that also checked the numbers.`,
      `Largest difference from the playground's embeddings: ${maxDiff.toExponential(2)} (as a user calls it), ${maxDiffSorted.toExponential(2)} (same pruned graph, sorted).`,
      `Playground / Transformers.js as a user calls it: ${userRatio.median.toFixed(3)} (${userRatio.min.toFixed(2)}–${userRatio.max.toFixed(2)}); on the same pruned graph with sorted batches: ${equalRatio.median.toFixed(3)} (${equalRatio.min.toFixed(2)}–${equalRatio.max.toFixed(2)}) (target ≤ 1.0: ${equalRatio.median <= 1 ? 'met' : 'NOT met'}).`,
    ],
  };
}
