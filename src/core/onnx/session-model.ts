/**
 * What a session is created from: the graph encoded without its weights, and the weights handed to
 * onnxruntime as external data files (its `externalData` session option), each a view of bytes the
 * page already holds. Encoding a 400 MB model in JavaScript copied every weight once more and took
 * longer than onnxruntime's whole session creation; this way only the graph (kilobytes) is encoded,
 * and onnxruntime copies each weight once, straight from the loaded file into its own memory.
 *
 * An initializer's raw bytes are almost always a view into the .onnx file they were decoded from (or
 * into its external data file), so each distinct buffer becomes one "file" and each initializer points
 * at its own range of it: nothing is copied or sliced here.
 */
import { encodeModel } from './codec';
import type { OnnxModel, OnnxTensor } from './types';

/** Below this an initializer stays in the graph: shape constants and biases cost nothing to encode. */
export const EXTERNAL_MIN_BYTES = 4096;

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

export interface SessionModel {
  /** The encoded graph; its large initializers name an external data file. */
  bytes: Uint8Array;
  /** The files those initializers point into (views, not copies); empty when every weight is inline. */
  externalData: ExternalDataFile[];
}

/** Encodes `model` for a session with its large initializers as external data. `model` is not changed. */
export function sessionModel(model: OnnxModel): SessionModel {
  const files = new Map<ArrayBufferLike, ExternalDataFile>();
  const fileFor = (buffer: ArrayBufferLike) => {
    let file = files.get(buffer);
    if (!file) {
      file = { path: `weights-${files.size}.bin`, data: new Uint8Array(buffer) };
      files.set(buffer, file);
    }
    return file;
  };
  const externalized = (tensor: OnnxTensor): OnnxTensor => {
    const raw = tensor.rawData;
    if (!raw || raw.byteLength < EXTERNAL_MIN_BYTES) return tensor;
    // rawData is left out: the bytes go as external data.
    const { rawData, ...rest } = tensor;
    return {
      ...rest,
      dataLocation: 1, // EXTERNAL
      externalData: [
        { key: 'location', value: fileFor(raw.buffer).path },
        { key: 'offset', value: String(raw.byteOffset) },
        { key: 'length', value: String(raw.byteLength) },
      ],
    };
  };
  const graph = { ...model.graph, initializer: model.graph.initializer.map(externalized) };
  return { bytes: encodeModel({ ...model, graph }), externalData: [...files.values()] };
}
