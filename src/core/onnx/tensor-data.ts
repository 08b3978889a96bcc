import { OnnxGraphError } from './errors';
import { float16ArrayToFloat32 } from './float16';
import { DataType, dataTypeName, int64ToNumber, type OnnxTensor } from './types';

/*
 * Reading and writing TensorProto payloads. ONNX stores numbers little-endian; every platform this
 * app runs on (x86, ARM, WASM) is little-endian, so typed-array views over the bytes are used directly.
 */

export function tensorDims(tensor: OnnxTensor): number[] {
  return (tensor.dims ?? []).map(int64ToNumber);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** True when the payload lives in a separate file (data_location = EXTERNAL), which a browser cannot reach. */
export function isExternalTensor(tensor: OnnxTensor): boolean {
  return tensor.dataLocation === 1 || (tensor.externalData?.length ?? 0) > 0;
}

/**
 * The raw_data bytes copied into a fresh, aligned buffer. protobufjs hands out views into the
 * model bytes at arbitrary offsets, and a Float32Array needs a 4-byte aligned offset.
 */
function alignedRawBytes(tensor: OnnxTensor): ArrayBuffer | null {
  const raw = tensor.rawData;
  // An absent bytes field reads as protobufjs's default, an empty array (no byteLength).
  if (!raw || raw.length === 0) return null;
  const size = BYTES_PER_ELEMENT[tensor.dataType ?? 0];
  if (size && raw.length % size !== 0) {
    throw new OnnxGraphError(
      `Tensor "${tensor.name}" is damaged: its ${raw.length} bytes of ${dataTypeName(tensor.dataType)} data are not a whole number of ${size}-byte values (the file may be corrupt).`,
    );
  }
  return new Uint8Array(raw).buffer as ArrayBuffer;
}

const BYTES_PER_ELEMENT: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.FLOAT16]: 2,
  [DataType.BFLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.INT64]: 8,
  [DataType.INT32]: 4,
  [DataType.INT16]: 2,
};

function assertInline(tensor: OnnxTensor): void {
  if (isExternalTensor(tensor)) {
    const location = tensor.externalData?.find((entry) => entry.key === 'location')?.value ?? 'an external file';
    throw new OnnxGraphError(
      `Initializer "${tensor.name}" stores its data in ${location} (ONNX external data), which cannot be read from a single .onnx file.`,
    );
  }
}

/** Float values of a FLOAT, FLOAT16, BFLOAT16 or DOUBLE tensor as float32. */
export function readFloatTensor(tensor: OnnxTensor): Float32Array {
  assertInline(tensor);
  const raw = alignedRawBytes(tensor);
  switch (tensor.dataType) {
    case DataType.FLOAT:
      return raw ? new Float32Array(raw) : Float32Array.from(tensor.floatData ?? []);
    case DataType.FLOAT16:
      // Without raw_data, halves sit one per int32_data entry as their bit pattern.
      return float16ArrayToFloat32(raw ? new Uint16Array(raw) : (tensor.int32Data ?? []));
    case DataType.BFLOAT16: {
      const bits = raw ? new Uint16Array(raw) : Uint16Array.from(tensor.int32Data ?? []);
      const widened = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) widened[i] = bits[i] << 16;
      return new Float32Array(widened.buffer);
    }
    case DataType.DOUBLE:
      return Float32Array.from(raw ? new Float64Array(raw) : (tensor.doubleData ?? []));
    default:
      throw new OnnxGraphError(
        `Tensor "${tensor.name}" holds ${dataTypeName(tensor.dataType)}, not floating-point values.`,
      );
  }
}

/** Integer values of an INT64/INT32/INT16/INT8/UINT8/BOOL tensor as numbers (int64 beyond 2^53 loses precision). */
export function readIntTensor(tensor: OnnxTensor): number[] {
  assertInline(tensor);
  const raw = alignedRawBytes(tensor);
  switch (tensor.dataType) {
    case DataType.INT64:
      return raw ? Array.from(new BigInt64Array(raw), Number) : (tensor.int64Data ?? []).map(int64ToNumber);
    case DataType.INT32:
      return raw ? Array.from(new Int32Array(raw)) : [...(tensor.int32Data ?? [])];
    case DataType.INT16:
      return raw ? Array.from(new Int16Array(raw)) : [...(tensor.int32Data ?? [])];
    case DataType.INT8:
      return raw ? Array.from(new Int8Array(raw)) : [...(tensor.int32Data ?? [])];
    case DataType.UINT8:
    case DataType.BOOL:
      return raw ? Array.from(new Uint8Array(raw)) : [...(tensor.int32Data ?? [])];
    default:
      throw new OnnxGraphError(`Tensor "${tensor.name}" holds ${dataTypeName(tensor.dataType)}, not integers.`);
  }
}

export function makeFloatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTensor {
  const data = Float32Array.from(values);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

export function makeFloat16Tensor(name: string, dims: readonly number[], bits: Uint16Array): OnnxTensor {
  return { name, dims: [...dims], dataType: DataType.FLOAT16, rawData: new Uint8Array(bits.slice().buffer) };
}

export function makeInt64Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTensor {
  const data = BigInt64Array.from(Array.from(values, (value) => BigInt(value)));
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}
