import { OnnxGraphError } from './errors';
import { GraphIndex, intAttribute, isOp } from './graph';
import { isExternalTensor, readFloatTensor, readIntTensor, tensorDims } from './tensor-data';
import { DataType, dataTypeName, type OnnxModel, type OnnxNode, type OnnxTensor } from './types';

export interface TokenEmbeddings {
  vocabSize: number;
  hiddenSize: number;
  /** Row-major [vocabSize, hiddenSize], converted to float32 whatever the stored type. */
  data: Float32Array;
  initializerName: string;
  /** Element type as stored in the model ("float32", "float16", "int8" and "uint8" dequantized, …). */
  storedType: string;
}

/**
 * How a quantized table's values become floats: (q − zeroPoint) · scale, one scale per tensor (axis null) or
 * one per slice along `axis` of the table, as ONNX DequantizeLinear defines it.
 */
export interface TableDequantization {
  scale: OnnxTensor;
  zeroPoint: OnnxTensor | null;
  axis: number | null;
}

/** A lookup table as stored, and its dequantization when it is stored quantized. */
export interface LookupTable {
  table: OnnxTensor;
  dequantize: TableDequantization | null;
}

const IDS_INPUT = 'input_ids';

/** The initializer a Gather looks token ids up in: the Gather reads `input_ids` (maybe via a Cast). */
export function findTokenEmbeddingInitializer(index: GraphIndex): OnnxTensor | null {
  return findLookupTable(index, IDS_INPUT);
}

/**
 * The 2-D initializer a Gather looks a graph input's values up in (`input_ids` → the token
 * embeddings, `token_type_ids` → the token-type embeddings), reading through a Cast or Identity.
 * For a quantized table, the stored (integer) initializer.
 */
export function findLookupTable(index: GraphIndex, input: string): OnnxTensor | null {
  return findLookup(index, input)?.table ?? null;
}

function dequantization(index: GraphIndex, node: OnnxNode, tableRank: number): TableDequantization | null {
  const scale = index.constantTensor(node.input[1]);
  if (!scale) return null;
  const zeroPoint = node.input[2] ? index.constantTensor(node.input[2]) : null;
  if (node.input[2] && !zeroPoint) return null;
  const perAxis = tensorDims(scale).reduce((a, b) => a * b, 1) > 1;
  const axis = intAttribute(node, 'axis', 1);
  return { scale, zeroPoint, axis: perAxis ? (axis < 0 ? axis + tableRank : axis) : null };
}

/**
 * The table a Gather on `input` reads, also when it is stored quantized, as int8 exports write it:
 * Gather(table_q) → DequantizeLinear (onnxruntime's QOperator format, quantize_dynamic) or
 * DequantizeLinear(table_q) → Gather (the QDQ format).
 */
export function findLookup(index: GraphIndex, input: string): LookupTable | null {
  const idNames = new Set([input]);
  for (const node of index.consumersOf(input)) {
    if (isOp(node, 'Cast') || isOp(node, 'Identity')) idNames.add(node.output[0]);
  }
  for (const idName of idNames) {
    for (const node of index.consumersOf(idName)) {
      if (!isOp(node, 'Gather') || node.input[1] !== idName) continue;
      const table = index.initializers.get(node.input[0]);
      if (table && tensorDims(table).length === 2) {
        if (table.dataType !== DataType.INT8 && table.dataType !== DataType.UINT8) return { table, dequantize: null };
        // Only a per-tensor scale can follow the Gather (a per-row one would need gathering too).
        const after = index.consumersOf(node.output[0]).find((next) => isOp(next, 'DequantizeLinear'));
        const dequantize = after ? dequantization(index, after, 2) : null;
        if (dequantize && dequantize.axis === null) return { table, dequantize };
        continue;
      }
      const before = index.producer.get(node.input[0]);
      if (!before || !isOp(before, 'DequantizeLinear')) continue;
      const quantized = index.initializers.get(before.input[0]);
      if (!quantized || tensorDims(quantized).length !== 2) continue;
      const dequantize = dequantization(index, before, 2);
      if (dequantize) return { table: quantized, dequantize };
    }
  }
  return null;
}

/** (q − zeroPoint) · scale, per tensor or per slice along the table's axis. */
function dequantizeTable(table: OnnxTensor, dequantize: TableDequantization): Float32Array {
  const values = readIntTensor(table);
  const scales = readFloatTensor(dequantize.scale);
  const zeros = dequantize.zeroPoint ? readIntTensor(dequantize.zeroPoint) : [0];
  const [rows, cols] = tensorDims(table);
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const channel = dequantize.axis === null ? 0 : dequantize.axis === 0 ? r : c;
      const i = r * cols + c;
      // Math.fround per step, as DequantizeLinear computes in float32.
      out[i] = Math.fround(values[i] - (zeros[channel] ?? zeros[0])) * scales[channel];
    }
  }
  return out;
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
  const lookup = findLookup(index, IDS_INPUT);
  if (!lookup) {
    throw new OnnxGraphError(
      `No token-embedding table found: no Gather node looks "${IDS_INPUT}" up in a 2-D initializer (nor in a quantized one through DequantizeLinear); the embedding may be computed.`,
    );
  }
  const { table, dequantize } = lookup;
  if (isExternalTensor(table)) {
    throw new OnnxGraphError(
      `The token-embedding table "${table.name}" is stored as ONNX external data, outside the .onnx file.`,
    );
  }
  const [vocabSize, hiddenSize] = tensorDims(table);
  const data = dequantize ? dequantizeTable(table, dequantize) : readFloatTensor(table);
  if (data.length !== vocabSize * hiddenSize) {
    throw new OnnxGraphError(
      `The token-embedding table "${table.name}" holds ${data.length} values, expected ${vocabSize}×${hiddenSize}.`,
    );
  }
  return { vocabSize, hiddenSize, data, initializerName: table.name ?? '', storedType: dataTypeName(table.dataType) };
}
