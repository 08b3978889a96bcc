/**
 * The tiny transformer saved the way `onnx.save_model(..., save_as_external_data=True)` saves a
 * model: every initializer of at least `threshold` bytes moves to one data file, each at an offset
 * aligned to 4096 bytes (as onnx aligns them for mmap), and the .onnx keeps only the references.
 */
import { decodeModel, encodeModel } from '../../src/core/onnx';
import { DataType } from '../../src/core/onnx/types';
import { buildTinyTransformer, tinyConfigJson, type TinyTransformerOptions } from './tiny-transformer';
import { tinyTokenizerJson } from './onnx-tiny-tokenizer';

export interface ExternalDataFiles {
  /** The .onnx with references only. */
  onnx: Uint8Array;
  /** The data file the references point into. */
  data: Uint8Array;
  /** The same model with every weight inline, for comparison. */
  inline: Uint8Array;
  /** Initializers that moved to the data file. */
  moved: string[];
  tokenizer: Uint8Array;
  config: Uint8Array;
}

const ALIGNMENT = 4096;

export function externalDataFiles(
  location = 'model.onnx_data',
  options: TinyTransformerOptions = {},
  threshold = 1024,
): ExternalDataFiles {
  const tiny = buildTinyTransformer(options);
  const model = decodeModel(tiny.bytes);
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  const moved: string[] = [];
  let size = 0;
  for (const tensor of model.graph.initializer) {
    const raw = tensor.rawData;
    if (!raw || raw.byteLength < threshold || tensor.dataType !== DataType.FLOAT) continue;
    const offset = Math.ceil(size / ALIGNMENT) * ALIGNMENT;
    chunks.push({ offset, bytes: raw.slice() });
    size = offset + raw.byteLength;
    moved.push(tensor.name ?? '');
    tensor.rawData = new Uint8Array(0);
    tensor.dataLocation = 1;
    tensor.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.byteLength) },
    ];
  }
  const data = new Uint8Array(size);
  for (const chunk of chunks) data.set(chunk.bytes, chunk.offset);
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  return {
    onnx: encodeModel(model),
    data,
    inline: tiny.bytes,
    moved,
    tokenizer: text(tinyTokenizerJson()),
    config: text(tinyConfigJson(tiny.config)),
  };
}
