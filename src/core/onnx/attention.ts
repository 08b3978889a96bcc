import { OnnxGraphError } from './errors';
import { GraphIndex, cloneForSurgery, defaultOpset, intAttribute, isOp, sortTopologically } from './graph';
import { floatActivationOf, isQuantizedMatMul, isQuantizedWeightMatMul } from './quantized';
import type { OnnxModel, OnnxNode } from './types';

/** One layer's attention Softmax: its output holds probabilities [batch, heads, seq, seq]. */
export interface AttentionSoftmax {
  node: OnnxNode;
  outputName: string;
  /** 0-based, in topological order. */
  layer: number;
  /** From the head-splitting Reshape or the declared shape; null when the graph does not say. */
  heads: number | null;
  headSize: number | null;
}

export interface AttentionOutput {
  outputName: string;
  layer: number;
  heads: number | null;
  softmaxNodeName: string;
}

/** Ops that compute attention internally, so no Softmax output can be exposed. */
export const FUSED_ATTENTION_OPS = new Set([
  'Attention',
  'MultiHeadAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'GroupQueryAttention',
  'DecoderAttention',
  'DecoderMaskedMultiHeadAttention',
  'DecoderMaskedSelfAttention',
  'QAttention',
  'LongformerAttention',
  'SparseAttention',
  'PagedAttention',
  'QOrderedAttention',
  'RelativePositionBias',
]);

/** Fused attention nodes by op name (com.microsoft ones are prefixed with their domain). */
export function findFusedAttentionOps(index: GraphIndex): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of index.graph.node) {
    if (!node.opType || !FUSED_ATTENTION_OPS.has(node.opType) || node.opType === 'RelativePositionBias') continue;
    const label = node.domain ? `${node.domain}.${node.opType}` : node.opType;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

// Ops a score tensor passes through between QKᵀ and Softmax (scaling, masking, bias, casts).
const SCORE_PASSTHROUGH = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Where',
  'Cast',
  'Identity',
  'Max',
  'Min',
  'Clip',
  'Tanh',
]);

/**
 * True when `node` multiplies two activations (not activation × weight), as QKᵀ does; also a MatMulInteger
 * of two DynamicQuantizeLinear outputs, for quantizers that quantize activation MatMuls too.
 */
function isActivationMatMul(index: GraphIndex, node: OnnxNode): boolean {
  if (
    !isOp(node, 'MatMul') &&
    !(node.opType === 'FusedMatMul' && node.domain === 'com.microsoft') &&
    !isQuantizedMatMul(node)
  )
    return false;
  return node.input.slice(0, 2).every((name) => !index.isStatic(name));
}

/** Walks back from a Softmax input through masking/scaling ops to the QKᵀ MatMul, if any. */
function findScoreMatMul(index: GraphIndex, softmax: OnnxNode): OnnxNode | null {
  const queue = [softmax.input[0]];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < 32) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const producer = index.producer.get(name);
    if (!producer) continue;
    if (isActivationMatMul(index, producer)) return producer;
    if (producer.opType && SCORE_PASSTHROUGH.has(producer.opType))
      queue.push(...producer.input.filter((input) => !index.isStatic(input)));
  }
  return null;
}

/**
 * The first weight projection (MatMul/Gemm by a static weight, or its int8 dynamic-quantized form) upstream
 * of a Softmax's scores: the query or key projection. `projectionInput` is the activation entering the layer.
 */
export function findScoreProjection(index: GraphIndex, softmax: OnnxNode): OnnxNode | null {
  const queue = [softmax.input[0]];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const producer = index.producer.get(name);
    if (!producer) continue;
    if ((isOp(producer, 'MatMul') || isOp(producer, 'Gemm')) && index.isStatic(producer.input[1])) return producer;
    if (isQuantizedWeightMatMul(index, producer)) return producer;
    queue.push(...producer.input.filter((input) => !index.isStatic(input)));
  }
  return null;
}

/** The float activation a projection found by findScoreProjection reads (before any dynamic quantization). */
export function projectionInput(index: GraphIndex, projection: OnnxNode): string {
  return isQuantizedMatMul(projection) ? floatActivationOf(index, projection) : projection.input[0];
}

/** Target dims of a Reshape, with null for entries only known at run time. */
function reshapeTarget(index: GraphIndex, reshape: OnnxNode): (number | null)[] | null {
  const constant = index.constantInts(reshape.input[1]);
  if (constant) return constant;
  const concat = index.producer.get(reshape.input[1]);
  if (!concat || !isOp(concat, 'Concat')) return null;
  const dims: (number | null)[] = [];
  for (const part of concat.input) {
    const values = index.constantInts(part); // folds Unsqueeze(Constant) pieces as torch emits them
    if (values) dims.push(...values);
    else dims.push(null); // a runtime piece; assume one dim (Unsqueeze'd scalar), as exporters emit
  }
  return dims;
}

/** Heads and head size from the Reshape that splits heads on the query/key side of QKᵀ. */
function inferHeads(index: GraphIndex, scoreMatMul: OnnxNode): { heads: number | null; headSize: number | null } {
  for (const side of scoreMatMul.input.slice(0, 2)) {
    let name = side;
    for (let step = 0; step < 8; step++) {
      const producer = index.producer.get(name);
      if (!producer) break;
      if (isOp(producer, 'Reshape')) {
        const dims = reshapeTarget(index, producer);
        if (dims && dims.length === 4) {
          const heads = dims[2] !== null && dims[2] > 0 ? dims[2] : null;
          const headSize = dims[3] !== null && dims[3] > 0 ? dims[3] : null;
          if (heads !== null) return { heads, headSize };
        }
        break;
      }
      // Rotary embeddings (Llama family) sit between the head split and QKᵀ: q·cos + rotate(q)·sin;
      // the Add's first term leads back to q through Mul.
      // DynamicQuantizeLinear: an int8 graph that quantizes Q and K before an integer QKᵀ.
      if (
        !['Transpose', 'Mul', 'Div', 'Identity', 'Cast', 'Add', 'DynamicQuantizeLinear'].includes(producer.opType ?? '')
      )
        break;
      name = producer.input.find((input) => !index.isStatic(input)) ?? producer.input[0];
    }
  }
  return { heads: null, headSize: null };
}

function isLastAxisSoftmax(index: GraphIndex, node: OnnxNode, opset: number): boolean {
  const axis = intAttribute(node, 'axis', opset >= 13 ? -1 : 1);
  if (axis === -1) return true;
  const shape = index.declaredShape(node.input[0]) ?? index.declaredShape(node.output[0]);
  const rank = shape?.length ?? 4;
  return axis === rank - 1;
}

/**
 * The attention Softmax nodes, one per layer in topological order: a Softmax over the last axis
 * whose input comes (through scaling/masking ops) from a MatMul of two activations (Q and Kᵀ).
 * Softmaxes fed by weight MatMuls (e.g. a classifier) or declared with a rank other than 4 are left out.
 */
export function findAttentionSoftmaxes(model: OnnxModel, index = new GraphIndex(model.graph)): AttentionSoftmax[] {
  const opset = defaultOpset(model) ?? 17;
  const found: AttentionSoftmax[] = [];
  // Layer numbers come from topological order; sort a copy in case the exporter did not.
  const ordered = { ...index.graph, node: [...index.graph.node] };
  sortTopologically(ordered);
  for (const node of ordered.node) {
    if (!isOp(node, 'Softmax') || !isLastAxisSoftmax(index, node, opset)) continue;
    const declared = index.declaredShape(node.output[0]) ?? index.declaredShape(node.input[0]);
    if (declared && declared.length !== 4) continue;
    const scoreMatMul = findScoreMatMul(index, node);
    if (!scoreMatMul) continue;
    let { heads, headSize } = inferHeads(index, scoreMatMul);
    if (heads === null && declared && typeof declared[1] === 'number') heads = declared[1];
    found.push({ node, outputName: node.output[0], layer: found.length, heads, headSize });
  }
  return found;
}

/**
 * Adds every attention Softmax output as a graph output, declared by name only: onnxruntime infers
 * type and shape, and rejects a declared shape that is wrong or empty. One run then returns each
 * layer's probabilities [batch, heads, seq, seq]. The input model is not modified.
 */
export function exposeAttention(
  model: OnnxModel,
  options: { heads?: number | null } = {},
): { model: OnnxModel; attentionOutputs: AttentionOutput[] } {
  const softmaxes = findAttentionSoftmaxes(model);
  if (softmaxes.length === 0) {
    throw new OnnxGraphError('No attention Softmax nodes found, so attention cannot be exposed.');
  }
  const exposed = cloneForSurgery(model);
  const existing = new Set(exposed.graph.output.map((output) => output.name));
  for (const softmax of softmaxes) {
    if (existing.has(softmax.outputName)) continue;
    exposed.graph.output.push({ name: softmax.outputName });
  }
  return {
    model: exposed,
    attentionOutputs: softmaxes.map((softmax) => ({
      outputName: softmax.outputName,
      layer: softmax.layer,
      heads: softmax.heads ?? options.heads ?? null,
      softmaxNodeName: softmax.node.name ?? '',
    })),
  };
}
