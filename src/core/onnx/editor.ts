import { makeNode, type AttributeValue } from './builder';
import { UniqueNames } from './graph';
import { makeFloatTensor, makeInt64Tensor } from './tensor-data';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './types';

export interface AddNodeOptions {
  /** Base for the node name and its output names; made unique. */
  name?: string;
  attributes?: Record<string, AttributeValue>;
  domain?: string;
  /** Number of outputs (default 1). */
  outputs?: number;
  /** Exact output names to use instead of generated ones (must be unused). */
  outputNames?: string[];
}

/** Appends nodes and constants to a graph under names that cannot collide with existing ones. */
export class GraphEditor {
  private readonly names: UniqueNames;

  constructor(readonly graph: OnnxGraph) {
    this.names = new UniqueNames(graph);
  }

  freshName(base: string): string {
    return this.names.fresh(base);
  }

  /** Adds a node and returns it; its outputs are `node.output`. */
  addNode(opType: string, inputs: string[], options: AddNodeOptions = {}): OnnxNode {
    const base = options.name ?? opType;
    const nodeName = this.names.fresh(base);
    const outputs =
      options.outputNames ??
      Array.from({ length: options.outputs ?? 1 }, (_, index) => this.names.fresh(`${nodeName}_output_${index}`));
    const node = makeNode(opType, inputs, outputs, nodeName, options.attributes ?? {}, options.domain);
    this.graph.node.push(node);
    return node;
  }

  /** Adds a single-output node and returns its output name. */
  add(opType: string, inputs: string[], options: AddNodeOptions = {}): string {
    return this.addNode(opType, inputs, options).output[0];
  }

  addInitializer(tensor: OnnxTensor): string {
    const name = this.names.fresh(tensor.name ?? 'const');
    this.graph.initializer.push({ ...tensor, name });
    return name;
  }

  constFloat(base: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.addInitializer(makeFloatTensor(base, dims, values));
  }

  constInt64(base: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.addInitializer(makeInt64Tensor(base, dims, values));
  }
}
