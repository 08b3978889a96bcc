import protobuf from 'protobufjs/minimal.js';
import { OnnxFormatError } from './errors';
// Static decode/encode generated from ./schema.ts (npm run gen:onnx): protobufjs's reflection would
// compile them at run time with `new Function`, which the app's Content-Security-Policy forbids.
import { onnx } from './onnx-static.js';
import { int64ToNumber, type OnnxModel } from './types';

const NOT_ONNX = 'This file is not an ONNX model';

/**
 * Decodes ONNX bytes into a model object (protobufjs messages typed as OnnxModel).
 * Throws OnnxFormatError when the bytes are not protobuf, are cut short, or decode to something
 * without the fields every ONNX model has (a graph, an IR version, an opset import).
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
    throw new OnnxFormatError(`${NOT_ONNX} (the file is empty).`, 0);
  }
  let decoded: OnnxModel;
  // Our own reader, so its position tells where decoding stopped (nested messages share it).
  const reader = protobuf.Reader.create(bytes);
  try {
    decoded = onnx.ModelProto.decode(reader) as unknown as OnnxModel;
  } catch (error) {
    const detail = (error as Error).message ?? String(error);
    const offset = Math.min(reader.pos, bytes.byteLength);
    const where = ` at byte ${offset} of ${bytes.byteLength}`;
    if (/out of range/.test(detail)) {
      throw new OnnxFormatError(
        `${NOT_ONNX}, or it is incomplete (protobuf decode failed${where}: a field there runs past the end of the file, so the file is probably truncated, e.g. by an interrupted download).`,
        offset,
      );
    }
    throw new OnnxFormatError(`${NOT_ONNX} (protobuf decode failed${where}: ${detail}).`, offset);
  }
  if (!decoded.graph) {
    throw new OnnxFormatError(`${NOT_ONNX} (it decodes as protobuf but has no graph).`);
  }
  const irVersion = int64ToNumber(decoded.irVersion);
  if (irVersion <= 0 || irVersion > 100) {
    throw new OnnxFormatError(`${NOT_ONNX} (its IR version field is ${irVersion || 'missing'}).`);
  }
  if (irVersion >= 3 && decoded.opsetImport.length === 0) {
    throw new OnnxFormatError(
      `${NOT_ONNX} or it is incomplete: it has no opset_import, which every ONNX model since IR version 3 declares (the file may be truncated).`,
    );
  }
  return decoded;
}

/** Encodes a model object (decoded or built) back to ONNX bytes. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const bytes = onnx.ModelProto.encode(model).finish();
  // Node's Writer returns a Buffer; hand out a plain Uint8Array so callers see one type everywhere.
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
