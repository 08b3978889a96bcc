/**
 * Models too large for the page. onnxruntime-web runs in 32-bit WebAssembly: its heap can never
 * exceed 4 GiB, and while a session is created the model bytes and the initializers it unpacks from
 * them sit in that heap together. A model whose weights declare more than about half of it cannot
 * load, so it is refused before the session is attempted; a session creation that runs out of
 * memory anyway is reported in the same words.
 */
import { ModelLoadError } from '../../model/errors';
import { localWeightBytes } from '../../model/local-files';
import type { LocalModelFiles } from '../../model/sources';
import { elementCount, tensorDims } from '../../onnx/tensor-data';
import { DataType, type OnnxModel } from '../../onnx/types';

/** The WebAssembly heap limit of onnxruntime-web's (32-bit) build. */
export const WASM_HEAP_LIMIT_BYTES = 4 * 1024 ** 3;
/**
 * onnxruntime's heap per byte of weights, measured on the 441 MB BERT-base-shaped model (bench
 * real-size suite, WASM, docs/PERFORMANCE.md): creating the model's session peaks at about 2× (the
 * weights, their prepacked copies and what is unpacked on the way; about 1.5× stays), and one
 * MC-dropout session adds about 1.7× more. The heap never shrinks, so the peaks are what count.
 */
export const HEAP_PER_WEIGHT_BYTE = { load: 2, withMcDropout: 3.2 } as const;
/** Weights above this cannot be created in a 4 GiB heap. */
export const MAX_WEIGHT_BYTES = WASM_HEAP_LIMIT_BYTES / HEAP_PER_WEIGHT_BYTE.load;

const BYTES_PER_ELEMENT: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.BFLOAT16]: 2,
};

/** Bytes the initializers declare by their shapes and types (not what the file holds: a truncated or external-data file holds less). */
export function declaredWeightBytes(model: OnnxModel): number {
  let total = 0;
  for (const tensor of model.graph.initializer) {
    const bytes = BYTES_PER_ELEMENT[tensor.dataType ?? DataType.FLOAT] ?? 4;
    total += elementCount(tensorDims(tensor)) * bytes;
  }
  return total;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

const ADVICE = 'Use a smaller or quantized model (int8 or float16 weights), or close other tabs and try again.';

export function memoryError(label: string, detail: string): ModelLoadError {
  return new ModelLoadError(
    `The model needs more memory than this browser gives the page: ${label} ${detail} ${ADVICE}`,
    'memory',
  );
}

/** Picked files too big to load are refused before a byte of them is read. */
export function checkLocalFilesFit(files: LocalModelFiles, limit = MAX_WEIGHT_BYTES): void {
  const weightBytes = localWeightBytes(files);
  if (weightBytes <= limit) return;
  const withData = (files.externalData?.length ?? 0) > 0 ? ' with its data files' : '';
  throw memoryError(
    files.onnx.name,
    `is ${formatBytes(weightBytes)}${withData}, and onnxruntime's WebAssembly heap (at most ${formatBytes(WASM_HEAP_LIMIT_BYTES)}) must hold it about twice while the session is created.`,
  );
}

/** Throws the memory error when the weights cannot fit in onnxruntime's WebAssembly heap. */
export function checkModelFitsMemory(model: OnnxModel, label: string, limit = MAX_WEIGHT_BYTES): void {
  const declared = declaredWeightBytes(model);
  if (declared > limit) {
    throw memoryError(
      label,
      `declares ${formatBytes(declared)} of weights, and onnxruntime's WebAssembly heap (at most ${formatBytes(WASM_HEAP_LIMIT_BYTES)}) must hold them about twice while the session is created, so at most about ${formatBytes(limit)} of weights can load.`,
    );
  }
}

/** Errors that mean "out of memory" as the browser, V8 or onnxruntime's WASM module word them. */
export function isOutOfMemoryError(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /out of memory|\bOOM\b|bad_alloc|Array buffer allocation failed|allocation failed|Cannot enlarge memory|could not (allocate|grow)|failed to grow|Maximum memory size exceeded|Invalid typed array length|Invalid array buffer length/i.test(
    message,
  );
}

/** A session-creation (or decoding) failure in the user's words: memory when it is memory, else as it was. */
export function explainSessionError(error: unknown, label: string): ModelLoadError {
  if (error instanceof ModelLoadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isOutOfMemoryError(error)) {
    return memoryError(
      label,
      `could not be loaded: the browser ran out of memory while onnxruntime created the session (${message}).`,
    );
  }
  const op = unsupportedOp(message);
  if (op) {
    return new ModelLoadError(
      `${label} uses the operator ${op}, which onnxruntime-web cannot run here, so this file cannot be used. If the model offers other files (model.onnx, model_quantized.onnx, model_fp16.onnx), pick one of those. (${message})`,
      'unsupported',
    );
  }
  return new ModelLoadError(`onnxruntime could not create a session for ${label}: ${message}`, 'unsupported');
}

/**
 * The operator onnxruntime names when a graph uses one it has no kernel for, as its errors say it:
 * "com.microsoft:MatMulNBits(-1) is not a registered function/op" or
 * "Could not find an implementation for MatMulNBits(1) node with name '…'".
 */
export function unsupportedOp(message: string): string | null {
  const match =
    /([\w.]+:)?(\w+)\(-?\d+\) is not a registered function\/op/.exec(message) ??
    /Could not find an implementation for (\w+)\(\d+\)/.exec(message);
  if (!match) return null;
  return match.length === 3 && match[1] ? `${match[2]} (${match[1].slice(0, -1)})` : match[match.length - 1];
}

/**
 * Refuses a model file the host says is too large, before it downloads: the size in the response's
 * Content-Length is the figure, and the check is the one checkModelFitsMemory makes on the weights.
 */
export function refuseTooLargeDownload(file: string, bytes: number, limit = MAX_WEIGHT_BYTES): void {
  if (bytes <= limit) return;
  throw memoryError(
    file,
    `is ${formatBytes(bytes)} (as its host says; nothing was downloaded), and would need about ${formatBytes(HEAP_PER_WEIGHT_BYTE.load * bytes)} of onnxruntime's WebAssembly heap (at most ${formatBytes(WASM_HEAP_LIMIT_BYTES)}) to load, and about ${formatBytes(HEAP_PER_WEIGHT_BYTE.withMcDropout * bytes)} once MC dropout is used (the model's session and the dropout session each hold the weights), so at most about ${formatBytes(limit)} can load.`,
  );
}
