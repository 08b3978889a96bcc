import { makeValueInfo } from './builder';
import { describeModel } from './describe';
import { GraphEditor } from './editor';
import { OnnxGraphError } from './errors';
import { GraphIndex, cloneForSurgery, intAttribute, isOp, sortTopologically } from './graph';
import { tensorDims } from './tensor-data';
import { DataType, type OnnxModel, type OnnxNode } from './types';

export const MLM_POSITIONS_INPUT = 'mlm_positions';

export interface MlmRestriction {
  /** int64 [batch] input: the position whose logits each batch row wants. */
  positionsInput: string;
  /** The logits output, now [batch, vocab]. */
  logitsOutput: string;
  /** The hidden-state tensor the head used to read at every position. */
  hiddenState: string;
  headNodeCount: number;
}

// Ops that act on each position independently (last axis only), so picking a position first commutes with them.
const POSITIONWISE_OPS = new Set([
  'MatMul',
  'Gemm',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Sqrt',
  'Erf',
  'Tanh',
  'Relu',
  'Sigmoid',
  'Gelu',
  'FastGelu',
  'BiasGelu',
  'LayerNormalization',
  'SimplifiedLayerNormalization',
  'ReduceMean',
  'Cast',
  'Identity',
  'Softmax',
  'LogSoftmax',
]);

function reducesLastAxisOnly(node: OnnxNode, index: GraphIndex): boolean {
  if (isOp(node, 'ReduceMean')) {
    const axes =
      node.attribute?.find((attr) => attr.name === 'axes')?.ints?.map(Number) ??
      index.constantInts(node.input[1] ?? '');
    return axes !== null && axes !== undefined && axes.length === 1 && axes[0] === -1;
  }
  if (isOp(node, 'Softmax') || isOp(node, 'LogSoftmax') || isOp(node, 'LayerNormalization'))
    return intAttribute(node, 'axis', -1) === -1;
  return true;
}

/** Nodes on every path from `start` to `end`. */
function nodesBetween(index: GraphIndex, start: string, end: string): Set<OnnxNode> {
  const downstream = new Set<string>([start]);
  for (const node of index.graph.node)
    if (node.input.some((name) => downstream.has(name))) for (const output of node.output) downstream.add(output);
  const between = new Set<OnnxNode>();
  const stack = [end];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const producer = index.producer.get(name);
    if (!producer || !downstream.has(name) || name === start) continue;
    between.add(producer);
    stack.push(...producer.input);
  }
  return between;
}

/**
 * Adds an int64 `mlm_positions` [batch] input and a per-row GatherND in front of the MLM head, so
 * `logits` is computed only at one position per row ([batch, vocab]) instead of at every position.
 * Only done when the head is a clean position-wise chain from the hidden state to the logits
 * (weights and per-feature vectors as its only other inputs); otherwise throws OnnxGraphError.
 */
export function restrictMlmHeadToPositions(
  model: OnnxModel,
  options: { logits?: string } = {},
): { model: OnnxModel; restriction: MlmRestriction } {
  const { roles, decoder } = describeModel(model);
  // A decoder's LM head is restricted the same way, to the position whose next token is wanted.
  const logitsName = options.logits ?? roles.fillMask ?? decoder?.logits ?? null;
  if (!logitsName)
    throw new OnnxGraphError('The model has no fill-mask logits output [batch, sequence, vocab] to restrict.');
  if (!roles.sentenceEmbeddings)
    throw new OnnxGraphError(
      'The model has no hidden-state output [batch, sequence, hidden] the MLM head could start from.',
    );
  const result = cloneForSurgery(model);
  const index = new GraphIndex(result.graph);
  const logits = logitsName;

  // The head may read the hidden state itself or the tensor an Identity renamed to last_hidden_state.
  const renamedFrom = index.producer.get(roles.sentenceEmbeddings);
  const candidates = [
    roles.sentenceEmbeddings,
    ...(renamedFrom && isOp(renamedFrom, 'Identity') ? [renamedFrom.input[0]] : []),
  ];
  const hiddenState = candidates.find((candidate) => nodesBetween(index, candidate, logits).size > 0);
  if (!hiddenState)
    throw new OnnxGraphError(
      `"${logits}" is not computed from "${roles.sentenceEmbeddings}", so the MLM head cannot be isolated.`,
    );
  const head = nodesBetween(index, hiddenState, logits);
  const headOutputs = new Set([...head].flatMap((node) => node.output));

  for (const node of head) {
    if (!POSITIONWISE_OPS.has(node.opType ?? '') || !reducesLastAxisOnly(node, index)) {
      throw new OnnxGraphError(
        `The MLM head contains ${node.opType} ("${node.name}"), which may mix positions; it is left computing every position.`,
      );
    }
    for (const input of node.input) {
      if (!input || input === hiddenState || headOutputs.has(input)) continue;
      if (!index.isStatic(input))
        throw new OnnxGraphError(
          `The MLM head node "${node.name}" also reads "${input}", which is not a weight; the head is not a clean chain.`,
        );
      const weight = index.initializers.get(input);
      const isMatrixOperand = (isOp(node, 'MatMul') || isOp(node, 'Gemm')) && node.input.indexOf(input) > 0;
      if (weight && !isMatrixOperand && tensorDims(weight).length > 1) {
        throw new OnnxGraphError(
          `The MLM head node "${node.name}" adds a ${tensorDims(weight).length}-D constant that may depend on position.`,
        );
      }
    }
  }

  const editor = new GraphEditor(result.graph);
  const batchDim = index.declaredShape(logits)?.[0] ?? 'batch';
  const vocab = index.declaredShape(logits)?.at(-1) ?? 'vocab';
  result.graph.input.push(makeValueInfo(MLM_POSITIONS_INPUT, DataType.INT64, [batchDim]));
  const indices = editor.add('Reshape', [MLM_POSITIONS_INPUT, editor.constInt64('mlm_head/indices_shape', [-1, 1])], {
    name: 'mlm_head/indices',
  });
  const picked = editor.add('GatherND', [hiddenState, indices], {
    name: 'mlm_head/GatherND',
    attributes: { batch_dims: 1 },
  });
  for (const node of head) node.input = node.input.map((name) => (name === hiddenState ? picked : name));

  result.graph.output = result.graph.output.map((output) =>
    output.name === logits ? makeValueInfo(logits, DataType.FLOAT, [batchDim, vocab]) : output,
  );
  result.graph.valueInfo = (result.graph.valueInfo ?? []).filter((info) => !info.name || !headOutputs.has(info.name));
  sortTopologically(result.graph);
  return {
    model: result,
    restriction: { positionsInput: MLM_POSITIONS_INPUT, logitsOutput: logits, hiddenState, headNodeCount: head.size },
  };
}
