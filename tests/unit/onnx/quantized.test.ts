/**
 * int8 dynamic-quantized graphs (quantize_dynamic's MatMulInteger chains, the fused DynamicQuantizeMatMul,
 * quantized embedding tables before or after the Gather): attention Softmax found and exposed, MC-dropout sites
 * on the same places as in the float model with p = 0 bit for bit, the embedding table read by dequantizing.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../src/core/onnx/codec';
import { exposeAttention } from '../../../src/core/onnx/attention';
import { describeModel } from '../../../src/core/onnx/describe';
import { insertMcDropout, makeDropoutFeeds } from '../../../src/core/onnx/dropout';
import { readTokenEmbeddings } from '../../../src/core/onnx/embeddings';
import { createRng } from '../../../src/core/random';
import { quantizeDynamicInt8, type Int8Options, type QuantizedTable } from '../../helpers/onnx-int8-model';
import { floats, runOnce, textFeeds, toOrtFeeds, type Feeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16 });
const sentence = [2, 20, 10, 25, 16, 8, 18, 3];
const seq = sentence.length;
const OUTPUTS = ['logits', 'last_hidden_state', 'classifier_logits'];
const repeated = (rows: number): Feeds => textFeeds(Array.from({ length: rows }, () => sentence));

const variants: [string, Int8Options][] = [
  ['MatMulInteger, int8 table per tensor (Gather → DequantizeLinear)', {}],
  ['MatMulInteger, uint8 table per token (DequantizeLinear → Gather)', { embeddingType: 'uint8', embeddingAxis: 0 }],
  ['DynamicQuantizeMatMul, int8 table per feature', { matmul: 'fused', embeddingAxis: 1 }],
];

/** (q − zero point) · scale in float32, element by element, as the ONNX spec defines DequantizeLinear. */
function referenceDequantization(table: QuantizedTable): Float32Array {
  const [rows, cols] = table.dims;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const channel = table.axis === null ? 0 : table.axis === 0 ? r : c;
      out[r * cols + c] = (table.values[r * cols + c] - table.zeroPoints[channel]) * table.scales[channel];
    }
  return out;
}

describe.each(variants)('an int8 dynamic-quantized model: %s', (_, options) => {
  const { model, table } = quantizeDynamicInt8(decodeModel(tiny.bytes), options);
  const bytes = encodeModel(model);

  it('is described with every tool available and the same layers, heads and residual sites as the float model', () => {
    const float = describeModel(decodeModel(tiny.bytes));
    const quantized = describeModel(decodeModel(bytes));
    expect(model.graph.node.some((node) => /MatMulInteger|DynamicQuantizeMatMul/.test(node.opType ?? ''))).toBe(true);
    expect(quantized.capabilities).toEqual({
      ...float.capabilities,
      tokenEmbeddings: {
        available: true,
        reason: expect.stringMatching(/stored as u?int8 and dequantized/),
      },
    });
    expect(quantized.layers).toBe(2);
    expect(quantized.vocabSize).toBe(float.vocabSize);
  });

  it('exposes each layer’s attention Softmax: rows of probabilities that sum to 1', async () => {
    const exposed = exposeAttention(decodeModel(bytes));
    expect(exposed.attentionOutputs.map((output) => [output.layer, output.heads])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const outputs = await runOnce(
      encodeModel(exposed.model),
      repeated(1),
      exposed.attentionOutputs.map((output) => output.outputName),
    );
    for (const { outputName } of exposed.attentionOutputs) {
      const probs = floats(outputs[outputName]);
      expect(outputs[outputName].dims).toEqual([1, 2, seq, seq]);
      for (let row = 0; row < probs.length / seq; row++) {
        const sum = probs.slice(row * seq, (row + 1) * seq).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  it('gets dropout after each Softmax and on both residual branches of each layer; p = 0 is the plain model bit for bit', async () => {
    const { model: mc, plan } = insertMcDropout(decodeModel(bytes));
    expect(plan.sites.map((site) => site.noiseInput)).toEqual(
      insertMcDropout(decodeModel(tiny.bytes)).plan.sites.map((site) => site.noiseInput),
    );
    const plain = await runOnce(bytes, repeated(3));
    const mcBytes = encodeModel(mc);
    const run = (p: number) =>
      runOnce(mcBytes, { ...repeated(3), ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 3, seq }, createRng(5), p)) });
    const atZero = await run(0);
    for (const name of OUTPUTS) expect(Array.from(floats(atZero[name])), name).toEqual(Array.from(floats(plain[name])));
    const sampled = await run(0.3);
    expect(Array.from(floats(sampled.logits))).not.toEqual(Array.from(floats(plain.logits)));
  });

  it('tiles the stochastic suffix from the float activation entering it; p = 0 is the plain batch-1 run bit for bit', async () => {
    const { model: mc, plan } = insertMcDropout(decodeModel(bytes), {
      tiledPrefix: true,
      stochasticLayers: { lastK: 1 },
    });
    const plain = await runOnce(bytes, repeated(1));
    const feeds = { ...repeated(1), ...toOrtFeeds(makeDropoutFeeds(plan, { rows: 4, seq }, createRng(2), 0)) };
    const tiled = await runOnce(encodeModel(mc), feeds);
    const hidden = floats(plain.last_hidden_state);
    const rows = floats(tiled.last_hidden_state);
    expect(tiled.last_hidden_state.dims[0]).toBe(4);
    for (let row = 0; row < 4; row++)
      expect(Array.from(rows.slice(row * hidden.length, (row + 1) * hidden.length))).toEqual(Array.from(hidden));
  });

  it('reads the token-embedding table by dequantizing it, equal to a reference dequantization', () => {
    const embeddings = readTokenEmbeddings(decodeModel(bytes));
    expect([embeddings.vocabSize, embeddings.hiddenSize]).toEqual(table.dims);
    expect(embeddings.storedType).toBe(options.embeddingType ?? 'int8');
    expect(Array.from(embeddings.data)).toEqual(Array.from(referenceDequantization(table)));
    // And close to the float table it was quantized from (half a step per value at most).
    const float = readTokenEmbeddings(decodeModel(tiny.bytes)).data;
    const step = Math.max(...table.scales);
    expect(Math.max(...float.map((x, i) => Math.abs(x - embeddings.data[i])))).toBeLessThanOrEqual(step / 2 + 1e-6);
  });
});
