/**
 * The surgery on the real default model (models/playground-bert-mini: torch 1.13 export, opset 17,
 * 4 layers × 4 heads, hidden 128), checked against the PyTorch reference outputs stored beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  describeModel,
  encodeModel,
  exposeAttention,
  insertMcDropout,
  makeDropoutFeeds,
  readTokenEmbeddings,
  restrictMlmHeadToPositions,
} from '../../../src/core/onnx';
import { createRng } from '../../../src/core/random';
import { createSession, floats, ort, runOnce, textFeeds, toOrtFeeds } from '../../helpers/onnx-runtime';

const folder = join(process.cwd(), 'models', 'playground-bert-mini');
const bytes = new Uint8Array(readFileSync(join(folder, 'onnx', 'model.onnx')));
const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;

interface ReferenceCase {
  name: string;
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  attentions: { shape: number[]; data: number[] };
  last_hidden_state: { shape: number[]; data: number[] };
  classifier_probs: number[];
  mlm: { masked_position: number; top10_ids: number[]; top10_probs: number[] } | null;
}
const reference = JSON.parse(readFileSync(join(folder, 'reference', 'reference.json'), 'utf8')) as {
  cases: ReferenceCase[];
};
const feedsOf = (c: ReferenceCase, copies = 1) =>
  textFeeds(
    Array.from({ length: copies }, () => c.input_ids),
    Array.from({ length: copies }, () => c.attention_mask),
    Array.from({ length: copies }, () => c.token_type_ids),
  );

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function softmax(values: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(values));
  const exps = Array.from(values, (v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

describe('default model playground-bert-mini', () => {
  it('re-encodes to the very same bytes', () => {
    const reencoded = encodeModel(decodeModel(bytes));
    expect(reencoded.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(reencoded).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is described the same from its graph and from config.json', () => {
    const model = decodeModel(bytes);
    for (const description of [describeModel(model), describeModel(model, config)]) {
      expect(description).toMatchObject({
        opset: 17,
        layers: 4,
        headsPerLayer: 4,
        hiddenSize: 128,
        vocabSize: 8000,
        attentionSoftmaxCount: 4,
        roles: {
          fillMask: 'logits',
          classification: 'classifier_logits',
          sentenceEmbeddings: 'last_hidden_state',
          numLabels: 8,
        },
        warnings: [],
      });
      expect(description.producer).toMatch(/^pytorch/);
      for (const capability of Object.values(description.capabilities)) expect(capability.available).toBe(true);
      expect(description.capabilities.mcDropout.reason).toMatch(
        /4 attention Softmax node\(s\) and on 8 residual branch/,
      );
    }
  });

  it('exposes attention that matches PyTorch on every reference case', async () => {
    const { model, attentionOutputs } = exposeAttention(decodeModel(bytes));
    expect(attentionOutputs.map((output) => [output.outputName, output.heads])).toEqual(
      [0, 1, 2, 3].map((layer) => [`/layers.${layer}/attention/Softmax_output_0`, 4]),
    );
    const session = await createSession(encodeModel(model));
    try {
      for (const c of reference.cases) {
        const results = await session.run(feedsOf(c));
        const seq = c.input_ids.length;
        const stacked = new Float32Array(4 * 4 * seq * seq);
        attentionOutputs.forEach((output, layer) => {
          expect(results[output.outputName].dims).toEqual([1, 4, seq, seq]);
          stacked.set(floats(results[output.outputName]), layer * 4 * seq * seq);
        });
        expect(maxAbsDifference(stacked, c.attentions.data)).toBeLessThan(1e-5);
        expect(maxAbsDifference(floats(results.last_hidden_state), c.last_hidden_state.data)).toBeLessThan(1e-4);
        expect(maxAbsDifference(softmax(floats(results.classifier_logits)), c.classifier_probs)).toBeLessThan(1e-5);
        if (c.mlm) {
          const vocab = 8000;
          const row = floats(results.logits).subarray(
            c.mlm.masked_position * vocab,
            (c.mlm.masked_position + 1) * vocab,
          );
          const probs = softmax(row);
          const top = [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, 10);
          expect(top).toEqual(c.mlm.top10_ids);
          expect(
            maxAbsDifference(
              top.map((id) => probs[id]),
              c.mlm.top10_probs,
            ),
          ).toBeLessThan(1e-5);
        }
      }
    } finally {
      await session.release();
    }
  });

  it('keeps the plain outputs bit for bit at dropout_p = 0 and samples at p > 0', async () => {
    const c = reference.cases[0];
    const seq = c.input_ids.length;
    const { model, plan } = insertMcDropout(decodeModel(bytes), { config });
    expect(plan.sites).toHaveLength(12);
    const plain = await runOnce(bytes, feedsOf(c, 3));
    const session = await createSession(encodeModel(model));
    try {
      const run = (p: number, seed: number) =>
        session.run({ ...feedsOf(c, 3), ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 3, seq }, createRng(seed), p)) });
      const atZero = await run(0, 1);
      for (const name of ['logits', 'last_hidden_state', 'classifier_logits']) {
        expect(Array.from(floats(atZero[name]))).toEqual(Array.from(floats(plain[name])));
      }
      const [a, b, again] = [await run(0.1, 1), await run(0.1, 2), await run(0.1, 1)];
      expect(Array.from(floats(again.classifier_logits))).toEqual(Array.from(floats(a.classifier_logits)));
      expect(Array.from(floats(b.classifier_logits))).not.toEqual(Array.from(floats(a.classifier_logits)));
      const rows = floats(a.classifier_logits);
      expect(Array.from(rows.subarray(0, 8))).not.toEqual(Array.from(rows.subarray(8, 16)));
    } finally {
      await session.release();
    }
  });

  it('tiles the deterministic prefix: batch-1 input, T samples out, equal to batching the input', async () => {
    const c = reference.cases[3];
    const seq = c.input_ids.length;
    const samples = 6;
    const options = { config, stochasticLayers: { lastK: 2 } } as const;
    const tiled = insertMcDropout(decodeModel(bytes), { ...options, tiledPrefix: true });
    const batched = insertMcDropout(decodeModel(bytes), options);
    // Nothing is copied T times: the layer input, its projections and attention stay batch-1 and the rows
    // multiply where the first dropout mask broadcasts against them.
    expect(tiled.plan.tiledTensors).toEqual([]);
    const plain = await runOnce(bytes, feedsOf(c));
    for (const p of [0, 0.1]) {
      const noise = () => toOrtFeeds(makeDropoutFeeds(tiled.plan, { rows: samples, seq }, createRng(123), p));
      const fromTiled = await runOnce(encodeModel(tiled.model), { ...feedsOf(c), ...noise() });
      const fromBatched = await runOnce(encodeModel(batched.model), { ...feedsOf(c, samples), ...noise() });
      expect(fromTiled.logits.dims).toEqual([samples, seq, 8000]);
      expect(fromTiled.classifier_logits.dims).toEqual([samples, 8]);
      for (const name of ['logits', 'last_hidden_state', 'classifier_logits']) {
        expect(maxAbsDifference(floats(fromTiled[name]), floats(fromBatched[name]))).toBeLessThan(1e-5);
      }
      if (p === 0) {
        const size = floats(plain.classifier_logits).length;
        for (let row = 0; row < samples; row++) {
          expect(Array.from(floats(fromTiled.classifier_logits).subarray(row * size, (row + 1) * size))).toEqual(
            Array.from(floats(plain.classifier_logits)),
          );
        }
      }
    }
  });

  it('computes fill-mask logits at the masked position only, with the reference top 10', async () => {
    const c = reference.cases.find((candidate) => candidate.mlm !== null)!;
    const { model, restriction } = restrictMlmHeadToPositions(decodeModel(bytes));
    expect(restriction).toMatchObject({ hiddenState: 'last_hidden_state', logitsOutput: 'logits' });
    const results = await runOnce(encodeModel(model), {
      ...feedsOf(c),
      mlm_positions: new ort.Tensor('int64', BigInt64Array.of(BigInt(c.mlm!.masked_position)), [1]),
    });
    expect(results.logits.dims).toEqual([1, 8000]);
    const probs = softmax(floats(results.logits));
    const top = [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, 10);
    expect(top).toEqual(c.mlm!.top10_ids);
    expect(
      maxAbsDifference(
        top.map((id) => probs[id]),
        c.mlm!.top10_probs,
      ),
    ).toBeLessThan(1e-5);
  });

  it('reads the 8000 × 128 token-embedding table', () => {
    const model = decodeModel(bytes);
    const embeddings = readTokenEmbeddings(model);
    expect(embeddings).toMatchObject({
      vocabSize: 8000,
      hiddenSize: 128,
      initializerName: 'embeddings.word_embeddings.weight',
      storedType: 'float32',
    });
    const raw = model.graph.initializer.find((tensor) => tensor.name === embeddings.initializerName)!.rawData!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (const index of [0, 1, 127, 128, 500_000, 8000 * 128 - 1])
      expect(embeddings.data[index]).toBe(view.getFloat32(index * 4, true));
  });
});
