/**
 * A merged decoder export (decoder_model_merged.onnx) keeps two copies of the decoder in the branches
 * of one If node, chosen by the boolean input use_cache_branch. Everything the playground does to a
 * graph (expose attention Softmax outputs, insert dropout, prune) works on top-level nodes, and
 * onnxruntime cannot return a tensor from inside a branch. So the chosen branch is inlined: its nodes and
 * initializers move to the main graph under fresh names, its outputs become the If's outputs, and the
 * condition input goes (nothing reads it any more).
 */
import { OnnxGraphError } from './errors';
import { GraphIndex, UniqueNames, cloneForSurgery, isOp, sortTopologically } from './graph';
import type { OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode } from './types';

/** Renames every tensor name in `rename` throughout a (sub)graph's nodes, recursing into nested branches. */
function renameInGraph(nodes: OnnxNode[], rename: Map<string, string>): OnnxNode[] {
  return nodes.map((node) => ({
    ...node,
    input: node.input.map((name) => rename.get(name) ?? name),
    output: node.output.map((name) => rename.get(name) ?? name),
    attribute: node.attribute?.map((attribute) => renameAttribute(attribute, rename)),
  }));
}

function renameAttribute(attribute: OnnxAttribute, rename: Map<string, string>): OnnxAttribute {
  const renameSub = (graph: OnnxGraph): OnnxGraph => ({ ...graph, node: renameInGraph(graph.node, rename) });
  const graphs = attribute.graphs as OnnxGraph[] | undefined;
  if (!attribute.g && !graphs?.length) return attribute;
  return {
    ...attribute,
    g: attribute.g ? renameSub(attribute.g as OnnxGraph) : attribute.g,
    graphs: graphs?.map(renameSub),
  };
}

/**
 * The model with the If on `condition` replaced by its then-branch (`value` true) or else-branch.
 * The input model is not modified. Throws when there is no such If.
 */
export function inlineIfBranch(model: OnnxModel, condition: string, value: boolean): OnnxModel {
  const result = cloneForSurgery(model);
  const graph = result.graph;
  const at = graph.node.findIndex((node) => isOp(node, 'If') && node.input[0] === condition);
  if (at < 0) throw new OnnxGraphError(`No If node reads "${condition}".`);
  const ifNode = graph.node[at];
  const branch = ifNode.attribute?.find((attribute) => attribute.name === (value ? 'then_branch' : 'else_branch'))
    ?.g as OnnxGraph | undefined;
  if (!branch) throw new OnnxGraphError(`The If node on "${condition}" has no ${value ? 'then' : 'else'} branch.`);
  const outputs = branch.output.map((output) => output.name ?? '');
  if (outputs.length !== ifNode.output.length)
    throw new OnnxGraphError(
      `The If node on "${condition}" has ${ifNode.output.length} outputs but its branch ${outputs.length}.`,
    );

  // Names made inside the branch get fresh top-level names; the branch's outputs take the If's names.
  const names = new UniqueNames(graph);
  const rename = new Map<string, string>();
  outputs.forEach((name, i) => rename.set(name, ifNode.output[i]));
  for (const tensor of branch.initializer)
    if (tensor.name && !rename.has(tensor.name)) rename.set(tensor.name, names.fresh(tensor.name));
  for (const node of branch.node)
    for (const name of node.output) if (name && !rename.has(name)) rename.set(name, names.fresh(name));
  const nodes = renameInGraph(branch.node, rename).map((node) => ({
    ...node,
    name: node.name ? names.fresh(node.name) : node.name,
  }));
  // A branch output that is an outer value or an initializer, not made by a branch node: copy it under the If's name.
  const produced = new Set(nodes.flatMap((node) => node.output));
  outputs.forEach((name, i) => {
    if (produced.has(ifNode.output[i])) return;
    const source = branch.initializer.some((tensor) => tensor.name === name) ? rename.get(name)! : name;
    if (source === ifNode.output[i]) return;
    nodes.push({
      opType: 'Identity',
      input: [source],
      output: [ifNode.output[i]],
      name: names.fresh('inlined/Identity'),
      attribute: [],
    });
  });
  const initializers = branch.initializer.map((tensor) => ({
    ...tensor,
    name: rename.get(tensor.name ?? '') ?? tensor.name,
  }));
  graph.node.splice(at, 1, ...nodes);
  graph.initializer.push(...initializers);
  // The condition is no longer read by anything (unless some other node uses it).
  const stillRead =
    graph.node.some((node) => node.input.includes(condition)) || new GraphIndex(graph).outputs.has(condition);
  if (!stillRead) graph.input = graph.input.filter((input) => input.name !== condition);
  sortTopologically(graph);
  return result;
}
