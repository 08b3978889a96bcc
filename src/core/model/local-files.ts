/**
 * Model files the user picked or dropped. The page only sorts them by name (pickModelFiles) and sends
 * their File handles to the worker, which reads them (readLocalFiles): a 2 GB model is never read on the
 * main thread, never copied to the worker, and the handles are all a restarted worker needs to load it again.
 */
import { defaultVariant, listVariants, type OnnxVariant } from './onnx-variants';
import type { LocalFile, LocalFileBytes, LocalFileHandle, LocalModelFiles } from './sources';

export type PickedModelFiles =
  | {
      files: LocalModelFiles<LocalFileHandle>;
      /** The .onnx files among those picked that are model variants (model.onnx, model_quantized.onnx, …), with their sizes. */
      variants: OnnxVariant[];
    }
  | { error: string };

/**
 * Sorts picked files into the model's roles by their names. Of several .onnx files the one named `onnxFile`
 * is loaded, else the default variant (full precision when present), else the first by name.
 */
export function pickModelFiles(files: readonly File[], onnxFile?: string): PickedModelFiles {
  const byName = (test: (name: string) => boolean) => files.find((file) => test(file.name.toLowerCase()));
  const onnxFiles = files.filter((file) => file.name.toLowerCase().endsWith('.onnx'));
  const variants = listVariants(onnxFiles.map((file) => ({ path: file.name, sizeBytes: file.size })));
  const named = (name: string | undefined) => onnxFiles.find((file) => file.name === name);
  const onnx =
    named(onnxFile) ??
    named(defaultVariant(variants)?.file) ??
    [...onnxFiles].sort((a, b) => a.name.localeCompare(b.name))[0];
  if (!onnx) {
    return {
      error: `No .onnx file among ${files.map((f) => f.name).join(', ')}. Pick the model's .onnx together with its tokenizer.json (and optionally config.json).`,
    };
  }
  const handle = (file: File | undefined): LocalFileHandle | undefined =>
    file ? { name: file.name, file } : undefined;
  // Anything that is neither the .onnx nor a JSON file may be the external data file the .onnx names
  // (model.onnx_data); the loader matches it by the name the graph gives.
  const externalData = files.filter(
    (file) => !file.name.toLowerCase().endsWith('.onnx') && !file.name.toLowerCase().endsWith('.json'),
  );
  return {
    variants,
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
