import { findScoreProjection, projectionInput } from './attention';
import type { GraphEditor } from './editor';
import { OnnxGraphError } from './errors';
import { GraphIndex, intAttribute, isOp, sortTopologically } from './graph';
import type { OnnxModel, OnnxNode } from './types';

export interface TilingRequest {
  /** The Softmax of the first stochastic layer: tiling starts at the hidden state entering that layer. */
  firstStochasticSoftmax: OnnxNode;
  /** A fed tensor whose leading dim is T (a noise input). */
  samplesFrom: string;
  /** Inputs added by the dropout surgery (they already have T rows or broadcast). */
  excluded: Set<string>;
  /** The model's own feed inputs (input_ids, …): batch-carrying tensors descend from these. */
  originalFeeds: string[];
}

const INT64_MAX = Number.MAX_SAFE_INTEGER;

// Ops that broadcast a batch-1 operand against T rows on their own, so such operands need no tiling.
const BROADCASTING_OPS = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Where',
  'MatMul',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'And',
  'Or',
  'Xor',
  'Max',
  'Min',
  'Mod',
  'Sum',
  'Mean',
  'PRelu',
]);
// Integer ops that shape computations (Shape → Gather → Unsqueeze → Concat → Reshape) are built from.
const SHAPE_OPS = new Set([
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Cast',
  'Mul',
  'Add',
  'Sub',
  'Div',
  'Equal',
  'Where',
  'Identity',
  'Max',
  'Min',
  'Neg',
  'Abs',
]);

function descendants(index: GraphIndex, start: string): Set<OnnxNode> {
  const region = new Set<OnnxNode>();
  const stack = [start];
  while (stack.length > 0) {
    for (const node of index.consumersOf(stack.pop()!)) {
      if (region.has(node)) continue;
      region.add(node);
      stack.push(...node.output);
    }
  }
  return region;
}

/**
 * Makes the stochastic suffix run on T rows while everything before runs once on a batch-1 input. Only
 * what depends on the noise (or on a per-row dropout p) gets T rows: the first stochastic layer's query,
 * key and value projections, its attention scores and Softmax read the deterministic layer input, so they
 * stay batch-1 and run once too (the samples first differ where the first dropout mask is applied). Every
 * other batch-1 tensor the noisy region reads is either left to broadcast (elementwise ops, MatMul),
 * re-derived when it is a shape computation (Shape of a batch-1 tensor becomes [T, rest…]), or expanded
 * with Expand. Returns the names of the tensors that were expanded.
 */
export function tileStochasticSuffix(model: OnnxModel, editor: GraphEditor, request: TilingRequest): string[] {
  const graph = model.graph;
  let index = new GraphIndex(graph);
  const projection = findScoreProjection(index, request.firstStochasticSoftmax);
  if (!projection)
    throw new OnnxGraphError(
      'Could not find the query projection of the first stochastic layer, so the prefix cannot be tiled.',
    );
  // The tiling point is still checked (a layer whose projection cannot be found is not tiled), but the
  // rows multiply only from the first dropout mask on.
  projectionInput(index, projection);

  const noiseShape = editor.add('Shape', [request.samplesFrom], { name: 'mc_tile/noise_shape' });
  const samples = editor.add(
    'Slice',
    [noiseShape, editor.constInt64('mc_tile/zero', [0]), editor.constInt64('mc_tile/one', [1])],
    { name: 'mc_tile/samples' },
  );
  const restStart = editor.constInt64('mc_tile/rest_start', [1]);
  const restEnd = editor.constInt64('mc_tile/rest_end', [INT64_MAX]);
  /** [T, dims of `tensor` after the first]. */
  const tiledShapeOf = (tensor: string, base: string) => {
    const shape = editor.add('Shape', [tensor], { name: `${base}/shape` });
    const rest = editor.add('Slice', [shape, restStart, restEnd], { name: `${base}/rest` });
    return editor.add('Concat', [samples, rest], { name: `${base}/tiled_shape`, attributes: { axis: 0 } });
  };
  const expanded: string[] = [];
  const expandToSamples = (tensor: string) => {
    expanded.push(tensor);
    return editor.add('Expand', [tensor, tiledShapeOf(tensor, `mc_tile/${tensor}`)], {
      name: `mc_tile/${tensor}/expand`,
    });
  };

  sortTopologically(graph);
  index = new GraphIndex(graph);
  const region = noisyRegion(index, request.excluded);
  const fromData = new Set<string>(request.originalFeeds);
  for (const node of graph.node) {
    if (node.input.some((name) => fromData.has(name))) for (const output of node.output) fromData.add(output);
  }

  const twins = new Map<string, string | null>();
  /** A shape computation re-derived as if its Shape sources had T rows; null if `tensor` is not one. */
  const shapeTwin = (tensor: string): string | null => {
    if (twins.has(tensor)) return twins.get(tensor)!;
    twins.set(tensor, null);
    const producer = index.producer.get(tensor);
    let twin: string | null = null;
    if (
      producer &&
      isOp(producer, 'Shape') &&
      intAttribute(producer, 'start', 0) === 0 &&
      !index.isStatic(producer.input[0])
    ) {
      twin = tiledShapeOf(producer.input[0], `mc_tile/${tensor}`);
    } else if (producer && SHAPE_OPS.has(producer.opType ?? '') && !producer.domain) {
      const inputs = producer.input.map((input) => (input ? shapeTwin(input) : null));
      if (inputs.some((input) => input !== null)) {
        const copy = editor.addNode(
          producer.opType!,
          producer.input.map((input, i) => inputs[i] ?? input),
          {
            name: `mc_tile/${producer.name ?? producer.opType}`,
          },
        );
        copy.attribute = producer.attribute;
        twin = copy.output[0];
      }
    }
    twins.set(tensor, twin);
    return twin;
  };

  const replacements = new Map<string, string>();
  for (const node of [...region]) {
    node.input.forEach((name, slot) => {
      if (!name || request.excluded.has(name) || !fromData.has(name)) return;
      const producer = index.producer.get(name);
      if (producer && region.has(producer)) return;
      if (index.isStatic(name)) return;
      if (BROADCASTING_OPS.has(node.opType ?? '') && !node.domain) return;
      let replacement = replacements.get(name);
      if (replacement === undefined) {
        replacement = shapeTwin(name) ?? expandToSamples(name);
        replacements.set(name, replacement);
      }
      node.input[slot] = replacement;
    });
  }
  declareSampleRows(model, new GraphIndex(graph), request.excluded);
  return expanded;
}

/** The nodes whose outputs differ from row to row: everything downstream of the noise and dropout-p inputs. */
function noisyRegion(index: GraphIndex, sources: Set<string>): Set<OnnxNode> {
  const region = new Set<OnnxNode>();
  for (const source of sources) for (const node of descendants(index, source)) region.add(node);
  return region;
}

/**
 * Outputs computed after the tiling point have T rows, not the input's batch size. onnxruntime plans
 * buffers from symbolic dims (an output declared [batch, …] is assumed to match input_ids' batch), so
 * their leading dim gets its own symbol, and stale value_info shapes for tiled tensors are dropped.
 */
function declareSampleRows(model: OnnxModel, index: GraphIndex, sources: Set<string>): void {
  const region = noisyRegion(index, sources);
  const tiledTensors = new Set<string>();
  for (const node of region) for (const output of node.output) tiledTensors.add(output);
  // New objects, not edits: value infos are shared with the model the surgery started from.
  model.graph.output = model.graph.output.map((output) => {
    const tensorType = output.type?.tensorType;
    const dims = tensorType?.shape?.dim;
    if (!output.name || !tiledTensors.has(output.name) || !tensorType || !dims || dims.length === 0) return output;
    const shape = { ...tensorType.shape, dim: [{ dimParam: 'mc_samples' }, ...dims.slice(1)] };
    return { ...output, type: { ...output.type, tensorType: { ...tensorType, shape } } };
  });
  model.graph.valueInfo = (model.graph.valueInfo ?? []).filter((info) => !info.name || !tiledTensors.has(info.name));
}
