/** ONNX inputs the playground must explain rather than crash on. */
import { createRng } from '../../src/core/random';
import { makeValueInfo } from '../../src/core/onnx/builder';
import { GraphEditor } from '../../src/core/onnx/editor';
import { makeFloatTensor } from '../../src/core/onnx/tensor-data';
import { DataType, type OnnxModel } from '../../src/core/onnx/types';
import { buildTinyTransformer } from './tiny-transformer';

function emptyModel(opsets: { domain: string; version: number }[] = [{ domain: '', version: 17 }]): OnnxModel {
  return {
    irVersion: 8,
    opsetImport: opsets,
    producerName: 'transformer-playground-tests',
    graph: { name: 'bad', node: [], initializer: [], input: [], output: [], valueInfo: [] },
  };
}

/** y = x · W: valid ONNX, not a transformer. */
export function singleMatMulModel(): OnnxModel {
  const model = emptyModel();
  const g = new GraphEditor(model.graph);
  model.graph.input.push(makeValueInfo('x', DataType.FLOAT, ['batch', 4]));
  const weight = g.addInitializer(makeFloatTensor('W', [4, 3], createRng(5).fillUniform(new Float32Array(12))));
  g.add('MatMul', ['x', weight], { name: 'MatMul', outputNames: ['y'] });
  model.graph.output.push(makeValueInfo('y', DataType.FLOAT, ['batch', 3]));
  return model;
}

/**
 * BERT-like embeddings feeding one com.microsoft Attention node (as onnxruntime's transformer
 * optimizer leaves a model): no Softmax anywhere, so attention cannot be exposed.
 */
export function fusedAttentionModel(vocab = 30): OnnxModel {
  const model = emptyModel([
    { domain: '', version: 17 },
    { domain: 'com.microsoft', version: 1 },
  ]);
  const g = new GraphEditor(model.graph);
  const rng = createRng(9);
  const hidden = 8;
  model.graph.input.push(
    makeValueInfo('input_ids', DataType.INT64, ['batch', 'sequence']),
    makeValueInfo('attention_mask', DataType.INT64, ['batch', 'sequence']),
  );
  const table = g.addInitializer(
    makeFloatTensor(
      'embeddings.word_embeddings.weight',
      [vocab, hidden],
      rng.fillUniform(new Float32Array(vocab * hidden)),
    ),
  );
  const embedded = g.add('Gather', [table, 'input_ids'], { name: '/embeddings/Gather' });
  const qkvWeight = g.addInitializer(
    makeFloatTensor('qkv.weight', [hidden, 3 * hidden], rng.fillUniform(new Float32Array(hidden * 3 * hidden))),
  );
  const qkvBias = g.addInitializer(makeFloatTensor('qkv.bias', [3 * hidden], new Float32Array(3 * hidden)));
  const mask = g.add('Cast', ['attention_mask'], { name: '/Cast', attributes: { to: DataType.INT32 } });
  g.add('Attention', [embedded, qkvWeight, qkvBias, mask], {
    name: '/layers.0/attention/Attention',
    domain: 'com.microsoft',
    attributes: { num_heads: 2 },
    outputNames: ['last_hidden_state'],
  });
  model.graph.output.push(makeValueInfo('last_hidden_state', DataType.FLOAT, ['batch', 'sequence', hidden]));
  return model;
}

/** The tiny transformer with its word embedding moved to an external data file. */
export function externalDataModel(): OnnxModel {
  const { model, wordEmbeddingName } = buildTinyTransformer();
  model.graph.initializer = model.graph.initializer.map((tensor) =>
    tensor.name === wordEmbeddingName
      ? {
          name: tensor.name,
          dims: tensor.dims,
          dataType: tensor.dataType,
          dataLocation: 1,
          externalData: [
            { key: 'location', value: 'model.onnx_data' },
            { key: 'offset', value: '0' },
            { key: 'length', value: String(tensor.rawData!.byteLength) },
          ],
        }
      : tensor,
  );
  return model;
}

/** The first `fraction` of the tiny model's bytes, as an interrupted download leaves them. */
export function truncatedModelBytes(fraction = 0.6): Uint8Array {
  const bytes = buildTinyTransformer().bytes;
  return bytes.slice(0, Math.floor(bytes.byteLength * fraction));
}

export function randomBytes(length: number, seed = 7): Uint8Array {
  const rng = createRng(seed);
  return Uint8Array.from({ length }, () => rng.nextInt(256));
}

/**
 * The tiny transformer plus one unused initializer that declares `gigabytes` GiB of float32 weights
 * (its data is left out, so the file stays small): a model over the memory a page can give onnxruntime.
 */
export function oversizedModel(gigabytes = 4): OnnxModel {
  const { model } = buildTinyTransformer();
  const rows = (gigabytes * 1024 ** 3) / 4 / 16384;
  model.graph.initializer.push({ name: 'oversized.weight', dims: [rows, 16384], dataType: DataType.FLOAT });
  return model;
}
