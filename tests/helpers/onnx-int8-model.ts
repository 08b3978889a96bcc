/**
 * Turns a float32 model into an int8 dynamic-quantized one the way onnxruntime.quantization.quantize_dynamic
 * (and optimum's ORTQuantizer, which calls it) writes model_quantized.onnx / model_int8.onnx:
 * - every MatMul by a 2-D weight initializer becomes DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp)
 *   → Cast(float) → Mul(x_scale · W_scale), weights int8 symmetric per tensor (zero point 0, scale max|W| / 127),
 *   one DynamicQuantizeLinear per activation shared by the MatMuls that read it (Q, K and V);
 *   or, with `matmul: 'fused'`, com.microsoft DynamicQuantizeMatMul(x, W_q, W_scale, W_zp) as ORT's optimizer
 *   fuses that chain;
 * - MatMuls of two activations (Q·Kᵀ, probabilities·V) stay float (quantize_dynamic's MatMulConstBOnly);
 * - the word-embedding Gather reads a quantized table: per tensor as Gather(table_q) → DequantizeLinear
 *   (QOperator format), or per axis as DequantizeLinear(table_q, scales, zero points, axis) → Gather (QDQ format).
 * The float table stays for the tied MLM decoder (which reads it through a Transpose, as exports keep it).
 */
import { GraphEditor } from '../../src/core/onnx/editor';
import { GraphIndex } from '../../src/core/onnx/graph';
import { readFloatTensor, tensorDims } from '../../src/core/onnx/tensor-data';
import { DataType, type OnnxModel, type OnnxTensor } from '../../src/core/onnx/types';

export interface Int8Options {
  matmul?: 'integer' | 'fused';
  /** Element type of the quantized embedding table: int8 symmetric (zero point 0) or uint8 asymmetric. */
  embeddingType?: 'int8' | 'uint8';
  /** Per-axis scales and zero points along this table axis (0: per token, 1: per feature); per tensor when absent. */
  embeddingAxis?: 0 | 1;
}

/** The quantized word-embedding table as stored, for a reference dequantization in tests. */
export interface QuantizedTable {
  values: Int8Array | Uint8Array;
  dims: [number, number];
  scales: Float32Array;
  zeroPoints: number[];
  axis: 0 | 1 | null;
}

function intTensor(name: string, dims: number[], values: Int8Array | Uint8Array): OnnxTensor {
  return {
    name,
    dims,
    dataType: values instanceof Int8Array ? DataType.INT8 : DataType.UINT8,
    rawData: new Uint8Array(values.buffer.slice(0)),
  };
}

/** Scale and zero point for values in [min, max], as onnxruntime.quantization's compute_scale_zp does. */
function scaleAndZeroPoint(min: number, max: number, type: 'int8' | 'uint8'): { scale: number; zeroPoint: number } {
  if (type === 'int8') {
    const absMax = Math.max(Math.abs(min), Math.abs(max));
    return { scale: absMax > 0 ? absMax / 127 : 1, zeroPoint: 0 };
  }
  const low = Math.min(min, 0);
  const high = Math.max(max, 0);
  const scale = high > low ? (high - low) / 255 : 1;
  return { scale, zeroPoint: Math.round(-low / scale) };
}

function quantizeValues(
  values: Float32Array,
  scale: number,
  zeroPoint: number,
  type: 'int8' | 'uint8',
  out: Int8Array | Uint8Array,
  at: (i: number) => number = (i) => i,
  count = values.length,
): void {
  const [lo, hi] = type === 'int8' ? [-127, 127] : [0, 255];
  for (let i = 0; i < count; i++) {
    const q = Math.round(values[at(i)] / scale) + zeroPoint;
    out[at(i)] = Math.min(hi, Math.max(lo, q));
  }
}

function range(values: Float32Array, indices: Iterable<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const i of indices) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  return [min, max];
}

export function quantizeDynamicInt8(
  model: OnnxModel,
  options: Int8Options = {},
): { model: OnnxModel; table: QuantizedTable } {
  const graph = {
    ...model.graph,
    node: model.graph.node.map((node) => ({ ...node, input: [...node.input] })),
    initializer: [...model.graph.initializer],
  };
  const index = new GraphIndex(graph);
  const editor = new GraphEditor(graph);
  const quantizedActivations = new Map<string, [string, string, string]>();
  const quantizedWeights = new Map<string, [string, string, string]>();
  const newNodes: typeof graph.node = [];

  const quantizeWeight = (name: string, tensor: OnnxTensor) => {
    let entry = quantizedWeights.get(name);
    if (!entry) {
      const values = readFloatTensor(tensor);
      const { scale } = scaleAndZeroPoint(...range(values, values.keys()), 'int8');
      const q = new Int8Array(values.length);
      quantizeValues(values, scale, 0, 'int8', q);
      entry = [
        editor.addInitializer(intTensor(`${name}_quantized`, tensorDims(tensor), q)),
        editor.constFloat(`${name}_scale`, [scale], []),
        editor.addInitializer(intTensor(`${name}_zero_point`, [], new Int8Array(1))),
      ];
      quantizedWeights.set(name, entry);
    }
    return entry;
  };

  for (const node of [...graph.node]) {
    const weight = node.opType === 'MatMul' ? index.initializers.get(node.input[1]) : undefined;
    if (!weight || tensorDims(weight).length !== 2 || weight.dataType !== DataType.FLOAT) {
      newNodes.push(node);
      continue;
    }
    const [wq, wScale, wZero] = quantizeWeight(node.input[1], weight);
    const prefix = node.name ?? 'MatMul';
    if (options.matmul === 'fused') {
      newNodes.push({
        ...node,
        opType: 'DynamicQuantizeMatMul',
        domain: 'com.microsoft',
        input: [node.input[0], wq, wScale, wZero],
        name: `${prefix}_quant`,
      });
      continue;
    }
    let activation = quantizedActivations.get(node.input[0]);
    if (!activation) {
      const dql = editor.addNode('DynamicQuantizeLinear', [node.input[0]], {
        name: `${node.input[0]}_QuantizeLinear`,
        outputs: 3,
      });
      activation = dql.output as [string, string, string];
      quantizedActivations.set(node.input[0], activation);
      newNodes.push(graph.node.pop()!);
    }
    const integer = editor.add('MatMulInteger', [activation[0], wq, activation[2], wZero], {
      name: `${prefix}_quant`,
    });
    const cast = editor.add('Cast', [integer], {
      name: `${prefix}_quant_output_cast`,
      attributes: { to: DataType.FLOAT },
    });
    const scale = editor.add('Mul', [activation[1], wScale], { name: `${prefix}_quant_scales_mul` });
    editor.addNode('Mul', [cast, scale], { name: `${prefix}_quant_output_scale_mul`, outputNames: [node.output[0]] });
    newNodes.push(...graph.node.splice(graph.node.length - 4, 4));
  }

  // The word-embedding Gather on input_ids.
  const gather = newNodes.find((node) => node.opType === 'Gather' && node.input[1] === 'input_ids');
  if (!gather) throw new Error('no Gather on input_ids to quantize');
  const tableTensor = index.initializers.get(gather.input[0])!;
  const dims = tensorDims(tableTensor) as [number, number];
  const values = readFloatTensor(tableTensor);
  const type = options.embeddingType ?? 'int8';
  const axis = options.embeddingAxis ?? null;
  const q = type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  const scales: number[] = [];
  const zeroPoints: number[] = [];
  if (axis === null) {
    const { scale, zeroPoint } = scaleAndZeroPoint(...range(values, values.keys()), type);
    quantizeValues(values, scale, zeroPoint, type, q);
    scales.push(scale);
    zeroPoints.push(zeroPoint);
  } else {
    const [rows, cols] = dims;
    const channels = axis === 0 ? rows : cols;
    const length = axis === 0 ? cols : rows;
    for (let c = 0; c < channels; c++) {
      const at = (i: number) => (axis === 0 ? c * cols + i : i * cols + c);
      const { scale, zeroPoint } = scaleAndZeroPoint(
        ...range(
          values,
          Array.from({ length }, (_, i) => at(i)),
        ),
        type,
      );
      quantizeValues(values, scale, zeroPoint, type, q, at, length);
      scales.push(scale);
      zeroPoints.push(zeroPoint);
    }
  }
  const tableName = gather.input[0];
  const qName = editor.addInitializer(intTensor(`${tableName}_quantized`, dims, q));
  const zpValues = type === 'int8' ? Int8Array.from(zeroPoints) : Uint8Array.from(zeroPoints);
  const scaleName =
    axis === null
      ? editor.constFloat(`${tableName}_scale`, scales, [])
      : editor.constFloat(`${tableName}_scale`, scales, [scales.length]);
  const zpName = editor.addInitializer(
    intTensor(`${tableName}_zero_point`, axis === null ? [] : [zeroPoints.length], zpValues),
  );
  const gatherAt = newNodes.indexOf(gather);
  const output = gather.output[0];
  if (axis === null) {
    const gathered = editor.add('Gather', [qName, 'input_ids'], { name: `${gather.name}_quant` });
    editor.addNode('DequantizeLinear', [gathered, scaleName, zpName], {
      name: `${gather.name}_DequantizeLinear`,
      outputNames: [output],
    });
  } else {
    const table = editor.add('DequantizeLinear', [qName, scaleName, zpName], {
      name: `${tableName}_DequantizeLinear`,
      attributes: { axis },
    });
    editor.addNode('Gather', [table, 'input_ids'], { name: `${gather.name}_quant`, outputNames: [output] });
  }
  newNodes.splice(gatherAt, 1, ...graph.node.splice(graph.node.length - 2, 2));
  // Initializers no node reads any more (the float weights) are dropped, as quantize_dynamic does.
  const read = new Set(newNodes.flatMap((node) => node.input));
  graph.initializer = graph.initializer.filter((tensor) => read.has(tensor.name ?? ''));
  graph.node = newNodes;
  return {
    model: { ...model, graph, opsetImport: [...(model.opsetImport ?? []), { domain: 'com.microsoft', version: 1 }] },
    table: { values: q, dims, scales: Float32Array.from(scales), zeroPoints, axis },
  };
}
