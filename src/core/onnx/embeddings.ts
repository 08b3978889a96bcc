import { OnnxGraphError } from './errors';
import { GraphIndex, isOp } from './graph';
import { isExternalTensor, readFloatTensor, tensorDims } from './tensor-data';
import { dataTypeName, type OnnxModel, type OnnxTensor } from './types';

export interface TokenEmbeddings {
  vocabSize: number;
  hiddenSize: number;
  /** Row-major [vocabSize, hiddenSize], converted to float32 whatever the stored type. */
  data: Float32Array;
  initializerName: string;
  /** Element type as stored in the model ("float32", "float16", …). */
  storedType: string;
}

const IDS_INPUT = 'input_ids';

/** The initializer a Gather looks token ids up in: the Gather reads `input_ids` (maybe via a Cast). */
export function findTokenEmbeddingInitializer(index: GraphIndex): OnnxTensor | null {
  return findLookupTable(index, IDS_INPUT);
}

/**
 * The 2-D initializer a Gather looks a graph input's values up in (`input_ids` → the token
 * embeddings, `token_type_ids` → the token-type embeddings), reading through a Cast or Identity.
 */
export function findLookupTable(index: GraphIndex, input: string): OnnxTensor | null {
  const idNames = new Set([input]);
  for (const node of index.consumersOf(input)) {
    if (isOp(node, 'Cast') || isOp(node, 'Identity')) idNames.add(node.output[0]);
  }
  for (const idName of idNames) {
    for (const node of index.consumersOf(idName)) {
      if (!isOp(node, 'Gather') || node.input[1] !== idName) continue;
      const table = index.initializers.get(node.input[0]);
      if (table && tensorDims(table).length === 2) return table;
    }
  }
  return null;
}

/**
 * The token-embedding matrix: the Gather whose indices are the `input_ids` graph input and whose
 * data is an initializer. Reads raw_data, float_data and float16/bfloat16 storage.
 */
export function readTokenEmbeddings(model: OnnxModel): TokenEmbeddings {
  const index = new GraphIndex(model.graph);
  if (!index.feedInputs.has(IDS_INPUT)) {
    throw new OnnxGraphError(`The model has no "${IDS_INPUT}" input, so its token-embedding table cannot be located.`);
  }
  const table = findTokenEmbeddingInitializer(index);
  if (!table) {
    throw new OnnxGraphError(
      `No token-embedding table found: no Gather node looks "${IDS_INPUT}" up in a 2-D initializer (the embedding may be quantized or computed).`,
    );
  }
  if (isExternalTensor(table)) {
    throw new OnnxGraphError(
      `The token-embedding table "${table.name}" is stored as ONNX external data, outside the .onnx file.`,
    );
  }
  const [vocabSize, hiddenSize] = tensorDims(table);
  const data = readFloatTensor(table);
  if (data.length !== vocabSize * hiddenSize) {
    throw new OnnxGraphError(
      `The token-embedding table "${table.name}" holds ${data.length} values, expected ${vocabSize}×${hiddenSize}.`,
    );
  }
  return { vocabSize, hiddenSize, data, initializerName: table.name ?? '', storedType: dataTypeName(table.dataType) };
}
