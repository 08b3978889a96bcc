import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../src/core/runtime/feeds';
import { APP_BASE, diskFetch, repoRoot } from './disk-fetch';

const MODEL = 'playground-bert-mini';

interface Flat {
  shape: number[];
  data: number[];
}
interface ReferenceCase {
  name: string;
  text: string;
  text_pair?: string;
  tokens: string[];
  input_ids: number[];
  token_type_ids: number[];
  attentions: Flat;
  last_hidden_state: Flat;
  classifier_probs: number[];
  mlm: null | { masked_position: number; top10_ids: number[]; top10_tokens: string[]; top10_probs: number[] };
}

const reference = JSON.parse(
  readFileSync(path.join(repoRoot, 'models', MODEL, 'reference', 'reference.json'), 'utf8'),
) as { cases: ReferenceCase[] };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const exps = Array.from(logits, (x) => Math.exp(x - max));
  const sum = exps.reduce((s, x) => s + x, 0);
  return exps.map((x) => x / sum);
}

describe(`the built-in model (${MODEL}) through the app's loader and onnxruntime-web matches PyTorch`, () => {
  let model: PreparedModel;
  const engine = new PlaygroundEngine({
    appBase: APP_BASE,
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    fetchImpl: diskFetch,
  });

  beforeAll(async () => {
    configureWasm({ crossOriginIsolated: false, hardwareConcurrency: 1 });
    const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
    model = await prepareModel(files, 'wasm', 1);
    await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });
  });

  it('describes the model and finds every tool it supports', () => {
    expect(model.info).toMatchObject({
      layers: 4,
      heads: 4,
      hiddenSize: 128,
      vocabSize: 8000,
      maxPositions: 128,
      executionProvider: 'wasm',
    });
    for (const tool of ['attention', 'uncertainty', 'analogy', 'labels'] as const)
      expect(model.info.tools[tool].available, model.info.tools[tool].reason).toBe(true);
    expect(model.info.classLabels).toHaveLength(8);
    expect(model.info.maskToken).toBe('[MASK]');
  });

  for (const testCase of reference.cases) {
    it(`case "${testCase.name}": tokens, attention, hidden state, classifier and fill-mask`, async () => {
      const encoded = model.tokenizer.encode(testCase.text, testCase.text_pair ?? null, model.info.maxPositions);
      expect(encoded.ids).toEqual(testCase.input_ids);
      expect(encoded.typeIds).toEqual(testCase.token_type_ids);

      const view = await engine.attention(testCase.text, testCase.text_pair ?? null, {
        hideSpecial: false,
        averageHeads: false,
        rollout: false,
      });
      expect(view.shape).toEqual(testCase.attentions.shape);
      expect(maxAbsDiff(view.probs, testCase.attentions.data)).toBeLessThan(1e-4);

      const roles = model.description.roles;
      const outputs = await model.session.run(textFeeds(model.session.inputNames, batchOf([encoded])), [
        roles.sentenceEmbeddings!,
        roles.classification!,
        roles.fillMask!,
      ]);
      const hidden = await tensorToFloat32(outputs[roles.sentenceEmbeddings!]);
      expect(maxAbsDiff(hidden, testCase.last_hidden_state.data)).toBeLessThan(1e-4);
      const probs = softmax(await tensorToFloat32(outputs[roles.classification!]));
      expect(maxAbsDiff(probs, testCase.classifier_probs)).toBeLessThan(1e-4);

      if (testCase.mlm) {
        const logits = await tensorToFloat32(outputs[roles.fillMask!]);
        const vocab = model.info.vocabSize;
        const row = softmax(
          logits.subarray(testCase.mlm.masked_position * vocab, (testCase.mlm.masked_position + 1) * vocab),
        );
        const top5 = row
          .map((p, id) => [p, id] as const)
          .sort((a, b) => b[0] - a[0])
          .slice(0, 5)
          .map(([, id]) => id);
        expect(top5).toEqual(testCase.mlm.top10_ids.slice(0, 5));
        expect(top5.map((id) => model.tokenizer.idToToken(id))).toEqual(testCase.mlm.top10_tokens.slice(0, 5));
      }
      for (const tensor of Object.values(outputs)) (tensor as ort.Tensor).dispose();
    });
  }
});
