/**
 * MC-dropout attention on the built-in model (models/playground-bert-mini) in onnxruntime-web's Node build:
 * the sampled attention statistics against the plain run and against samples taken one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttentionSampleAccumulator } from '../../src/core/attention';
import type { McDropoutSettings } from '../../src/core/contracts/uncertainty';
import { runAttention, type AttentionResult } from '../../src/core/engine/attention/attention-run';
import { planMcAttentionLayers, runMcAttention } from '../../src/core/engine/attention/mc-attention-run';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { noiseFeeds } from '../../src/core/engine/uncertainty/mc-sampling';
import { McSessionCache, normalizeGraphConfig } from '../../src/core/engine/uncertainty/mc-sessions';
import { CancelledError } from '../../src/core/model/errors';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../src/core/runtime/feeds';
import { APP_BASE, diskFetch } from './disk-fetch';

const MODEL = 'playground-bert-mini';
const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const TEXT = 'The old dog slept by the warm fire.';
const base: McDropoutSettings = {
  samples: 8,
  dropout: 0.1,
  sites: ['attention', 'hidden'],
  stochasticLayers: 'all',
  seed: 7,
};
let model: PreparedModel;
let plain: AttentionResult;
const cache = new McSessionCache(6);

async function sample(settings: McDropoutSettings, options: { chunkRows?: number; allowTiling?: boolean } = {}) {
  const [layers, heads, seq] = plain.shape;
  const plan = planMcAttentionLayers(layers, heads, seq, 0);
  const mc = await cache.get(
    model,
    normalizeGraphConfig(layers, settings.sites, settings.stochasticLayers, {
      attentionLayers: plan.layers,
      allowTiling: options.allowTiling,
    }),
  );
  return { mc, view: await runMcAttention(model, mc, plain, settings, plan, { chunkRows: options.chunkRows }) };
}

beforeAll(async () => {
  configureWasm(environment);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  model = await prepareModel(files, 'wasm', 1);
  plain = await runAttention(model, TEXT, null);
});

afterAll(async () => {
  await cache.clear();
  await model?.release();
});

describe('MC-dropout attention on the built-in model', () => {
  it('p = 0 gives zero spread and the plain attention bit for bit (batched and tiled)', async () => {
    for (const stochasticLayers of ['all', { lastK: 2 }] as const) {
      const { view, mc } = await sample({ ...base, dropout: 0, samples: 4, stochasticLayers });
      expect(mc.plan.tiledPrefix).toBe(stochasticLayers !== 'all');
      expect(view.layers).toEqual(Array.from({ length: model.info.layers }, (_, l) => l));
      expect(Array.from(view.mean)).toEqual(Array.from(view.plain));
      for (const [l, layer] of plain.layers.entries())
        expect(Array.from(view.mean.subarray(l * layer.length, (l + 1) * layer.length))).toEqual(Array.from(layer));
      expect(view.std.every((s) => s === 0)).toBe(true);
      for (const head of view.heads) {
        expect(head.meanJsDivergence).toBe(0);
        expect(head.entropySpread).toBe(0);
      }
    }
  });

  it('p > 0: the first stochastic layer has zero spread, later layers spread, mean rows are distributions', async () => {
    const { view } = await sample({ ...base, dropout: 0.2 });
    const [layers, heads, seq] = view.shape;
    const matrix = heads * seq * seq;
    const maxStd = (l: number) => Math.max(...view.std.subarray(l * matrix, (l + 1) * matrix));
    expect(maxStd(0)).toBe(0);
    for (let l = 1; l < layers; l++) expect(maxStd(l)).toBeGreaterThan(1e-4);
    expect(view.heads.filter((h) => h.layer > 0).every((h) => h.meanJsDivergence > 0)).toBe(true);
    for (let row = 0; row < layers * heads * seq; row++) {
      let sum = 0;
      for (let j = 0; j < seq; j++) sum += view.mean[row * seq + j];
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
    }
    expect(view.notes.join(' ')).toMatch(/varies from layer 2 on/);
  });

  it('equals the statistics of the same samples taken one run at a time', async () => {
    const settings = { ...base, samples: 3, dropout: 0.3 };
    const { view, mc } = await sample(settings, { allowTiling: false });
    const [layers, heads, seq] = plain.shape;
    const accumulator = new AttentionSampleAccumulator(plain.shape);
    const outputs = model.attentionOutputs.map((output) => output.outputName);
    const inputs = new Set(mc.session.inputNames);
    for (let t = 0; t < settings.samples; t++) {
      const noise = Object.entries(noiseFeeds(mc.plan, seq, t, 1, settings)).filter(([name]) => inputs.has(name));
      const results = await mc.session.run(
        { ...textFeeds(mc.session.inputNames, batchOf([plain])), ...Object.fromEntries(noise) },
        outputs,
      );
      for (let l = 0; l < layers; l++) accumulator.addLayer(l, await tensorToFloat32(results[outputs[l]]));
    }
    const reference = accumulator.result();
    let largest = 0;
    for (let i = 0; i < reference.mean.length; i++)
      largest = Math.max(largest, Math.abs(reference.mean[i] - view.mean[i]), Math.abs(reference.std[i] - view.std[i]));
    expect(largest).toBeLessThan(1e-5);
    expect(view.heads.map((h) => h.meanJsDivergence)).toEqual(
      reference.heads.map((h) => expect.closeTo(h.meanJsDivergence, 5)),
    );
    expect(heads).toBe(model.info.heads);
  });

  it('same seed, same numbers whatever the rows per run; another seed, other numbers', async () => {
    const first = (await sample(base)).view;
    const again = (await sample(base, { chunkRows: 3 })).view;
    expect(Array.from(again.mean)).toEqual(Array.from(first.mean));
    expect(Array.from(again.std)).toEqual(Array.from(first.std));
    expect(again.heads).toEqual(first.heads);
    const other = (await sample({ ...base, seed: 8 })).view;
    expect(Array.from(other.std)).not.toEqual(Array.from(first.std));
  });

  it('through PlaygroundEngine: progress to T, cancel between runs, a window of layers when memory is short', async () => {
    const engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch });
    await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });
    const events: number[] = [];
    const view = await engine.mcAttention({ text: TEXT, pair: null, settings: base, focusLayer: 0 }, (p) =>
      events.push(p.done),
    );
    expect(events.at(-1)).toBe(base.samples);
    expect(view.heads).toHaveLength(model.info.layers * model.info.heads);

    const controller = new AbortController();
    const cancelled = runMcAttention(
      model,
      (await sample(base)).mc,
      plain,
      { ...base, samples: 64 },
      planMcAttentionLayers(model.info.layers, model.info.heads, plain.shape[2], 0),
      { signal: controller.signal, chunkRows: 4, onProgress: ({ done }) => done > 0 && controller.abort() },
    );
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);

    const [layers, heads, seq] = plain.shape;
    const budget = (planMcAttentionLayers(1, heads, seq, 0).usedBytes * 3) / 2;
    const plan = planMcAttentionLayers(layers, heads, seq, layers - 1, budget);
    expect(plan.layers).toEqual([layers - 1]);
    expect(plan.note).toMatch(new RegExp(`only layers ${layers}–${layers} are sampled`));
    const mc = await cache.get(
      model,
      normalizeGraphConfig(layers, base.sites, 'all', { attentionLayers: plan.layers }),
    );
    const windowed = await runMcAttention(model, mc, plain, base, plan);
    const full = (await sample(base)).view;
    const matrix = heads * seq * seq;
    expect(windowed.layers).toEqual([layers - 1]);
    expect(Array.from(windowed.mean)).toEqual(Array.from(full.mean.subarray((layers - 1) * matrix)));
    expect(windowed.notes[0]).toMatch(/more than the/);
  });
});
