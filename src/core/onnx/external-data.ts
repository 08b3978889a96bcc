/**
 * ONNX external data: initializers whose bytes live in a separate file next to the .onnx
 * (exporters do this above 2 GB, and Hugging Face repos ship onnx/model.onnx + model.onnx_data).
 * The playground moves those bytes into the decoded graph, so everything that reads or re-encodes
 * it (embedding tables, dropout surgery, every session it creates) sees an ordinary inline model.
 * That is as large as the model itself, and the loader already refuses weights over about 2 GB, so
 * inlining never hits protobuf's 2 GB message limit for a model that could load at all.
 */
import { OnnxGraphError } from './errors';
import { isExternalTensor } from './tensor-data';
import type { OnnxModel, OnnxTensor } from './types';

const entry = (tensor: OnnxTensor, key: string) => tensor.externalData?.find((item) => item.key === key)?.value;

/** The external data files the initializers name, each once, in the order they first appear. */
export function externalDataLocations(model: OnnxModel): string[] {
  const locations = new Set<string>();
  for (const tensor of model.graph.initializer) {
    if (!isExternalTensor(tensor)) continue;
    const location = entry(tensor, 'location');
    if (!location)
      throw new OnnxGraphError(
        `Initializer "${tensor.name}" is marked as external data but names no file (its "location" is missing).`,
      );
    locations.add(location);
  }
  return [...locations];
}

/**
 * Points every external initializer at its slice of the given file bytes (no copy) and drops the
 * external reference. Throws when a file is shorter than an initializer's range says, as a file cut
 * short by an interrupted download or one from another export would be.
 */
export function inlineExternalData(model: OnnxModel, files: ReadonlyMap<string, Uint8Array>): void {
  for (const tensor of model.graph.initializer) {
    if (!isExternalTensor(tensor)) continue;
    const location = entry(tensor, 'location') ?? '';
    const bytes = files.get(location);
    if (!bytes)
      throw new OnnxGraphError(`The external data file ${location} for initializer "${tensor.name}" was not given.`);
    const offset = Number(entry(tensor, 'offset') ?? 0);
    const lengthEntry = entry(tensor, 'length');
    // Without a length the data runs to the end of the file, as the ONNX reference reader takes it.
    const length = lengthEntry === undefined ? bytes.byteLength - offset : Number(lengthEntry);
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > bytes.byteLength
    ) {
      throw new OnnxGraphError(
        `The external data file ${location} holds ${bytes.byteLength} bytes, but initializer "${tensor.name}" needs bytes ${offset} to ${offset + length}: the file is incomplete or belongs to another export of the model.`,
      );
    }
    tensor.rawData = bytes.subarray(offset, offset + length);
    tensor.externalData = [];
    tensor.dataLocation = 0;
  }
}
