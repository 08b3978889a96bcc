/**
 * Model files the user picked or dropped. The page only sorts them by name (pickModelFiles) and sends
 * their File handles to the worker, which reads them (readLocalFiles): a 2 GB model is never read on the
 * main thread, never copied to the worker, and the handles are all a restarted worker needs to load it again.
 */
import type { LocalFile, LocalFileBytes, LocalFileHandle, LocalModelFiles } from './sources';

export type PickedModelFiles = { files: LocalModelFiles<LocalFileHandle> } | { error: string };

/** Sorts picked files into the model's roles by their names. */
export function pickModelFiles(files: readonly File[]): PickedModelFiles {
  const byName = (test: (name: string) => boolean) => files.find((file) => test(file.name.toLowerCase()));
  const onnx = byName((name) => name.endsWith('.onnx'));
  if (!onnx) {
    return {
      error: `No .onnx file among ${files.map((f) => f.name).join(', ')}. Pick the model's .onnx together with its tokenizer.json (and optionally config.json).`,
    };
  }
  const handle = (file: File | undefined): LocalFileHandle | undefined =>
    file ? { name: file.name, file } : undefined;
  // Anything that is neither the .onnx nor a JSON file may be the external data file the .onnx names
  // (model.onnx_data); the loader matches it by the name the graph gives.
  const externalData = files.filter((file) => file !== onnx && !file.name.toLowerCase().endsWith('.json'));
  return {
    files: {
      onnx: handle(onnx)!,
      tokenizer: handle(
        byName(
          (name) =>
            name === 'tokenizer.json' ||
            (name.endsWith('.json') && name.includes('tokenizer') && !name.includes('config')),
        ),
      ),
      tokenizerConfig: handle(byName((name) => name === 'tokenizer_config.json')),
      config: handle(byName((name) => name === 'config.json')),
      externalData: externalData.map((file) => handle(file)!),
    },
  };
}

const sizeOf = (file: LocalFile) => ('bytes' in file ? file.bytes.byteLength : file.file.size);

/** The bytes of the .onnx and its external data files: what the WebAssembly heap must hold. */
export function localWeightBytes(files: LocalModelFiles): number {
  return sizeOf(files.onnx) + (files.externalData ?? []).reduce((sum, file) => sum + sizeOf(file), 0);
}

/** Reads every handle (files given as bytes pass through). */
export async function readLocalFiles(files: LocalModelFiles): Promise<LocalModelFiles<LocalFileBytes>> {
  const read = async (file: LocalFile): Promise<LocalFileBytes> =>
    'bytes' in file ? file : { name: file.name, bytes: await file.file.arrayBuffer() };
  const optional = async (file: LocalFile | undefined) => (file ? read(file) : undefined);
  return {
    onnx: await read(files.onnx),
    tokenizer: await optional(files.tokenizer),
    tokenizerConfig: await optional(files.tokenizerConfig),
    config: await optional(files.config),
    externalData: await Promise.all((files.externalData ?? []).map(read)),
  };
}
