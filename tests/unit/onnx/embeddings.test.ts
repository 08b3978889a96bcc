import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  encodeModel,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  OnnxGraphError,
  readTokenEmbeddings,
} from '../../../src/core/onnx';
import { float16ArrayToFloat32 } from '../../../src/core/onnx/float16';
import { externalDataModel, fusedAttentionModel, singleMatMulModel } from '../../helpers/onnx-bad-models';
import { floats, runOnce, textFeeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

describe('readTokenEmbeddings', () => {
  it('returns the float32 word-embedding initializer (raw_data)', () => {
    const tiny = buildTinyTransformer();
    const embeddings = readTokenEmbeddings(decodeModel(tiny.bytes));
    expect(embeddings).toMatchObject({
      vocabSize: tiny.config.vocab,
      hiddenSize: 16,
      initializerName: 'embeddings.word_embeddings.weight',
      storedType: 'float32',
    });
    expect(Array.from(embeddings.data)).toEqual(Array.from(tiny.weights.word));
  });

  it('reads raw_data that sits at an unaligned offset in the model bytes', () => {
    const tiny = buildTinyTransformer();
    let unalignedSeen = false;
    for (let shift = 0; shift < 4; shift++) {
      const shifted = new Uint8Array(tiny.bytes.byteLength + shift);
      shifted.set(tiny.bytes, shift);
      const model = decodeModel(shifted.subarray(shift));
      const raw = model.graph.initializer.find((tensor) => tensor.name === tiny.wordEmbeddingName)!.rawData!;
      if (raw.byteOffset % 4 !== 0) unalignedSeen = true;
      expect(Array.from(readTokenEmbeddings(model).data)).toEqual(Array.from(tiny.weights.word));
    }
    expect(unalignedSeen).toBe(true);
  });

  it('reads float_data storage', () => {
    const tiny = buildTinyTransformer();
    const model = decodeModel(tiny.bytes);
    model.graph.initializer = model.graph.initializer.map((tensor) =>
      tensor.name === tiny.wordEmbeddingName
        ? { name: tensor.name, dims: tensor.dims, dataType: 1, floatData: Array.from(tiny.weights.word) }
        : tensor,
    );
    expect(Array.from(readTokenEmbeddings(decodeModel(encodeModel(model))).data)).toEqual(
      Array.from(tiny.weights.word),
    );
  });

  it('converts a float16 embedding to float32 exactly, and the fp16 model runs', async () => {
    const tiny = buildTinyTransformer({ embeddingDtype: 'float16' });
    const embeddings = readTokenEmbeddings(decodeModel(tiny.bytes));
    expect(embeddings.storedType).toBe('float16');
    expect(Array.from(embeddings.data)).toEqual(Array.from(tiny.weights.word));
    const results = await runOnce(tiny.bytes, textFeeds([[2, 20, 3]]));
    expect(floats(results.logits).every(Number.isFinite)).toBe(true);
  });

  it('reads float16 stored in int32_data', () => {
    const tiny = buildTinyTransformer({ embeddingDtype: 'float16' });
    const model = decodeModel(tiny.bytes);
    model.graph.initializer = model.graph.initializer.map((tensor) =>
      tensor.name === tiny.wordEmbeddingName
        ? {
            name: tensor.name,
            dims: tensor.dims,
            dataType: 10,
            int32Data: Array.from(new Uint16Array(new Uint8Array(tensor.rawData!).buffer)),
          }
        : tensor,
    );
    expect(Array.from(readTokenEmbeddings(decodeModel(encodeModel(model))).data)).toEqual(
      Array.from(tiny.weights.word),
    );
  });

  it('says clearly when there is no reachable embedding table', () => {
    expect(() => readTokenEmbeddings(singleMatMulModel())).toThrow(/no "input_ids" input/);
    expect(() => readTokenEmbeddings(externalDataModel())).toThrow(/external data/);
    const noGather = decodeModel(buildTinyTransformer().bytes);
    noGather.graph.node = noGather.graph.node.filter((node) => node.name !== '/embeddings/word_embeddings/Gather');
    expect(() => readTokenEmbeddings(noGather)).toThrow(OnnxGraphError);
    expect(() => readTokenEmbeddings(noGather)).toThrow(/No token-embedding table found/);
    expect(readTokenEmbeddings(fusedAttentionModel()).vocabSize).toBe(30);
  });
});

describe('float16 conversion', () => {
  it('decodes special values, subnormals and extremes', () => {
    expect(float16BitsToFloat32(0x0000)).toBe(0);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('round-trips every non-NaN half exactly and rounds to nearest even', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = float16ArrayToFloat32(all);
    for (let bits = 0; bits < 65536; bits++) {
      if (Number.isNaN(decoded[bits])) continue;
      expect(float32ToFloat16Bits(decoded[bits])).toBe(bits);
    }
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway, ties to even (down)
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, ties to even (up)
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0); // halfway to the smallest subnormal: ties to even (zero)
    expect(float32ToFloat16Bits(1.5 * 2 ** -25)).toBe(1);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });
});
