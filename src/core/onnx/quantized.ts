import { isOp, type GraphIndex } from './graph';
import { DataType, type OnnxModel, type OnnxNode } from './types';

/*
 * int8 dynamic-quantized graphs, as onnxruntime.quantization.quantize_dynamic and optimum write them
 * (model_quantized.onnx, model_int8.onnx, model_uint8.onnx). A MatMul by a weight becomes
 *   DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp) → Cast(float) → Mul(x_scale · W_scale)
 * or, after onnxruntime's graph optimizer, one com.microsoft DynamicQuantizeMatMul(x, W_q, scale, zp) or
 * MatMulIntegerToFloat(x_q, W_q, x_scale, W_scale, …). The surgery treats each of these as "a linear layer
 * by a weight" with x as its input, exactly like a float MatMul.
 */

// The last two read blockwise 4-bit weights (model_q4.onnx, model_q4f16.onnx, model_bnb4.onnx) with float inputs.
const FUSED_QUANTIZED_MATMULS = new Set(['DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'MatMulNBits', 'MatMulBnb4']);

/** MatMulInteger, or one of com.microsoft's quantized-weight MatMuls (any input kinds). */
export function isQuantizedMatMul(node: OnnxNode): boolean {
  return (
    isOp(node, 'MatMulInteger') || (node.domain === 'com.microsoft' && FUSED_QUANTIZED_MATMULS.has(node.opType ?? ''))
  );
}

/** A quantized MatMul whose right operand is a weight (a static tensor). */
export function isQuantizedWeightMatMul(index: GraphIndex, node: OnnxNode): boolean {
  return isQuantizedMatMul(node) && index.isStatic(node.input[1]) && !index.isStatic(node.input[0]);
}

/**
 * The element type of the activations a quantized weight MatMul computes in: float32 for dynamic quantization
 * (it only exists for float32), the scales' type for 4-bit MatMuls (float16 in q4f16 exports).
 */
export function quantizedActivationType(index: GraphIndex, node: OnnxNode): number {
  if (node.opType === 'MatMulNBits' || node.opType === 'MatMulBnb4')
    return index.constantTensor(node.input[2])?.dataType ?? DataType.FLOAT;
  return DataType.FLOAT;
}

/** The float tensor a quantized MatMul's left operand was quantized from (DynamicQuantizeLinear's input). */
export function floatActivationOf(index: GraphIndex, node: OnnxNode): string {
  if (node.opType === 'DynamicQuantizeMatMul') return node.input[0];
  const producer = index.producer.get(node.input[0]);
  return producer && isOp(producer, 'DynamicQuantizeLinear') ? producer.input[0] : node.input[0];
}

/**
 * The quantized weight MatMul that `tensor` is the float result of: the fused op's output, or the Mul that
 * rescales Cast(MatMulInteger(…)) by the product of scales. Null when `tensor` is not such a result.
 */
export function quantizedLinearProducer(index: GraphIndex, tensor: string): OnnxNode | null {
  const producer = index.producer.get(tensor);
  if (!producer) return null;
  if (isQuantizedWeightMatMul(index, producer)) return producer;
  if (!isOp(producer, 'Mul')) return null;
  for (const input of producer.input) {
    const cast = index.producer.get(input);
    if (!cast || !isOp(cast, 'Cast')) continue;
    const integer = index.producer.get(cast.input[0]);
    if (integer && isOp(integer, 'MatMulInteger') && isQuantizedWeightMatMul(index, integer)) return integer;
  }
  return null;
}

/**
 * True when the graph quantizes activations at run time (DynamicQuantizeLinear, DynamicQuantizeMatMul): their
 * scale is taken over the whole tensor, every row of a batch and its padding, so a text's result depends on
 * the texts run beside it. Callers that promise a text the same numbers whatever its batch run such graphs one
 * text at a time.
 */
export function quantizesActivations(model: OnnxModel): boolean {
  return model.graph.node.some(
    (node) =>
      isOp(node, 'DynamicQuantizeLinear') ||
      (node.domain === 'com.microsoft' && node.opType === 'DynamicQuantizeMatMul'),
  );
}
