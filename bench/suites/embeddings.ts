/**
 * Figure 2 — sentence embeddings (mean pooling) for 1,000 distinct sentences on the default model:
 * the playground's embedTexts (src/core/engine/model/sentence-embeddings.ts, the label audit's feature step,
 * no cache) vs Transformers.js's feature-extraction pipeline on the same onnx/model.onnx, loaded from
 * the local models/ folder with remote models disabled, dtype 'fp32', pooling 'mean'.
 *
 * Same runtime for both: Transformers.js takes the onnxruntime instance registered under
 * Symbol.for('onnxruntime'), so it runs on the very onnxruntime-web build (WASM, same thread count)
 * the playground uses, not on its native onnxruntime-node. Both embed in batches of 32; Transformers.js
 * gets the sentences in their order (what a page calling `extractor(batch)` does), the playground sorts
 * by token length first, as it always does. Target: ratio ≤ 1.0.
 *
 * Transformers.js is not a project dependency: its onnxruntime-node dependency downloads CUDA binaries
 * from outside the npm registry in its install script, which fails here. bench/install-contenders.sh
 * installs it into bench/.contenders/ with that step skipped; without it this suite reports a note.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { embedTexts } from '../../src/core/engine/model/sentence-embeddings';
import { prepareModel } from '../../src/core/engine/model/prepare-model';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { createRng } from '../../src/core/random';
import { APP_BASE, diskFetch, repoRoot } from '../../tests/integration/disk-fetch';
import { BENCH_THREADS, sideBySide, type BenchSuite } from '../harness';

const MODEL = 'playground-bert-mini';
const SENTENCES = 1000;
const BATCH = 32;
const REPEATS = Number(process.env.BENCH_EMBED_REPEATS ?? 3);

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
  const dim = model.info.hiddenSize ?? 0;
  const transformersJs = async () => {
    const out = new Float32Array(texts.length * dim);
    for (let start = 0; start < texts.length; start += BATCH) {
      const result = await extractor(texts.slice(start, start + BATCH), { pooling: 'mean', normalize: false });
      out.set(result.data, start * dim);
    }
    return out;
  };

  // Same numbers? (Both mean-pool last_hidden_state over the mask, special tokens included.)
  const ours = (await playground()).embeddings;
  const theirs = await transformersJs();
  let maxDiff = 0;
  for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));

  const figures = await sideBySide(
    `embeddings ${SENTENCES} sentences`,
    {
      a: { label: 'playground embedTexts', run: playground },
      b: { label: `Transformers.js ${found.version} feature-extraction`, run: transformersJs },
    },
    REPEATS,
    0,
  );
  const ratio = figures[2];
  ratio.name += ' (target ≤ 1.0)';
  ratio.details = { target: 1, met: ratio.median <= 1, maxAbsDifference: maxDiff };
  await extractor.dispose?.();
  await model.release();
  return {
    name: 'embeddings',
    figures,
    notes: [
      `${SENTENCES} distinct sentences (WordNet glosses shipped in public/examples, then seeded pairs of them), ${totalTokens} tokens in all, ${Math.min(...tokenCounts)}–${Math.max(...tokenCounts)} per sentence; batches of ${BATCH}; WASM, ${threads} thread(s), onnxruntime-web ${ort.env.versions.web} in Node for both (Transformers.js ${found.version} given our ORT through Symbol.for('onnxruntime')); ${REPEATS} alternating pairs after one run each that also checked the numbers.`,
      `Largest difference between the two sets of embeddings: ${maxDiff.toExponential(2)}.`,
      `Playground / Transformers.js median ratio ${ratio.median.toFixed(3)} (target ≤ 1.0: ${ratio.median <= 1 ? 'met' : 'NOT met'}).`,
    ],
  };
}
