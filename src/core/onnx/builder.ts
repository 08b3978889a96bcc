import type { OnnxAttribute, OnnxNode, OnnxTensor, OnnxValueInfo } from './types';

/* Small constructors for plain-object ONNX messages; protobufjs encodes plain objects as well as decoded ones. */

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export type AttributeValue = number | number[] | string | OnnxTensor | { float: number } | { floats: number[] };

/**
 * Numbers become INT/INTS attributes; wrap floats as `{ float: x }` / `{ floats: [...] }`
 * because JavaScript cannot tell 1 from 1.0.
 */
export function makeAttribute(name: string, value: AttributeValue): OnnxAttribute {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.TENSOR, t: value };
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attributes: Record<string, AttributeValue> = {},
  domain?: string,
): OnnxNode {
  const node: OnnxNode = {
    opType,
    input: inputs,
    output: outputs,
    name,
    attribute: Object.entries(attributes).map(([key, value]) => makeAttribute(key, value)),
  };
  if (domain) node.domain = domain;
  return node;
}

/** A ValueInfoProto; omit `dims` to declare the type only (ORT then infers the shape). */
export function makeValueInfo(name: string, elemType: number, dims?: readonly (number | string)[]): OnnxValueInfo {
  const tensorType: NonNullable<NonNullable<OnnxValueInfo['type']>['tensorType']> = { elemType };
  if (dims) {
    tensorType.shape = { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) };
  }
  return { name, type: { tensorType } };
}
