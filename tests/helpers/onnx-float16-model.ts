/** Turns a float32 model into one that computes in float16 (weights, casts and outputs), as fp16 exports do. */
import { float32ToFloat16Bits } from '../../src/core/onnx/float16';
import { makeFloat16Tensor, readFloatTensor, tensorDims } from '../../src/core/onnx/tensor-data';
import { DataType, type OnnxModel } from '../../src/core/onnx/types';

export function convertToFloat16(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const initializer = graph.initializer.map((tensor) =>
    tensor.dataType === DataType.FLOAT
      ? makeFloat16Tensor(
          tensor.name ?? '',
          tensorDims(tensor),
          Uint16Array.from(readFloatTensor(tensor), float32ToFloat16Bits),
        )
      : tensor,
  );
  const node = graph.node.map((n) => ({
    ...n,
    attribute: n.attribute?.map((attr) =>
      n.opType === 'Cast' && attr.name === 'to' && Number(attr.i) === DataType.FLOAT
        ? { ...attr, i: DataType.FLOAT16 }
        : attr,
    ),
  }));
  const output = graph.output.map((info) => {
    const tensorType = info.type?.tensorType;
    if (tensorType?.elemType !== DataType.FLOAT) return info;
    return { ...info, type: { ...info.type, tensorType: { ...tensorType, elemType: DataType.FLOAT16 } } };
  });
  return { ...model, graph: { ...graph, initializer, node, output } };
}
