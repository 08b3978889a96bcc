import type { AttentionSoftmax } from './attention';
import { GraphIndex, isOp, sortTopologically } from './graph';
import { quantizedLinearProducer } from './quantized';
import type { OnnxGraph, OnnxNode } from './types';

/**
 * A residual connection whose sub-layer branch gets hidden-state dropout: in BERT,
 * LayerNorm(dropout(dense(x)) + residual) after attention and after the feed-forward block.
 */
export interface ResidualSite {
  addNode: OnnxNode;
  /** Which Add input carries the sub-layer output (the other one is the residual stream). */
  branchInput: number;
  branchTensor: string;
  /** Layer of the latest attention block upstream of the Add (its Softmax, or its attention MatMuls). */
  layer: number;
  /** Order of this site within its layer: 0 after attention, 1 after the feed-forward block. */
  position: number;
  /** How the LayerNorm downstream of the Add was recognised. */
  normKind:
    'LayerNormalization' | 'SimplifiedLayerNormalization' | 'RMSNormalization' | 'decomposed' | 'decomposed-rms';
}

const FUSED_NORMS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization']);

/**
 * Matches a LayerNorm consuming `tensor`: a LayerNormalization / SimplifiedLayerNormalization /
 * RMSNormalization node (any domain), the decomposed form torch < 1.13 and opset < 17 exports
 * emit: ReduceMean(x) together with Sub(x, …) (x − mean, followed by Pow/ReduceMean/Sqrt/Div), or
 * a decomposed RMSNorm as Llama-family exports emit it: Pow(x, 2) → ReduceMean (… Sqrt, Reciprocal or
 * Div, Mul), possibly after a Cast to float32 (transformers computes RMSNorm in float32).
 */
function layerNormConsuming(index: GraphIndex, tensor: string, depth = 0): ResidualSite['normKind'] | null {
  const consumers = index.consumersOf(tensor);
  for (const node of consumers) {
    if (node.opType && FUSED_NORMS.has(node.opType) && node.input[0] === tensor)
      return node.opType as ResidualSite['normKind'];
  }
  const hasMean = consumers.some((node) => isOp(node, 'ReduceMean') && node.input[0] === tensor);
  const hasCentering = consumers.some((node) => isOp(node, 'Sub') && node.input[0] === tensor);
  if (hasMean && hasCentering) return 'decomposed';
  const squaredThenMean = consumers.some(
    (node) =>
      isOp(node, 'Pow') &&
      node.input[0] === tensor &&
      index.constantFloats(node.input[1])?.[0] === 2 &&
      index.consumersOf(node.output[0]).some((next) => isOp(next, 'ReduceMean')),
  );
  if (squaredThenMean) return 'decomposed-rms';
  const cast = consumers.find((node) => isOp(node, 'Cast'));
  return cast && depth === 0 ? layerNormConsuming(index, cast.output[0], 1) : null;
}

/**
 * True when `tensor` is the output of a linear layer: MatMul/Gemm by a weight (or its int8 dynamic-quantized
 * form, quantized.ts), optionally plus a bias, optionally reshaped back from 2-D (GPT-2's Conv1D exports as
 * Reshape → Gemm → Reshape).
 */
function isLinearOutput(index: GraphIndex, tensor: string): boolean {
  let producer = index.producer.get(tensor);
  if (producer && isOp(producer, 'Reshape')) {
    tensor = producer.input[0];
    producer = index.producer.get(tensor);
  }
  if (!producer) return false;
  if (quantizedLinearProducer(index, tensor)) return true;
  const byWeight = (node: OnnxNode | undefined) =>
    node !== undefined &&
    (isOp(node, 'MatMul') ||
      isOp(node, 'Gemm') ||
      (node.opType === 'FusedMatMul' && node.domain === 'com.microsoft')) &&
    index.isStatic(node.input[1]);
  if (byWeight(producer)) return true;
  if (!isOp(producer, 'Add')) return false;
  const [a, b] = producer.input;
  const weighted = (name: string) =>
    byWeight(index.producer.get(name)) || quantizedLinearProducer(index, name) !== null;
  if (index.isStatic(a)) return weighted(b);
  if (index.isStatic(b)) return weighted(a);
  return false;
}

/** For each tensor, the highest attention layer among its ancestors (−1 when none). */
export function attentionDepth(graph: OnnxGraph, softmaxes: AttentionSoftmax[]): Map<string, number> {
  const layerOfSoftmax = new Map(softmaxes.map((softmax) => [softmax.node, softmax.layer]));
  const ordered: OnnxGraph = { ...graph, node: [...graph.node] };
  sortTopologically(ordered);
  const depth = new Map<string, number>();
  for (const node of ordered.node) {
    let level = layerOfSoftmax.get(node) ?? -1;
    for (const input of node.input) level = Math.max(level, depth.get(input) ?? -1);
    for (const output of node.output) depth.set(output, level);
  }
  return depth;
}

/** A MatMul of two activations: Q·Kᵀ or probabilities·V in an attention block, never a weight layer. */
function isActivationMatMul(index: GraphIndex, node: OnnxNode): boolean {
  return isOp(node, 'MatMul') && !index.isStatic(node.input[0]) && !index.isStatic(node.input[1]);
}

/**
 * The attention layer of each tensor when no Softmax marks the layers (attention weights computed
 * by another op, e.g. Sigmoid or ReLU attention): every attention block still multiplies two
 * activations twice (scores = Q·Kᵀ, then weights·V), so a tensor with c such MatMuls on its longest
 * path upstream is in layer ⌊(c − 1) / 2⌋, and −1 (before the first layer) when c = 0.
 */
export function activationMatMulDepth(graph: OnnxGraph, index: GraphIndex): Map<string, number> {
  const ordered: OnnxGraph = { ...graph, node: [...graph.node] };
  sortTopologically(ordered);
  const count = new Map<string, number>();
  for (const node of ordered.node) {
    let level = isActivationMatMul(index, node) ? 1 : 0;
    let upstream = 0;
    for (const input of node.input) upstream = Math.max(upstream, count.get(input) ?? 0);
    level += upstream;
    for (const output of node.output) count.set(output, level);
  }
  return new Map([...count].map(([tensor, matMuls]) => [tensor, matMuls === 0 ? -1 : Math.floor((matMuls - 1) / 2)]));
}

/**
 * Residual Adds that feed a LayerNorm and have exactly one linear-layer input (the sub-layer
 * output). Adds before the first attention layer (the embedding sum) are skipped. Layers come from
 * the attention Softmax nodes, or, in a graph without them, from its attention MatMuls.
 */
export function findResidualSites(index: GraphIndex, softmaxes: AttentionSoftmax[]): ResidualSite[] {
  const depth =
    softmaxes.length > 0 ? attentionDepth(index.graph, softmaxes) : activationMatMulDepth(index.graph, index);
  const sites: ResidualSite[] = [];
  const perLayer = new Map<number, number>();
  for (const node of index.graph.node) {
    if (!isOp(node, 'Add') || node.input.length !== 2) continue;
    const normKind = layerNormConsuming(index, node.output[0]);
    if (!normKind) continue;
    const linear = node.input.map((input) => isLinearOutput(index, input));
    if (linear[0] === linear[1]) continue;
    const branchInput = linear[0] ? 0 : 1;
    const layer = depth.get(node.output[0]) ?? -1;
    if (layer < 0) continue;
    const position = perLayer.get(layer) ?? 0;
    perLayer.set(layer, position + 1);
    sites.push({ addNode: node, branchInput, branchTensor: node.input[branchInput], layer, position, normKind });
  }
  return sites;
}
