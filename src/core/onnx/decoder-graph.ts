/**
 * The graph the playground runs for a decoder, made once at load:
 * - a merged export's If is replaced by its use_cache_branch = false branch (inline-branch.ts), so the
 *   attention Softmax nodes and residual branches are top-level nodes that surgery can reach;
 * - the hidden state entering the language-model head is added as output "last_hidden_state" (exports of
 *   causal LMs return only logits), for sentence embeddings and contextual vectors;
 * - present.{i}.* outputs are pruned: one pass over a prompt never reads the cache, and onnxruntime would
 *   compute (and copy out) every present tensor on every run otherwise.
 * Past inputs stay: the engine feeds them as zero-length tensors (pastShapes).
 */
import { makeValueInfo } from './builder';
import { findDecoderStructure, pastShapes, type DecoderStructure, type PastShape } from './decoder';
import { findTokenEmbeddingInitializer } from './embeddings';
import { GraphIndex, cloneForSurgery, isOp } from './graph';
import { inlineIfBranch } from './inline-branch';
import { pruneToOutputs } from './prune';
import { floatActivationOf, quantizedLinearProducer } from './quantized';
import { tensorDims } from './tensor-data';
import { DataType, type OnnxModel } from './types';

export const DECODER_HIDDEN_OUTPUT = 'last_hidden_state';

export interface PreparedDecoderGraph {
  model: OnnxModel;
  /** The structure of the export as loaded (layout, cache inputs and outputs). */
  original: DecoderStructure;
  /** The structure of the graph that runs (no If, no present outputs). */
  structure: DecoderStructure;
  /** Zero-length past feeds: kv heads and head size per past input of the graph that runs. */
  past: PastShape[];
  /** Name of the hidden-state output added, null when the head could not be found. */
  hiddenOutput: string | null;
}

/**
 * The activation entering the vocabulary projection: logits come (through Identity/Cast/Reshape or a
 * bias Add) from a MatMul/Gemm of the hidden state with a weight, tied (Transpose of the embedding) or not.
 */
export function findLmHeadInput(model: OnnxModel, logits: string, index = new GraphIndex(model.graph)): string | null {
  let name = logits;
  for (let step = 0; step < 8; step++) {
    const producer = index.producer.get(name);
    if (!producer) return null;
    const quantized = quantizedLinearProducer(index, name);
    if (quantized) return floatActivationOf(index, quantized);
    if (
      (isOp(producer, 'MatMul') || isOp(producer, 'Gemm')) &&
      index.isStatic(producer.input[1]) &&
      !index.isStatic(producer.input[0])
    )
      return producer.input[0];
    if (isOp(producer, 'Add')) {
      const dynamic = producer.input.filter((input) => !index.isStatic(input));
      if (dynamic.length !== 1) return null;
      name = dynamic[0];
      continue;
    }
    if (!['Identity', 'Cast', 'Reshape'].some((op) => isOp(producer, op))) return null;
    name = producer.input[0];
  }
  return null;
}

/** Adds `tensor` as graph output `name` (through an Identity), declared [batch, sequence, hidden] when the hidden size is known. */
function exposeAs(model: OnnxModel, tensor: string, name: string, hidden: number | null): OnnxModel {
  const result = cloneForSurgery(model);
  result.graph.node.push({
    opType: 'Identity',
    input: [tensor],
    output: [name],
    name: `${name}/Identity`,
    attribute: [],
  });
  result.graph.output.push(
    makeValueInfo(name, DataType.FLOAT, hidden ? ['batch_size', 'sequence_length', hidden] : undefined),
  );
  return result;
}

/** The decoder graph to run, or null when the model is not a decoder-only causal LM. */
export function prepareDecoderGraph(model: OnnxModel, config?: Record<string, unknown>): PreparedDecoderGraph | null {
  const original = findDecoderStructure(model, config);
  if (!original) return null;
  let graph = original.useCacheBranch ? inlineIfBranch(model, original.useCacheBranch, false) : model;
  let hiddenOutput: string | null = null;
  const index = new GraphIndex(graph.graph);
  const taken = index.outputs.has(DECODER_HIDDEN_OUTPUT) || index.producer.has(DECODER_HIDDEN_OUTPUT);
  if (original.logits && !taken) {
    const hidden = findLmHeadInput(graph, original.logits, index);
    if (hidden) {
      const table = findTokenEmbeddingInitializer(index);
      const size = table ? tensorDims(table)[1] : null;
      graph = exposeAs(graph, hidden, DECODER_HIDDEN_OUTPUT, size ?? null);
      hiddenOutput = DECODER_HIDDEN_OUTPUT;
    }
  } else if (taken) {
    hiddenOutput = DECODER_HIDDEN_OUTPUT;
  }
  const keep = graph.graph.output
    .map((output) => output.name ?? '')
    .filter((name) => !original.presentOutputs.includes(name));
  if (keep.length < graph.graph.output.length) graph = pruneToOutputs(graph, keep).model;
  const structure = findDecoderStructure(graph, config) ?? {
    ...original,
    pastInputs: [],
    presentOutputs: [],
    useCacheBranch: null,
  };
  // The graph that runs is the export minus its cache outputs; its layout is still the export's.
  structure.layout = original.layout;
  return { model: graph, original, structure, past: pastShapes(structure, config), hiddenOutput };
}

/** The graph for generating with a KV cache: one run per new token, each feeding the previous run's present.* back. */
export interface DecoderStepGraph {
  model: OnnxModel;
  structure: DecoderStructure;
  past: PastShape[];
  /** present.{i}.key/value output for each past input, in past order. */
  presentFor: Map<string, string>;
  hiddenOutput: string | null;
}

/**
 * The export as a cached step graph, or null when it has no cache (a no-cache model.onnx): a merged
 * export's use_cache_branch = true branch inlined (it runs with an empty past too), the hidden state
 * before the LM head exposed, present outputs kept.
 */
export function prepareDecoderStepGraph(model: OnnxModel, config?: Record<string, unknown>): DecoderStepGraph | null {
  const original = findDecoderStructure(model, config);
  if (!original || original.layout === 'no-cache') return null;
  let graph = original.useCacheBranch ? inlineIfBranch(model, original.useCacheBranch, true) : model;
  const structure = findDecoderStructure(graph, config);
  if (!structure || structure.pastInputs.length === 0) return null;
  const presentFor = new Map<string, string>();
  for (const input of structure.pastInputs) {
    const present = structure.presentOutputs.find((name) => name.endsWith(`.${input.layer}.${input.role}`));
    if (!present) return null;
    presentFor.set(input.name, present);
  }
  let hiddenOutput: string | null = null;
  const index = new GraphIndex(graph.graph);
  const hidden = structure.logits ? findLmHeadInput(graph, structure.logits, index) : null;
  if (hidden && !index.outputs.has(DECODER_HIDDEN_OUTPUT) && !index.producer.has(DECODER_HIDDEN_OUTPUT)) {
    const table = findTokenEmbeddingInitializer(index);
    graph = exposeAs(graph, hidden, DECODER_HIDDEN_OUTPUT, table ? tensorDims(table)[1] : null);
    hiddenOutput = DECODER_HIDDEN_OUTPUT;
  }
  structure.layout = original.layout;
  return { model: graph, structure, past: pastShapes(structure, config), presentFor, hiddenOutput };
}
