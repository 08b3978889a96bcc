import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  encodeModel,
  exposeAttention,
  findAttentionSoftmaxes,
  OnnxGraphError,
} from '../../../src/core/onnx';
import { fusedAttentionModel, singleMatMulModel } from '../../helpers/onnx-bad-models';
import { referenceForward } from '../../helpers/onnx-reference-forward';
import { floats, runOnce, textFeeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

const ids = [
  [2, 20, 10, 25, 16, 3],
  [2, 26, 8, 27, 3, 0],
];
const mask = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 0],
];
const types = [
  [0, 0, 0, 0, 1, 1],
  [0, 0, 0, 0, 0, 0],
];

describe('exposeAttention', () => {
  const variants = [
    { label: 'post-LN, LayerNormalization ops', options: { layerNorm: 'op' } },
    { label: 'post-LN, decomposed LayerNorm', options: { layerNorm: 'decomposed' } },
    { label: 'pre-LN (GPT-2 style blocks)', options: { preLayerNorm: true } },
  ] as const;
  for (const { label, options } of variants) {
    it(`returns every layer's attention [batch, heads, seq, seq], rows summing to 1 and matching a JS forward pass (${label})`, async () => {
      const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16, ...options });
      const { model, attentionOutputs } = exposeAttention(decodeModel(tiny.bytes));
      expect(attentionOutputs.map(({ layer, heads, outputName }) => ({ layer, heads, outputName }))).toEqual([
        { layer: 0, heads: 2, outputName: '/layers.0/attention/Softmax_output_0' },
        { layer: 1, heads: 2, outputName: '/layers.1/attention/Softmax_output_0' },
      ]);
      const results = await runOnce(encodeModel(model), textFeeds(ids, mask, types));
      const reference = referenceForward(tiny, ids, mask, types);
      const seq = ids[0].length;
      for (const output of attentionOutputs) {
        const tensor = results[output.outputName];
        expect(tensor.dims).toEqual([2, 2, seq, seq]);
        const probs = floats(tensor);
        for (let row = 0; row < probs.length / seq; row++) {
          let total = 0;
          for (let j = 0; j < seq; j++) total += probs[row * seq + j];
          expect(Math.abs(total - 1)).toBeLessThan(1e-5);
        }
        const expected = reference.attention[output.layer];
        let maxError = 0;
        for (let i = 0; i < probs.length; i++) maxError = Math.max(maxError, Math.abs(probs[i] - expected[i]));
        expect(maxError).toBeLessThan(1e-5);
      }
      // The padded key of the second sequence gets no attention.
      const layer0 = floats(results[attentionOutputs[0].outputName]);
      const batch1Head0Row0 = layer0.subarray(2 * seq * seq, 2 * seq * seq + seq);
      expect(batch1Head0Row0[seq - 1]).toBeLessThan(1e-6);
      let hiddenError = 0;
      const hidden = floats(results.last_hidden_state);
      for (let i = 0; i < hidden.length; i++)
        hiddenError = Math.max(hiddenError, Math.abs(hidden[i] - reference.lastHiddenState[i]));
      expect(hiddenError).toBeLessThan(1e-4);
    });
  }

  it('leaves the input model untouched and the plain outputs unchanged', async () => {
    const tiny = buildTinyTransformer();
    const original = decodeModel(tiny.bytes);
    const outputsBefore = original.graph.output.length;
    const { model } = exposeAttention(original);
    expect(original.graph.output.length).toBe(outputsBefore);
    expect(Buffer.from(encodeModel(original)).equals(Buffer.from(tiny.bytes))).toBe(true);
    expect(model.graph.output.length).toBe(outputsBefore + 2);
    // Declared by name only: onnxruntime infers the type and shape.
    expect(model.graph.output.at(-1)).toEqual({ name: '/layers.1/attention/Softmax_output_0' });
    const plain = await runOnce(tiny.bytes, textFeeds(ids, mask));
    const exposed = await runOnce(encodeModel(model), textFeeds(ids, mask));
    expect(Array.from(floats(exposed.logits))).toEqual(Array.from(floats(plain.logits)));
  });

  it('finds heads from the head-splitting Reshape for other sizes', () => {
    const tiny = buildTinyTransformer({ layers: 3, heads: 4, hidden: 8 });
    const softmaxes = findAttentionSoftmaxes(decodeModel(tiny.bytes));
    expect(softmaxes.map((softmax) => [softmax.layer, softmax.heads, softmax.headSize])).toEqual([
      [0, 4, 2],
      [1, 4, 2],
      [2, 4, 2],
    ]);
  });

  it('numbers layers topologically even when the nodes are stored out of order', () => {
    const model = decodeModel(buildTinyTransformer({ layers: 3 }).bytes);
    model.graph.node.reverse();
    expect(findAttentionSoftmaxes(model).map((softmax) => softmax.node.name)).toEqual(
      [0, 1, 2].map((l) => `/layers.${l}/attention/Softmax`),
    );
  });

  it('refuses graphs without attention Softmax nodes with a typed error', () => {
    expect(() => exposeAttention(singleMatMulModel())).toThrow(OnnxGraphError);
    expect(() => exposeAttention(fusedAttentionModel())).toThrow(/No attention Softmax/);
  });
});
