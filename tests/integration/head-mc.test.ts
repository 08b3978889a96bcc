/**
 * The uncertainty tool's "trained head" task on the built-in model: MC dropout through the encoder and a head
 * trained on the label example's embeddings. With p = 0 and the head's dropout off every sample is one plain
 * pass (plain session, the label tool's pooling, the head) bit for bit; with dropout the MC identities hold and
 * the same seed gives the same samples.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadTrainingOptions } from '../../src/core/contracts/head';
import type { McDropoutSettings, McPredictRequest } from '../../src/core/contracts/uncertainty';
import { prepareHeadInput } from '../../src/core/engine/head/head-mc-run';
import { embedTexts } from '../../src/core/engine/model/sentence-embeddings';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { runMcPrediction } from '../../src/core/engine/uncertainty/mc-dropout-run';
import { McSessionCache, normalizeGraphConfig } from '../../src/core/engine/uncertainty/mc-sessions';
import { trainHeads } from '../../src/core/head/train-head';
import { headProbabilities, type TrainedHead } from '../../src/core/head/trained-head';
import { parseLabeledText } from '../../src/core/labels/ingest';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { APP_BASE, diskFetch, repoRoot } from './disk-fetch';

const MODEL = 'playground-bert-mini';
const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const csv = readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8');
const text = 'a large wild cat with a striped coat';
const base: McDropoutSettings = {
  samples: 12,
  dropout: 0.1,
  sites: ['attention', 'hidden'],
  stochasticLayers: 'all',
  seed: 5,
};
const options: HeadTrainingOptions = {
  model: 'mlp',
  hiddenWidth: 32,
  optimiser: 'adam',
  learningRate: 0.01,
  epochs: 4,
  batchSize: 32,
  seed: 3,
  heldOutFraction: 0.3,
  dataFraction: 1,
  standardize: true,
};

let model: PreparedModel;
let head: TrainedHead;
const sessions = new McSessionCache(3);

async function predict(settings: McDropoutSettings, headDropout: boolean) {
  const request: McPredictRequest = { task: 'head', text, head: { id: 'test', dropout: headDropout } };
  const mc = await sessions.get(
    model,
    normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, { task: 'head' }),
  );
  return runMcPrediction(model, mc, request, settings, {
    prepare: (r, input) => prepareHeadInput(model, head, r, settings, input),
  });
}

beforeAll(async () => {
  configureWasm(environment);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  model = await prepareModel(files, 'wasm', 1);
  const parsed = parseLabeledText(csv);
  const classes = [...new Set(parsed.rows.map((r) => r.label))].sort();
  const labels = Int32Array.from(parsed.rows, (r) => classes.indexOf(r.label));
  const embedded = await embedTexts(
    model,
    parsed.rows.map((r) => r.text),
    { pooling: 'mean' },
  );
  const data = { data: embedded.embeddings, dim: embedded.dim, labels, numClasses: classes.length };
  const reg = { name: 'B' as const, inputDropout: 0.2, hiddenDropout: 0.5, weightDecay: 0 };
  const trained = await trainHeads(data, options, [reg]);
  head = {
    network: trained.runs[0].network,
    scaling: trained.scaling,
    inputDropout: reg.inputDropout,
    hiddenDropout: reg.hiddenDropout,
    classes,
    pooling: 'mean',
  };
});

afterAll(async () => {
  await sessions.clear();
  await model?.release();
});

describe('MC dropout through the encoder and a trained head', () => {
  it('p = 0 with the head dropout off: every sample and the dropout-off row are one plain pass, bit for bit', async () => {
    const plainEmbedding = await embedTexts(model, [text], { pooling: 'mean' });
    const plain = headProbabilities(head, plainEmbedding.embeddings, 1);
    for (const stochasticLayers of ['all', { lastK: 1 }] as const) {
      const result = await predict({ ...base, dropout: 0, stochasticLayers, samples: 6 }, false);
      expect(result.labels).toEqual(head.classes);
      expect(Array.from(result.deterministic)).toEqual(Array.from(plain));
      const C = head.classes.length;
      for (let t = 0; t < 6; t++)
        expect(Array.from(result.samples.subarray(t * C, (t + 1) * C))).toEqual(Array.from(plain));
      expect(result.summary.mutualInformation).toBe(0);
      expect(result.notes).toContain('p = 0: dropout is off, so every sample equals the deterministic prediction.');
    }
  });

  it('H[E p] = E[H p] + MI with the encoder, the head or both dropping; MI > 0 and samples differ', async () => {
    for (const [settings, headDropout] of [
      [base, false],
      [{ ...base, dropout: 0 }, true],
      [base, true],
    ] as const) {
      const result = await predict({ ...settings, samples: 16 }, headDropout);
      const s = result.summary;
      expect(Math.abs(s.predictiveEntropy - (s.expectedEntropy + s.mutualInformation))).toBeLessThan(1e-9);
      expect(s.mutualInformation).toBeGreaterThan(0);
      expect(result.running.mutualInformation.at(-1)).toBe(s.mutualInformation);
      const C = head.classes.length;
      const rows = new Set(Array.from({ length: 16 }, (_, t) => result.samples.subarray(t * C, (t + 1) * C).join()));
      expect(rows.size).toBe(16);
      // The dropout-off row is the plain head whatever drops in the samples.
      const plain = await predict({ ...base, dropout: 0, samples: 1 }, false);
      expect(Array.from(result.deterministic)).toEqual(Array.from(plain.deterministic));
    }
  });

  it('the same seed gives the same samples; another seed others (head dropout alone too)', async () => {
    for (const [settings, headDropout] of [
      [base, true],
      [{ ...base, dropout: 0 }, true],
    ] as const) {
      const a = await predict(settings, headDropout);
      const again = await predict(settings, headDropout);
      expect(Array.from(again.samples)).toEqual(Array.from(a.samples));
      const other = await predict({ ...settings, seed: 6 }, headDropout);
      expect(Array.from(other.samples)).not.toEqual(Array.from(a.samples));
    }
  });
});

describe('the engine keeps trained heads for the uncertainty tool', () => {
  const engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch });

  it('gives every run an id that predict and predictBatch accept, and refuses an unknown one by name', async () => {
    await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });
    const { parsed } = engine.parseLabeledData(csv);
    const rows = {
      texts: parsed.rows.map((r) => r.text),
      labelIds: Int32Array.from(parsed.labelIds),
      classes: parsed.classes,
    };
    const result = await engine.trainHeads(rows, {
      options,
      runs: [
        { name: 'A', inputDropout: 0, hiddenDropout: 0, weightDecay: 0 },
        { name: 'B', inputDropout: 0.2, hiddenDropout: 0.5, weightDecay: 0 },
      ],
    });
    expect(result.headIds).toHaveLength(2);
    expect(new Set(result.headIds).size).toBe(2);
    expect(rows.texts).toContain(result.heldOutExample);
    const single = await engine.predict(
      { task: 'head', text: result.heldOutExample!, head: { id: result.headIds[1], dropout: true } },
      { ...base, samples: 4 },
    );
    expect(single.labels).toEqual(parsed.classes);
    expect(single.samples).toHaveLength(4 * parsed.classes.length);
    const batch = await engine.predictBatch([text, ''], 'head', { ...base, samples: 4 }, undefined, undefined, {
      id: result.headIds[0],
      dropout: false,
    });
    expect(batch.items[0].summary?.predictedLabel).toBeTypeOf('string');
    expect(batch.items[1].error).toMatch(/empty/);
    await expect(
      engine.predict({ task: 'head', text, head: { id: 'head-999', dropout: false } }, base),
    ).rejects.toThrow(/head-999 is no longer in the worker/);
  });
});
