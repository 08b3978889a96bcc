/**
 * MC dropout end to end on the built-in model (models/playground-bert-mini) in onnxruntime-web's
 * Node build: the engine's sampling (chunked batched runs, tiled prefix, restricted MLM head) and the
 * statistics it reports.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { runMcPrediction, prepareInput } from '../../src/core/engine/uncertainty/mc-dropout-run';
import { type McDropoutSettings, type McPredictRequest, type McTask } from '../../src/core/contracts/uncertainty';
import { noiseFeeds, sampleProbabilities } from '../../src/core/engine/uncertainty/mc-sampling';
import {
  buildMcGraph,
  capacityBySize,
  LARGE_MODEL_BYTES,
  McSessionCache,
  normalizeGraphConfig,
  type McSession,
} from '../../src/core/engine/uncertainty/mc-sessions';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { CancelledError } from '../../src/core/model/errors';
import { loadModelFiles } from '../../src/core/model/load';
import { encodeModel } from '../../src/core/onnx';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../src/core/runtime/feeds';
import { binomialInterval, softmax, twoSampleKsTest } from '../../src/core/uncertainty';
import { APP_BASE, diskFetch } from './disk-fetch';

const MODEL = 'playground-bert-mini';
const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
let model: PreparedModel;
const cache = new McSessionCache(6);

const classify: McPredictRequest = { task: 'classification', text: 'The old dog slept by the fire.' };
const fillMask: McPredictRequest = { task: 'fill-mask', text: 'The cat sat on the [MASK] and purred.', topK: 8 };
const base: McDropoutSettings = {
  samples: 16,
  dropout: 0.1,
  sites: ['attention', 'hidden'],
  stochasticLayers: 'all',
  seed: 7,
};

/** The session the engine uses for `task` (only that task's output computed); task null keeps every output. */
const sessionFor = (
  settings: Pick<McDropoutSettings, 'sites' | 'stochasticLayers'>,
  task: McTask | null,
  allowTiling = true,
): Promise<McSession> =>
  cache.get(
    model,
    normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, { task, allowTiling }),
  );

async function predict(request: McPredictRequest, settings: McDropoutSettings, chunkRows?: number) {
  return runMcPrediction(model, await sessionFor(settings, request.task), request, settings, { chunkRows });
}

/** T sampled probability vectors over the full output (classes or vocabulary). */
async function rawSamples(
  request: McPredictRequest,
  settings: McDropoutSettings,
  allowTiling = true,
  chunkRows?: number,
  task: McTask | null = request.task,
) {
  const mc = await sessionFor(settings, task, allowTiling);
  const { encoded, target } = prepareInput(model, request);
  const run = await sampleProbabilities(model, mc, encoded, target, settings, { chunkRows });
  return { mc, width: target.width, samples: run.samples };
}

/** Counts the session.run calls `action` makes on `mc`. */
async function countRuns<T>(mc: McSession, action: () => Promise<T>): Promise<{ value: T; calls: number }> {
  const spy = vi.spyOn(mc.session, 'run');
  try {
    const value = await action();
    return { value, calls: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

beforeAll(async () => {
  configureWasm(environment);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  model = await prepareModel(files, 'wasm', 1);
});

afterAll(async () => {
  await cache.clear();
  await model?.release();
});

describe('MC dropout on the built-in model', () => {
  it('p = 0 gives exactly the deterministic output and zero mutual information (classification and fill-mask)', async () => {
    for (const request of [classify, fillMask]) {
      for (const stochasticLayers of ['all', { lastK: 1 }] as const) {
        const result = await predict(request, { ...base, dropout: 0, stochasticLayers, samples: 8 });
        const k = result.ids.length;
        for (let t = 0; t < 8; t++)
          expect(Array.from(result.samples.subarray(t * k, (t + 1) * k))).toEqual(Array.from(result.deterministic));
        expect(result.summary.mutualInformation).toBe(0);
        expect(result.summary.variationRatio).toBe(0);
        expect(Array.from(result.std).every((s) => s === 0)).toBe(true);
      }
    }
  });

  it('the deterministic prediction equals the plain model (dropout off)', async () => {
    const encoded = model.tokenizer.encode(classify.text, null, model.info.maxPositions);
    const roles = model.description.roles;
    const plain = await model.session.run(textFeeds(model.session.inputNames, batchOf([encoded])), [
      roles.classification!,
      roles.fillMask!,
    ]);
    const result = await predict(classify, { ...base, samples: 2 });
    const plainProbs = softmax(await tensorToFloat32(plain[roles.classification!]));
    expect(Array.from(result.deterministic)).toEqual(Array.from(plainProbs));

    const masked = model.tokenizer.encode(fillMask.text, null, model.info.maxPositions);
    const position = masked.ids.indexOf(model.tokenizer.maskTokenId!);
    const plainMask = await model.session.run(textFeeds(model.session.inputNames, batchOf([masked])), [
      roles.fillMask!,
    ]);
    const vocab = model.info.vocabSize;
    const row = softmax(
      (await tensorToFloat32(plainMask[roles.fillMask!])).subarray(position * vocab, (position + 1) * vocab),
    );
    const mlm = await predict(fillMask, { ...base, samples: 2 });
    expect(mlm.maskPosition).toBe(position);
    for (const [j, id] of mlm.ids.entries()) expect(Math.abs(mlm.deterministic[j] - row[id])).toBeLessThan(1e-5);
    expect(mlm.deterministicTop.map((c) => c.id)).toEqual(
      [...row.keys()].sort((a, b) => row[b] - row[a] || a - b).slice(0, 8),
    );
  });

  it('with p > 0 the dropped fraction lies in the 99% binomial interval for p, masks follow the noise, and samples differ', async () => {
    const p = 0.1;
    const rows = 24;
    const config = normalizeGraphConfig(model.info.layers, ['attention', 'hidden'], 'all', { allowTiling: false });
    const built = buildMcGraph(model.graph, config, model.info.layers, {
      num_attention_heads: model.info.heads,
      hidden_size: model.info.hiddenSize,
    });
    // Expose every site's input and dropped output.
    for (const site of built.plan.sites)
      built.model.graph.output.push({ name: site.droppedTensor }, { name: site.tensor });
    const session = await ort.InferenceSession.create(encodeModel(built.model), { executionProviders: ['wasm'] });
    try {
      const encoded = model.tokenizer.encode(classify.text, null, model.info.maxPositions);
      const seq = encoded.ids.length;
      const text = textFeeds(session.inputNames, batchOf(Array.from({ length: rows }, () => encoded)));
      text[built.restriction!.positionsInput] = new ort.Tensor('int64', new BigInt64Array(rows), [rows]);
      const noise = noiseFeeds(built.plan, seq, 0, rows, { dropout: p, seed: 11 });
      const results = await session.run({ ...text, ...noise });
      let dropped = 0;
      let units = 0;
      for (const site of built.plan.sites) {
        const before = results[site.tensor].data as Float32Array;
        const after = results[site.droppedTensor].data as Float32Array;
        const u = noise[site.noiseInput].data as Float32Array;
        expect(after.length).toBe(u.length);
        for (let i = 0; i < after.length; i++) {
          const drop = u[i] < p;
          if (drop) {
            expect(after[i]).toBe(0);
            dropped++;
          } else {
            expect(Math.abs(after[i] - before[i] / (1 - p))).toBeLessThanOrEqual(
              1e-6 * Math.max(1, Math.abs(before[i])),
            );
          }
        }
        units += after.length;
      }
      const interval = binomialInterval(units, dropped / units, 0.99);
      expect(interval.lower).toBeLessThanOrEqual(p);
      expect(interval.upper).toBeGreaterThanOrEqual(p);
    } finally {
      await session.release();
    }

    const result = await predict(classify, { ...base, samples: 16 });
    const C = result.ids.length;
    const distinct = new Set(
      Array.from({ length: 16 }, (_, t) => Array.from(result.samples.subarray(t * C, (t + 1) * C)).join(',')),
    );
    expect(distinct.size).toBe(16);
    expect(Math.max(...result.std)).toBeGreaterThan(0);
    expect(result.summary.mutualInformation).toBeGreaterThan(0);
  });

  it('H[E p] = E[H p] + MI to 1e-9 and MI ≥ 0 on the real samples; running estimates end at the totals', async () => {
    for (const request of [classify, fillMask]) {
      const result = await predict(request, { ...base, samples: 24, dropout: 0.2 });
      const s = result.summary;
      expect(Math.abs(s.predictiveEntropy - (s.expectedEntropy + s.mutualInformation))).toBeLessThan(1e-9);
      expect(s.mutualInformation).toBeGreaterThanOrEqual(0);
      expect(result.running.mutualInformation.at(-1)).toBe(s.mutualInformation);
      expect(result.running.predictiveEntropy.at(-1)).toBe(s.predictiveEntropy);
      expect(result.running.mutualInformation[0]).toBe(0);
    }
  });

  it('same seed, same samples; a new seed, new samples; independent of chunking; T = 8 is the first 8 of T = 16', async () => {
    for (const request of [classify, fillMask]) {
      const a = await rawSamples(request, base);
      const again = await rawSamples(request, base);
      expect(Array.from(again.samples)).toEqual(Array.from(a.samples));
      const other = await rawSamples(request, { ...base, seed: 8 });
      expect(maxAbsDiff(other.samples, a.samples)).toBeGreaterThan(1e-4);
      const chunked = await rawSamples(request, base, true, 5);
      expect(maxAbsDiff(chunked.samples, a.samples)).toBeLessThan(1e-5);
      const prefix = await rawSamples(request, { ...base, samples: 8 });
      expect(maxAbsDiff(prefix.samples, a.samples.subarray(0, 8 * a.width))).toBeLessThan(1e-5);
    }
    const first = await predict(classify, base);
    const second = await predict(classify, base);
    expect(Array.from(second.samples)).toEqual(Array.from(first.samples));
    expect(second.summary).toEqual(first.summary);
  });

  it('the shared-prefix (tiled) run equals the untiled run with the same stochastic layers at p = 0, and samples the same distribution at p > 0', async () => {
    const settings = { ...base, stochasticLayers: { lastK: 1 } } as const;
    for (const request of [classify, fillMask]) {
      const tiledZero = await rawSamples(request, { ...settings, dropout: 0, samples: 4 }, true);
      const untiledZero = await rawSamples(request, { ...settings, dropout: 0, samples: 4 }, false);
      expect(tiledZero.mc.plan.tiledPrefix).toBe(true);
      expect(untiledZero.mc.plan.tiledPrefix).toBe(false);
      expect(maxAbsDiff(tiledZero.samples, untiledZero.samples)).toBeLessThan(1e-6);

      // Same seed: the same masks, so the same samples up to float rounding.
      const tiledSame = await rawSamples(request, { ...settings, samples: 8 }, true);
      const untiledSame = await rawSamples(request, { ...settings, samples: 8 }, false);
      expect(maxAbsDiff(tiledSame.samples, untiledSame.samples)).toBeLessThan(1e-5);
    }
    // Different fixed seeds: two independent sample sets from one distribution.
    const T = 256;
    const tiled = await rawSamples(classify, { ...settings, dropout: 0.3, samples: T, seed: 101 }, true);
    const untiled = await rawSamples(classify, { ...settings, dropout: 0.3, samples: T, seed: 202 }, false);
    const C = tiled.width;
    const column = (samples: Float64Array, c: number) => Array.from({ length: T }, (_, t) => samples[t * C + c]);
    const top = argmaxOfMean(tiled.samples, T, C);
    const ks = twoSampleKsTest(column(tiled.samples, top), column(untiled.samples, top));
    expect(ks.pValue).toBeGreaterThan(0.01);
    // And the test has power: the deterministic-prefix run with a larger p differs.
    const larger = await rawSamples(classify, { ...settings, dropout: 0.6, samples: T, seed: 303 }, false);
    expect(twoSampleKsTest(column(tiled.samples, top), column(larger.samples, top)).pValue).toBeLessThan(0.01);
  });

  it('counts its graph runs: untiled, ceil((T + 1) / 32) runs with the dropout-off row in the first; tiled, one run for T = 256', async () => {
    const events: { done: number; total: number }[] = [];
    const batched = await sessionFor(base, 'fill-mask');
    const { value: result, calls } = await countRuns(batched, () =>
      runMcPrediction(
        model,
        batched,
        fillMask,
        { ...base, samples: 70 },
        { onProgress: (event) => events.push(event) },
      ),
    );
    expect(calls).toBe(3);
    expect(result.run).toMatchObject({ mode: 'batched', graphRuns: calls, chunkRows: 32 });
    expect(events.map((event) => event.done)).toEqual([0, 32, 64, 71]);
    expect(events.every((event) => event.total === 71)).toBe(true);

    // Last layer only: the deterministic prefix runs once, for the dropout-off row and all 256 samples.
    const lastLayer = { ...base, stochasticLayers: { lastK: 1 } } as const;
    for (const request of [classify, fillMask]) {
      const tiled = await sessionFor(lastLayer, request.task);
      const { value: once, calls: tiledCalls } = await countRuns(tiled, () =>
        runMcPrediction(model, tiled, request, { ...lastLayer, samples: 256 }),
      );
      expect(tiledCalls).toBe(1);
      expect(once.run).toMatchObject({ mode: 'tiled', stochasticLayers: [3], graphRuns: 1, chunkRows: 257 });
      // The folded dropout-off row is the plain model's prediction, as a separate p = 0 run gives it.
      const { encoded, target } = prepareInput(model, request);
      const alone = await sampleProbabilities(model, tiled, encoded, target, { samples: 1, dropout: 0, seed: 0 });
      expect(Array.from(once.deterministic)).toEqual(once.ids.map((id) => alone.samples[id]));
    }
    const twoLayers = await predict(fillMask, { ...base, stochasticLayers: { lastK: 2 }, samples: 4 });
    expect(twoLayers.run).toMatchObject({ mode: 'tiled', stochasticLayers: [2, 3] });
    expect(twoLayers.samples.length).toBe(4 * 8);
  });

  it('computes only what the task reads: no MLM head in the classification graph, no classifier in the fill-mask graph, same results', async () => {
    const roles = model.description.roles;
    const config = (task: McTask | null) =>
      normalizeGraphConfig(model.info.layers, base.sites, base.stochasticLayers, { task });
    const modelConfig = { num_attention_heads: model.info.heads, hidden_size: model.info.hiddenSize };
    const full = buildMcGraph(model.graph, config(null), model.info.layers, modelConfig).model;
    const producers = (graph: typeof full) =>
      new Map(graph.graph.node.flatMap((node) => node.output.map((name) => [name, node] as const)));
    /** Names of the nodes `output` depends on in the unpruned graph. */
    const upstream = (output: string) => {
      const byOutput = producers(full);
      const seen = new Set<string>();
      const stack = [output];
      while (stack.length > 0) {
        const node = byOutput.get(stack.pop()!);
        if (!node || seen.has(node.name!)) continue;
        seen.add(node.name!);
        stack.push(...node.input);
      }
      return seen;
    };
    const forClassifier = upstream(roles.classification!);
    const forLogits = upstream(roles.fillMask!);
    const mlmHeadOnly = [...forLogits].filter((name) => !forClassifier.has(name));
    const classifierOnly = [...forClassifier].filter((name) => !forLogits.has(name));
    expect(mlmHeadOnly.length).toBeGreaterThanOrEqual(5);
    expect(classifierOnly.length).toBeGreaterThanOrEqual(2);

    const classification = buildMcGraph(model.graph, config('classification'), model.info.layers, modelConfig);
    const classNodes = new Set(classification.model.graph.node.map((node) => node.name));
    expect(mlmHeadOnly.filter((name) => classNodes.has(name))).toEqual([]);
    expect(classification.model.graph.output.map((output) => output.name)).toEqual([roles.classification]);
    expect(classification.restriction).toBeNull();
    const fill = buildMcGraph(model.graph, config('fill-mask'), model.info.layers, modelConfig);
    const fillNodes = new Set(fill.model.graph.node.map((node) => node.name));
    expect(classifierOnly.filter((name) => fillNodes.has(name))).toEqual([]);
    expect(fill.model.graph.output.map((output) => output.name)).toEqual([roles.fillMask]);
    expect(fill.model.graph.node.length).toBeLessThan(full.graph.node.length);

    for (const request of [classify, fillMask]) {
      for (const stochasticLayers of ['all', { lastK: 2 }] as const) {
        const pruned = await rawSamples(request, { ...base, stochasticLayers }, true, undefined, request.task);
        const unpruned = await rawSamples(request, { ...base, stochasticLayers }, true, undefined, null);
        expect(pruned.mc.config.task).toBe(request.task);
        expect(unpruned.mc.config.task).toBeNull();
        expect(Array.from(pruned.samples)).toEqual(Array.from(unpruned.samples));
      }
    }
  });

  it('stops between chunks when cancelled', async () => {
    const controller = new AbortController();
    const run = runMcPrediction(
      model,
      await sessionFor(base, 'classification'),
      classify,
      { ...base, samples: 128 },
      {
        signal: controller.signal,
        chunkRows: 8,
        onProgress: ({ done }) => done > 1 && controller.abort(),
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('masks a clicked token, and explains a sentence without [MASK]', async () => {
    const encoded = model.tokenizer.encode('The cat sat on the mat.', null, model.info.maxPositions);
    const position = encoded.tokens.indexOf('mat');
    expect(position).toBeGreaterThan(0);
    const result = await predict(
      { task: 'fill-mask', text: 'The cat sat on the mat.', maskPosition: position, topK: 5 },
      { ...base, samples: 4 },
    );
    expect(result.maskPosition).toBe(position);
    expect(result.tokens[position]).toBe('[MASK]');
    await expect(predict({ task: 'fill-mask', text: 'The cat sat on the mat.' }, base)).rejects.toThrow(
      /Put \[MASK\] in the sentence/,
    );
    await expect(predict({ task: 'fill-mask', text: 'The cat.', maskPosition: 0 }, base)).rejects.toThrow(
      /special token/,
    );

    // A clicked word in a sentence that has its own [MASK]: both stay masked, the clicked one is predicted, and a note says so.
    const both = model.tokenizer.encode('The [MASK] sat on the mat.', null, model.info.maxPositions);
    const clicked = both.tokens.indexOf('mat');
    const twoMasks = await predict(
      { task: 'fill-mask', text: 'The [MASK] sat on the mat.', maskPosition: clicked, topK: 5 },
      { ...base, samples: 2 },
    );
    expect(twoMasks.maskPosition).toBe(clicked);
    expect(twoMasks.tokens.filter((token) => token === '[MASK]')).toHaveLength(2);
    expect(twoMasks.notes.join(' ')).toMatch(/own \[MASK\] .*stays masked/);
    expect(result.notes.join(' ')).not.toMatch(/stays masked/);
  });

  it('through PlaygroundEngine: predict and predictBatch ranked by uncertainty; sessions cached per configuration', async () => {
    const engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch });
    await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });
    const result = await engine.predict(classify, { ...base, samples: 8 });
    expect(result.labels).toHaveLength(8);
    const batch = await engine.predictBatch(
      ['The dog barked.', 'A red apple.', '', 'The [MASK] is green.'],
      'classification',
      { ...base, samples: 8 },
    );
    expect(batch.items).toHaveLength(4);
    expect(batch.items[2].error).toMatch(/empty/);
    expect(batch.items[0].summary!.mutualInformation).toBeGreaterThanOrEqual(0);
    const masks = await engine.predictBatch(['The [MASK] barked.', 'No mask here.'], 'fill-mask', {
      ...base,
      samples: 4,
    });
    expect(masks.items[0].summary!.predictedLabel).toEqual(expect.any(String));
    expect(masks.items[1].error).toMatch(/MASK/);
  });

  it('keeps at most `capacity` sessions, most recently used', async () => {
    const small = new McSessionCache(2);
    const configs = [{ lastK: 1 }, { lastK: 2 }, { lastK: 3 }].map((layers) =>
      normalizeGraphConfig(model.info.layers, ['hidden'], layers),
    );
    const first = await small.get(model, configs[0]);
    await small.get(model, configs[1]);
    expect(await small.get(model, configs[0])).toBe(first);
    await small.get(model, configs[2]);
    expect(small.size).toBe(2);
    expect(await small.get(model, configs[0])).toBe(first);
    await small.clear();
    expect(small.size).toBe(0);
  });

  it('keeps one session for a large model; a session evicted mid-run is released only when the run ends', async () => {
    const one = new McSessionCache(capacityBySize(3));
    const large = { ...model, info: { ...model.info, sizeBytes: LARGE_MODEL_BYTES } };
    const [first, second] = [{ lastK: 1 }, { lastK: 2 }].map((layers) =>
      normalizeGraphConfig(model.info.layers, ['hidden'], layers, { task: 'classification' }),
    );
    const settings = { ...base, samples: 4, stochasticLayers: { lastK: 1 } };
    let evict!: () => void;
    const evicted = new Promise<void>((resolve) => (evict = resolve));
    await one.get(large, first);
    const during = one.use(large, first, async (mc) => {
      await evicted;
      // Still usable: the eviction waits for this run.
      return runMcPrediction(large, mc, classify, settings);
    });
    const other = await one.get(large, second);
    expect(one.size).toBe(1);
    evict();
    const result = await during;
    expect(result.samples).toHaveLength(4 * result.labels.length);
    const again = await one.use(large, second, async (mc) => mc);
    expect(again).toBe(other);
    await one.clear();
  });
});

function argmaxOfMean(samples: Float64Array, T: number, C: number): number {
  const mean = new Float64Array(C);
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) mean[c] += samples[t * C + c];
  return mean.indexOf(Math.max(...mean));
}
