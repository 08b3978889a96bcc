/**
 * TypeScript views of the ONNX messages as protobufjs decodes them (camelCase field names).
 * Decoded messages keep proto2 presence: an absent optional field reads as its default through
 * the prototype, or as undefined on objects we build ourselves, so every reader uses `?? default`.
 * Only the fields this module touches are typed; the rest ride along untouched for round trips.
 */

/** protobufjs returns int64 as a long.js Long when available, as a number otherwise. */
export interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
  toNumber(): number;
}
export type Int64 = number | LongLike;

export interface OnnxStringEntry {
  key?: string;
  value?: string;
}

export interface OnnxTensor {
  name?: string;
  dims?: Int64[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64[];
  doubleData?: number[];
  uint64Data?: Int64[];
  stringData?: Uint8Array[];
  rawData?: Uint8Array;
  externalData?: OnnxStringEntry[];
  dataLocation?: number;
  docString?: string;
}

export interface OnnxDimension {
  dimValue?: Int64 | null;
  dimParam?: string | null;
  denotation?: string;
}

export interface OnnxTypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: OnnxDimension[] } | null } | null;
  denotation?: string;
  [other: string]: unknown;
}

export interface OnnxValueInfo {
  name?: string;
  type?: OnnxTypeProto | null;
  docString?: string;
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: OnnxTensor | null;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  [other: string]: unknown;
}

export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
  docString?: string;
  [other: string]: unknown;
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  sparseInitializer?: unknown[];
  docString?: string;
  [other: string]: unknown;
}

export interface OnnxOpsetId {
  domain?: string;
  version?: Int64;
}

export interface OnnxModel {
  irVersion?: Int64;
  opsetImport: OnnxOpsetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64;
  docString?: string;
  graph: OnnxGraph;
  metadataProps?: OnnxStringEntry[];
  functions?: unknown[];
  [other: string]: unknown;
}

/** TensorProto.DataType values this app meets. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
  24: 'float8e8m0',
};

/** The onnxruntime-web style name of an ONNX element type ("float32", "int64", …). */
export function dataTypeName(dataType: number | undefined): string {
  return DATA_TYPE_NAMES[dataType ?? 0] ?? `type ${dataType}`;
}

export function int64ToNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
