import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, OnnxFormatError, type OnnxModel } from '../../../src/core/onnx';
import { modelProtoType } from '../../../src/core/onnx/schema';
import { randomBytes, truncatedModelBytes } from '../../helpers/onnx-bad-models';
import { floats, runOnce, textFeeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

function formatError(bytes: Uint8Array): OnnxFormatError {
  try {
    decodeModel(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(OnnxFormatError);
    return error as OnnxFormatError;
  }
  throw new Error('decodeModel accepted bytes that are not ONNX');
}

/** A model using the rarely-written fields, to check they survive decode → encode. */
function modelWithEveryCorner(): OnnxModel {
  const model = buildTinyTransformer({ layers: 1 }).model;
  model.docString = 'doc';
  model.domain = 'org.example';
  model.modelVersion = 3;
  model.metadataProps = [{ key: 'license', value: 'MIT' }];
  model.graph.docString = 'graph doc';
  model.graph.valueInfo = [
    {
      name: 'some_value',
      type: {
        tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch', denotation: 'DATA_BATCH' }, { dimValue: 4 }] } },
      },
      docString: 'vi',
    },
  ];
  model.graph.initializer.push(
    { name: 'float_data_tensor', dims: [3], dataType: 1, floatData: [1.5, -2, 3.25] },
    { name: 'int64_data_tensor', dims: [2], dataType: 7, int64Data: [9007199254740991, -5] },
    { name: 'double_data_tensor', dims: [1], dataType: 11, doubleData: [0.1] },
    { name: 'string_tensor', dims: [1], dataType: 8, stringData: [new TextEncoder().encode('hello')] },
    {
      name: 'external_tensor',
      dims: [2],
      dataType: 1,
      dataLocation: 1,
      externalData: [
        { key: 'location', value: 'w.bin' },
        { key: 'offset', value: '4096' },
      ],
    },
  );
  model.graph.sparseInitializer = [
    {
      values: { name: 'sparse', dims: [1], dataType: 1, floatData: [7] },
      indices: { dims: [1], dataType: 7, int64Data: [2] },
      dims: [4],
    },
  ];
  model.graph.quantizationAnnotation = [
    { tensorName: 'x', quantParameterTensorNames: [{ key: 'SCALE_TENSOR', value: 's' }] },
  ];
  model.functions = [
    {
      name: 'MyFn',
      domain: 'custom',
      input: ['a'],
      output: ['b'],
      attribute: ['alpha'],
      node: [{ opType: 'Identity', input: ['a'], output: ['b'] }],
      opsetImport: [{ domain: '', version: 17 }],
    },
  ];
  model.trainingInfo = [{ updateBinding: [{ key: 'w', value: 'w_new' }] }];
  return model;
}

const plainObject = (model: OnnxModel) =>
  modelProtoType().toObject(model as never, { longs: String, bytes: Array, defaults: false });

describe('ONNX decode / encode', () => {
  it('round-trips the tiny model byte for byte', () => {
    const { bytes } = buildTinyTransformer();
    const reencoded = encodeModel(decodeModel(bytes));
    expect(reencoded).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(reencoded).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps rarely used fields (float_data, int64_data, external_data, sparse, functions, metadata) through a round trip', () => {
    const model = modelWithEveryCorner();
    const once = decodeModel(encodeModel(model));
    const twice = decodeModel(encodeModel(once));
    expect(plainObject(twice)).toEqual(plainObject(once));
    const external = once.graph.initializer.find((tensor) => tensor.name === 'external_tensor')!;
    expect(external.dataLocation).toBe(1);
    expect(external.externalData?.map((entry) => entry.key)).toEqual(['location', 'offset']);
    expect(
      once.graph.initializer.find((tensor) => tensor.name === 'int64_data_tensor')!.int64Data!.map(String),
    ).toEqual(['9007199254740991', '-5']);
    expect(once.metadataProps).toEqual([expect.objectContaining({ key: 'license', value: 'MIT' })]);
    expect(once.graph.valueInfo![0].type!.tensorType!.shape!.dim![0].denotation).toBe('DATA_BATCH');
  });

  it('writes the field numbers onnx.proto defines', () => {
    // TensorProto.data_location is field 14 (varint): tag byte 14 << 3 = 0x70; raw_data is field 9 (bytes): 0x4a.
    const tensor = modelProtoType().lookupType('onnx.TensorProto');
    expect([...tensor.encode({ dataLocation: 1 }).finish()]).toEqual([0x70, 0x01]);
    expect([...tensor.encode({ rawData: new Uint8Array([5]) }).finish()]).toEqual([0x4a, 0x01, 0x05]);
    // ModelProto: ir_version 1, graph 7 (0x3a), opset_import 8 (0x42), functions 25 (0xca 0x01).
    const model = modelProtoType();
    expect([...model.encode({ irVersion: 8 }).finish()]).toEqual([0x08, 0x08]);
    expect([...model.encode({ graph: {} }).finish()]).toEqual([0x3a, 0x00]);
    expect([...model.encode({ opsetImport: [{}] }).finish()]).toEqual([0x42, 0x00]);
    expect([...model.encode({ functions: [{}] }).finish()]).toEqual([0xca, 0x01, 0x00]);
    // NodeProto.domain is 7, AttributeProto.type is 20 (0xa0 0x01).
    expect([...modelProtoType().lookupType('onnx.NodeProto').encode({ domain: 'd' }).finish()]).toEqual([
      0x3a, 0x01, 0x64,
    ]);
    expect([...modelProtoType().lookupType('onnx.AttributeProto').encode({ type: 2 }).finish()]).toEqual([
      0xa0, 0x01, 0x02,
    ]);
  });

  it('gives identical onnxruntime outputs for the re-encoded model', async () => {
    const { bytes } = buildTinyTransformer();
    const feeds = () => textFeeds([[2, 20, 10, 25, 3]]);
    const original = await runOnce(bytes, feeds());
    const reencoded = await runOnce(encodeModel(decodeModel(bytes)), feeds());
    for (const name of ['logits', 'last_hidden_state', 'classifier_logits']) {
      expect(Array.from(floats(reencoded[name]))).toEqual(Array.from(floats(original[name])));
    }
  });

  it('rejects random bytes with a typed, clear error', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const error = formatError(randomBytes(2000, seed));
      expect(error.message).toMatch(/^This file is not an ONNX model/);
    }
  });

  it('rejects a truncated model and says where decoding stopped', () => {
    for (const fraction of [0.1, 0.5, 0.9, 0.999]) {
      const bytes = truncatedModelBytes(fraction);
      const error = formatError(bytes);
      expect(error.message).toMatch(/not an ONNX model/);
      expect(error.message).toMatch(/truncated/);
      expect(error.message).toMatch(/protobuf decode failed at byte \d+ of \d+/);
      expect(error.byteOffset).toBeGreaterThanOrEqual(0);
    }
  });

  it('rejects empty files, other protobuf messages and text', () => {
    expect(formatError(new Uint8Array()).message).toMatch(/empty/);
    expect(formatError(new Uint8Array([0x08, 0x96, 0x01])).message).toMatch(/no graph/);
    expect(formatError(new TextEncoder().encode('{"model_type": "bert"}')).message).toMatch(/not an ONNX model/);
    expect(
      formatError(
        encodeModel({ irVersion: 8, opsetImport: [], graph: { node: [], initializer: [], input: [], output: [] } }),
      ).message,
    ).toMatch(/no opset_import/);
  });
});
