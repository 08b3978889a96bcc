import { OnnxGraphError } from './errors';
import { readFloatTensor, readIntTensor } from './tensor-data';
import {
  int64ToNumber,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './types';

const RANDOM_OPS = new Set([
  'RandomUniform',
  'RandomNormal',
  'RandomUniformLike',
  'RandomNormalLike',
  'Multinomial',
  'Bernoulli',
]);

/** Lookup tables over one graph: who produces and who consumes each tensor name. */
export class GraphIndex {
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  readonly initializers = new Map<string, OnnxTensor>();
  /** Graph inputs the caller must feed (those shadowed by an initializer are defaults, not listed). */
  readonly feedInputs = new Map<string, OnnxValueInfo>();
  readonly outputs = new Set<string>();
  /** Declared types of inputs, outputs and value_info entries. */
  readonly declared = new Map<string, OnnxValueInfo>();

  constructor(readonly graph: OnnxGraph) {
    for (const tensor of graph.initializer) if (tensor.name) this.initializers.set(tensor.name, tensor);
    for (const input of graph.input) {
      if (!input.name) continue;
      this.declared.set(input.name, input);
      if (!this.initializers.has(input.name)) this.feedInputs.set(input.name, input);
    }
    for (const info of graph.valueInfo ?? []) if (info.name) this.declared.set(info.name, info);
    for (const output of graph.output) {
      if (!output.name) continue;
      this.outputs.add(output.name);
      this.declared.set(output.name, output);
    }
    for (const node of graph.node) {
      for (const name of node.output) if (name) this.producer.set(name, node);
      for (const name of node.input) {
        if (!name) continue;
        const list = this.consumers.get(name);
        if (list) list.push(node);
        else this.consumers.set(name, [node]);
      }
    }
  }

  consumersOf(name: string): OnnxNode[] {
    return this.consumers.get(name) ?? [];
  }

  /** Declared shape of a tensor: numbers for fixed dims, strings for symbolic ones, null if undeclared. */
  declaredShape(name: string): (number | string)[] | null {
    const dims = this.declared.get(name)?.type?.tensorType?.shape?.dim;
    if (!dims) return null;
    return dims.map((dim, axis) =>
      dim.dimParam ? dim.dimParam : dim.dimValue != null ? int64ToNumber(dim.dimValue) : `d${axis}`,
    );
  }

  /** Value of a constant tensor: an initializer (not overridable by an input) or a Constant node's output. */
  constantTensor(name: string): OnnxTensor | null {
    if (this.feedInputs.has(name)) return null;
    const initializer = this.initializers.get(name);
    if (initializer) return initializer;
    const node = this.producer.get(name);
    if (node?.opType === 'Constant' && !node.domain) {
      const value = attribute(node, 'value');
      if (value?.t) return value.t;
    }
    return null;
  }

  private readonly staticMemo = new Map<string, boolean>();

  /**
   * True when a tensor depends on no graph input: initializers, Constant outputs and anything
   * computed only from them (torch exports often keep `Transpose(weight)` as a node).
   */
  isStatic(name: string): boolean {
    if (!name) return true;
    const memo = this.staticMemo.get(name);
    if (memo !== undefined) return memo;
    this.staticMemo.set(name, false); // guards against cycles
    let result: boolean;
    if (this.feedInputs.has(name)) result = false;
    else if (this.initializers.has(name)) result = true;
    else {
      const producer = this.producer.get(name);
      result =
        producer !== undefined &&
        !RANDOM_OPS.has(producer.opType ?? '') &&
        (producer.opType === 'Constant' ||
          (producer.input.length > 0 && producer.input.every((input) => this.isStatic(input))));
    }
    this.staticMemo.set(name, result);
    return result;
  }

  /**
   * Integer values of a constant, folding the shape-preserving ops exporters wrap small constants in
   * (Unsqueeze, Squeeze, Reshape, Cast, Identity, Concat). Null when not computable statically.
   */
  constantInts(name: string, depth = 0): number[] | null {
    const tensor = this.constantTensor(name);
    if (tensor) {
      try {
        return readIntTensor(tensor);
      } catch {
        return null;
      }
    }
    const producer = this.producer.get(name);
    if (!producer || depth > 8 || producer.domain) return null;
    switch (producer.opType) {
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Reshape':
      case 'Cast':
      case 'Identity':
        return this.constantInts(producer.input[0], depth + 1);
      case 'Concat': {
        const parts = producer.input.map((input) => this.constantInts(input, depth + 1));
        return parts.every((part) => part !== null) ? (parts.flat() as number[]) : null;
      }
      default:
        return null;
    }
  }

  constantFloats(name: string): Float32Array | null {
    const tensor = this.constantTensor(name);
    if (!tensor) return null;
    try {
      return readFloatTensor(tensor);
    } catch {
      return null;
    }
  }
}

export function attribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((attr) => attr.name === name);
}

export function intAttribute(node: OnnxNode, name: string, fallback: number): number {
  const attr = attribute(node, name);
  return attr?.i !== undefined && attr.i !== null ? int64ToNumber(attr.i) : fallback;
}

export function isOp(node: OnnxNode | undefined, opType: string): boolean {
  return node !== undefined && node.opType === opType && (!node.domain || node.domain === 'ai.onnx');
}

/** The opset version of the default ONNX domain. */
export function defaultOpset(model: OnnxModel): number | null {
  const entry = model.opsetImport.find((opset) => !opset.domain || opset.domain === 'ai.onnx');
  return entry ? int64ToNumber(entry.version) : null;
}

/** Hands out tensor and node names that collide with nothing already in the graph. */
export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(graph: OnnxGraph) {
    for (const tensor of graph.initializer) if (tensor.name) this.taken.add(tensor.name);
    for (const info of [...graph.input, ...graph.output, ...(graph.valueInfo ?? [])])
      if (info.name) this.taken.add(info.name);
    for (const node of graph.node) {
      if (node.name) this.taken.add(node.name);
      for (const name of [...node.input, ...node.output]) if (name) this.taken.add(name);
    }
  }

  fresh(base: string): string {
    let name = base;
    for (let suffix = 1; this.taken.has(name); suffix++) name = `${base}_${suffix}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * A copy that surgery can edit without touching the original: the node, input, output and
 * initializer lists and every node are copied; tensors (the bulk of the bytes) are shared.
 */
export function cloneForSurgery(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const clonedGraph: OnnxGraph = {
    ...graph,
    node: graph.node.map((node) => ({ ...node, input: [...node.input], output: [...node.output] })),
    initializer: [...graph.initializer],
    input: [...graph.input],
    output: [...graph.output],
    valueInfo: [...(graph.valueInfo ?? [])],
  };
  return { ...model, opsetImport: [...model.opsetImport], graph: clonedGraph };
}

/** Kahn's algorithm, stable with respect to the current node order. Throws on a cycle. */
export function sortTopologically(graph: OnnxGraph): void {
  const available = new Set<string>(['']);
  for (const tensor of graph.initializer) if (tensor.name) available.add(tensor.name);
  for (const input of graph.input) if (input.name) available.add(input.name);
  const produced = new Set<string>();
  for (const node of graph.node) for (const name of node.output) produced.add(name);
  // Names nobody produces (e.g. outer-scope values of subgraphs) must not block ordering.
  const ready = (node: OnnxNode) => node.input.every((name) => available.has(name) || !produced.has(name));

  const pending = [...graph.node];
  const sorted: OnnxNode[] = [];
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length;) {
      if (ready(pending[i])) {
        const [node] = pending.splice(i, 1);
        sorted.push(node);
        for (const name of node.output) available.add(name);
      } else {
        i++;
      }
    }
    if (pending.length === before) {
      throw new OnnxGraphError(`The graph has a cycle around node "${pending[0].name ?? pending[0].opType}".`);
    }
  }
  graph.node = sorted;
}
