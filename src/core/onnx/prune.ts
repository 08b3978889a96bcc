import { OnnxGraphError } from './errors';
import { cloneForSurgery } from './graph';
import type { OnnxAttribute, OnnxGraph, OnnxModel } from './types';

export interface PruneSummary {
  /** Graph outputs that were dropped. */
  droppedOutputs: string[];
  /** Names of the nodes that no longer reach a kept output and were removed. */
  removedNodes: string[];
}

/** Every name a subgraph attribute (If/Loop/Scan bodies) reads, so outer values they use are kept. */
function subgraphReads(attributes: OnnxAttribute[] | undefined): string[] {
  const names: string[] = [];
  for (const attribute of attributes ?? []) {
    const graphs = [attribute.g, ...((attribute.graphs as unknown[]) ?? [])].filter(Boolean) as OnnxGraph[];
    for (const graph of graphs)
      for (const node of graph.node) names.push(...node.input, ...subgraphReads(node.attribute));
  }
  return names;
}

/**
 * Keeps only the graph outputs in `keep` and the nodes, initializers and inputs they still depend on.
 * onnxruntime's inference builds execute every node whatever the fetch list, so an output nobody reads
 * costs its full compute unless it is removed from the graph. The input model is not modified.
 */
export function pruneToOutputs(
  model: OnnxModel,
  keep: readonly string[],
  options: { keepAllInputs?: boolean } = {},
): { model: OnnxModel; summary: PruneSummary } {
  const wanted = new Set(keep);
  const declared = model.graph.output.map((output) => output.name ?? '');
  const missing = keep.filter((name) => !declared.includes(name));
  if (missing.length > 0)
    throw new OnnxGraphError(`The graph has no output ${missing.map((name) => `"${name}"`).join(', ')} to keep.`);
  const result = cloneForSurgery(model);
  const graph = result.graph;

  const producerOf = new Map<string, number>();
  graph.node.forEach((node, i) => node.output.forEach((name) => name && producerOf.set(name, i)));
  const needed = new Set<string>(keep);
  const keptNodes = new Set<number>();
  const stack = [...keep];
  while (stack.length > 0) {
    const i = producerOf.get(stack.pop()!);
    if (i === undefined || keptNodes.has(i)) continue;
    keptNodes.add(i);
    const node = graph.node[i];
    for (const name of [...node.input, ...subgraphReads(node.attribute)]) {
      if (!name || needed.has(name)) continue;
      needed.add(name);
      stack.push(name);
    }
  }
  const removedNodes = graph.node.flatMap((node, i) =>
    keptNodes.has(i) ? [] : [node.name ?? `${node.opType ?? 'node'}#${i}`],
  );
  graph.node = graph.node.filter((_, i) => keptNodes.has(i));
  const droppedOutputs = declared.filter((name) => !wanted.has(name));
  graph.output = graph.output.filter((output) => wanted.has(output.name ?? ''));
  graph.initializer = graph.initializer.filter((tensor) => needed.has(tensor.name ?? ''));
  // A session whose callers feed every model input (OutputRoutingSession) keeps inputs nothing reads.
  if (!options.keepAllInputs) graph.input = graph.input.filter((input) => needed.has(input.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((info) => needed.has(info.name ?? ''));
  return { model: result, summary: { droppedOutputs, removedNodes } };
}
