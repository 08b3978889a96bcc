import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  encodeModel,
  exposeAttention,
  insertMcDropout,
  makeDropoutFeeds,
  OnnxGraphError,
  type McDropoutOptions,
} from '../../../src/core/onnx';
import { createRng } from '../../../src/core/random';
import { singleMatMulModel } from '../../helpers/onnx-bad-models';
import { floats, ort, runOnce, textFeeds, toOrtFeeds, type Feeds } from '../../helpers/onnx-runtime';
import { convertToFloat16 } from '../../helpers/onnx-float16-model';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16 });
const sentence = [2, 20, 10, 25, 16, 8, 18, 3];
const seq = sentence.length;
const OUTPUTS = ['logits', 'last_hidden_state', 'classifier_logits'];

function dropoutModel(options: McDropoutOptions = {}) {
  const { model, plan } = insertMcDropout(decodeModel(tiny.bytes), options);
  return { bytes: encodeModel(model), plan, model };
}

/** The sentence repeated `samples` times on the batch axis. */
function repeated(samples: number): Feeds {
  return textFeeds(Array.from({ length: samples }, () => sentence));
}

function rowsOf(tensor: ort.Tensor): Float32Array[] {
  const data = floats(tensor);
  const size = data.length / tensor.dims[0];
  return Array.from({ length: tensor.dims[0] }, (_, row) => data.slice(row * size, (row + 1) * size));
}

describe('insertMcDropout', () => {
  it('reproduces the plain model bit for bit at dropout_p = 0', async () => {
    const plain = await runOnce(tiny.bytes, repeated(3));
    for (const options of [
      {},
      { sites: ['attention'] },
      { sites: ['hidden'] },
      { stochasticLayers: { lastK: 1 } },
    ] as McDropoutOptions[]) {
      const { bytes, plan } = dropoutModel(options);
      const feeds = { ...repeated(3), ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 3, seq }, createRng(11), 0)) };
      const dropped = await runOnce(bytes, feeds);
      for (const name of OUTPUTS) expect(Array.from(floats(dropped[name]))).toEqual(Array.from(floats(plain[name])));
    }
  });

  it('also matches the attention-exposed model exactly, attention outputs included', async () => {
    const exposed = exposeAttention(decodeModel(tiny.bytes));
    const withDropout = insertMcDropout(exposed.model);
    const names = [...OUTPUTS, ...exposed.attentionOutputs.map((output) => output.outputName)];
    const plain = await runOnce(encodeModel(exposed.model), repeated(2));
    const dropped = await runOnce(encodeModel(withDropout.model), {
      ...repeated(2),
      ...toOrtFeeds(makeDropoutFeeds(withDropout.plan, { rows: 2, seq }, createRng(3), 0)),
    });
    for (const name of names) expect(Array.from(floats(dropped[name]))).toEqual(Array.from(floats(plain[name])));
  });

  it('plans one noise input per site with self-describing names and shapes', () => {
    const { plan, model } = dropoutModel();
    expect(plan.sites.map((site) => [site.noiseInput, site.noiseShape])).toEqual([
      ['mc_noise_layer0_attention_probs', ['rows', 2, 'seq', 'seq']],
      ['mc_noise_layer0_attention_output', ['rows', 'seq', 16]],
      ['mc_noise_layer0_ffn_output', ['rows', 'seq', 16]],
      ['mc_noise_layer1_attention_probs', ['rows', 2, 'seq', 'seq']],
      ['mc_noise_layer1_attention_output', ['rows', 'seq', 16]],
      ['mc_noise_layer1_ffn_output', ['rows', 'seq', 16]],
    ]);
    expect(plan.dropoutInput).toBe('dropout_p');
    expect(model.graph.input.map((input) => input.name)).toContain('dropout_p');
    // dropout_p is required: no initializer default that ORT would hide.
    expect(model.graph.initializer.some((tensor) => tensor.name === 'dropout_p')).toBe(false);
    const feeds = makeDropoutFeeds(plan, { rows: 5, seq: 7 }, createRng(1), 0.1);
    expect(feeds.dropout_p).toEqual({ type: 'float32', data: Float32Array.of(0.1), dims: [1] });
    expect(feeds.mc_noise_layer1_attention_probs.dims).toEqual([5, 2, 7, 7]);
    expect(feeds.mc_noise_layer0_ffn_output.dims).toEqual([5, 7, 16]);
    expect(() => makeDropoutFeeds(plan, { rows: 1, seq: 1 }, createRng(1), 1)).toThrow(RangeError);
  });

  it('gives different samples across batch rows and seeds, identical ones for the same seed', async () => {
    const { bytes, plan } = dropoutModel();
    const run = (seed: number) =>
      runOnce(bytes, { ...repeated(4), ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 4, seq }, createRng(seed), 0.2)) });
    const [a, b, again] = [await run(1), await run(2), await run(1)];
    for (const name of OUTPUTS) {
      expect(Array.from(floats(again[name]))).toEqual(Array.from(floats(a[name])));
      expect(Array.from(floats(b[name]))).not.toEqual(Array.from(floats(a[name])));
      const rows = rowsOf(a[name]);
      for (let i = 1; i < rows.length; i++) expect(Array.from(rows[i])).not.toEqual(Array.from(rows[0]));
    }
  });

  const keepRateCases = [
    { kind: 'attention', what: 'attention probability', sites: 2, shape: [2, seq, seq] },
    { kind: 'hidden', what: 'sub-layer output (attention and FFN output)', sites: 4, shape: [seq, 16] },
  ] as const;
  for (const { kind, what, sites, shape } of keepRateCases) {
    it(`keeps each ${what} with rate 1 − p, exactly where noise ≥ p, scaled by 1/(1 − p)`, async () => {
      const p = 0.3;
      const rows = 16;
      const { model, plan } = insertMcDropout(decodeModel(tiny.bytes), { sites: [kind] });
      expect(plan.sites.map((site) => site.kind)).toEqual(Array(sites).fill(kind));
      for (const site of plan.sites) model.graph.output.push({ name: site.droppedTensor }, { name: site.tensor });
      const noise = makeDropoutFeeds(plan, { rows, seq }, createRng(42), p);
      const results = await runOnce(encodeModel(model), { ...repeated(rows), ...toOrtFeeds(noise) });
      for (const site of plan.sites) {
        const dropped = floats(results[site.droppedTensor]);
        const original = floats(results[site.tensor]);
        const noiseValues = noise[site.noiseInput].data as Float32Array;
        expect(dropped.length).toBe(rows * shape.reduce((a, b) => a * b, 1));
        // The dropped fraction is read from the graph's output; values that were 0 already tell nothing.
        let zeroed = 0;
        let informative = 0;
        for (let i = 0; i < dropped.length; i++) {
          if (noiseValues[i] >= Math.fround(p)) {
            const expected = original[i] / (1 - p);
            expect(Math.abs(dropped[i] - expected)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected)));
          } else {
            expect(dropped[i]).toBe(0);
          }
          if (original[i] !== 0) {
            informative++;
            if (dropped[i] === 0) zeroed++;
          }
        }
        expect(informative).toBeGreaterThan(0.99 * dropped.length);
        // 99% normal-approximation interval of a binomial(n, p) proportion.
        const halfWidth = 2.576 * Math.sqrt((p * (1 - p)) / informative);
        expect(Math.abs(zeroed / informative - p), site.droppedTensor).toBeLessThan(halfWidth);
      }
    });
  }

  it('makes only the last k layers stochastic', async () => {
    const { bytes, plan } = dropoutModel({ stochasticLayers: { lastK: 1 } });
    expect(plan.stochasticLayers).toEqual([1]);
    expect(new Set(plan.sites.map((site) => site.layer))).toEqual(new Set([1]));
    expect(plan.sites.map((site) => site.kind)).toEqual(['attention', 'hidden', 'hidden']);
    const results = await runOnce(bytes, {
      ...repeated(2),
      ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 2, seq }, createRng(5), 0.5)),
    });
    const [first, second] = rowsOf(results.logits);
    expect(Array.from(first)).not.toEqual(Array.from(second));
  });

  it('runs the deterministic prefix once and tiles it: batch-1 input, T rows out, same numbers as batching', async () => {
    const samples = 5;
    const options: McDropoutOptions = { stochasticLayers: { lastK: 1 } };
    const batched = dropoutModel(options);
    const tiled = dropoutModel({ ...options, tiledPrefix: true });
    expect(tiled.plan.tiledPrefix).toBe(true);
    // Nothing is copied T times: the layer input, its projections and attention stay batch-1 and the rows
    // multiply where the first dropout mask broadcasts against them.
    expect(tiled.plan.tiledTensors).toEqual([]);
    const plain = await runOnce(tiny.bytes, repeated(1));
    for (const p of [0, 0.25]) {
      const noise = () => toOrtFeeds(makeDropoutFeeds(tiled.plan, { rows: samples, seq }, createRng(9), p));
      const fromTiled = await runOnce(tiled.bytes, { ...repeated(1), ...noise() });
      const fromBatched = await runOnce(batched.bytes, { ...repeated(samples), ...noise() });
      expect(fromTiled.logits.dims).toEqual([samples, seq, tiny.config.vocab]);
      expect(fromTiled.classifier_logits.dims).toEqual([samples, 3]);
      for (const name of OUTPUTS) {
        const a = floats(fromTiled[name]);
        const b = floats(fromBatched[name]);
        let maxError = 0;
        for (let i = 0; i < a.length; i++) maxError = Math.max(maxError, Math.abs(a[i] - b[i]));
        expect(maxError).toBeLessThan(1e-5);
        if (p === 0)
          for (const row of rowsOf(fromTiled[name])) expect(Array.from(row)).toEqual(Array.from(floats(plain[name])));
      }
    }
  });

  for (const [label, variant] of [
    ['decomposed LayerNorm', { layerNorm: 'decomposed' }],
    ['pre-LN blocks', { preLayerNorm: true }],
  ] as const) {
    it(`finds every site and tiles with ${label}`, async () => {
      const other = buildTinyTransformer({ ...variant, seed: 77 });
      for (const stochasticLayers of ['all', { lastK: 1 }] as const) {
        const { model, plan } = insertMcDropout(decodeModel(other.bytes), { tiledPrefix: true, stochasticLayers });
        expect(plan.sites).toHaveLength(stochasticLayers === 'all' ? 6 : 3);
        const tiledModel = encodeModel(model);
        const batchedPlan = insertMcDropout(decodeModel(other.bytes), { stochasticLayers });
        const plain = await runOnce(other.bytes, repeated(1));
        for (const p of [0, 0.3]) {
          const noise = () => toOrtFeeds(makeDropoutFeeds(plan, { rows: 3, seq }, createRng(2), p));
          const results = await runOnce(tiledModel, { ...repeated(1), ...noise() });
          const batched = await runOnce(encodeModel(batchedPlan.model), { ...repeated(3), ...noise() });
          expect(results.last_hidden_state.dims).toEqual([3, seq, 16]);
          const a = floats(results.logits);
          const b = floats(batched.logits);
          for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
          if (p === 0)
            for (const row of rowsOf(results.last_hidden_state))
              expect(Array.from(row)).toEqual(Array.from(floats(plain.last_hidden_state)));
        }
      }
    });
  }

  it('does not modify its input and refuses graphs without attention', () => {
    const model = decodeModel(tiny.bytes);
    insertMcDropout(model, { tiledPrefix: true, stochasticLayers: { lastK: 1 } });
    insertMcDropout(model);
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(tiny.bytes))).toBe(true);
    expect(() => insertMcDropout(singleMatMulModel())).toThrow(OnnxGraphError);
  });
});

describe('insertMcDropout on a float16 model', () => {
  it('casts the scale and zero to float16, keeps p = 0 exact and drops at p > 0', async () => {
    const fp16Bytes = encodeModel(convertToFloat16(decodeModel(tiny.bytes)));
    const { model, plan } = insertMcDropout(decodeModel(fp16Bytes));
    const plain = await runOnce(fp16Bytes, repeated(2));
    expect(plain.logits.type).toBe('float16');
    const bytes = encodeModel(model);
    const run = (p: number) =>
      runOnce(bytes, { ...repeated(2), ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 2, seq }, createRng(8), p)) });
    const atZero = await run(0);
    for (const name of OUTPUTS)
      expect(Array.from(atZero[name].data as Uint16Array)).toEqual(Array.from(plain[name].data as Uint16Array));
    const sampled = await run(0.2);
    expect(Array.from(sampled.logits.data as Uint16Array)).not.toEqual(Array.from(plain.logits.data as Uint16Array));
  });
});
