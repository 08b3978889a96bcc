import { parseModelConfig, type ModelConfig } from './config';
import { fetchModelFile } from './download';
import { ModelLoadError, throwIfAborted } from './errors';
import type { CacheStorageLike } from './model-cache';
import type { ProgressCallback } from './progress';
import { describeSource, MODEL_FILES, modelBaseUrl, type ModelSource } from './sources';
import { ModelTokenizer } from './tokenizer';

export interface LoadedModelFiles {
  label: string;
  /** Folder the files came from; null for local files. */
  baseUrl: string | null;
  onnxBytes: Uint8Array;
  tokenizer: ModelTokenizer;
  config: ModelConfig;
}

export interface LoadFilesOptions {
  /** URL the embedded models and relative URLs resolve against (the app's base URL). */
  appBase: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Fetches (or reads) the four files of a model in Hugging Face layout and parses the small ones. */
export async function loadModelFiles(source: ModelSource, options: LoadFilesOptions): Promise<LoadedModelFiles> {
  if (source.kind === 'files') return fromLocalFiles(source.files);

  const baseUrl = modelBaseUrl(source, options.appBase);
  // The embedded model is precached by the service worker; a second copy in Cache Storage would only cost disk.
  const cacheStorage = source.kind === 'embedded' ? undefined : options.cacheStorage;
  const common = { onProgress: options.onProgress, signal: options.signal, cacheStorage, fetchImpl: options.fetchImpl };
  const fetchText = async (file: string, optional: boolean) => {
    const bytes = await fetchModelFile(baseUrl + file, { ...common, file, optional });
    return bytes === null ? null : decoder.decode(bytes);
  };

  // Small files first: a wrong address fails fast, before a large download starts.
  const configText = await fetchText(MODEL_FILES.config, true);
  const tokenizerText = await fetchText(MODEL_FILES.tokenizer, false);
  const tokenizerConfigText = await fetchText(MODEL_FILES.tokenizerConfig, true);
  const config = parseModelConfig(configText);
  const tokenizer = new ModelTokenizer(tokenizerText as string, tokenizerConfigText);
  throwIfAborted(options.signal);
  const onnxBytes = await fetchModelFile(baseUrl + MODEL_FILES.onnx, { ...common, file: MODEL_FILES.onnx });
  return { label: describeSource(source), baseUrl, onnxBytes: onnxBytes as Uint8Array, tokenizer, config };
}

function fromLocalFiles(files: Extract<ModelSource, { kind: 'files' }>['files']): LoadedModelFiles {
  if (!files.tokenizer) {
    throw new ModelLoadError(
      `A tokenizer.json is needed next to ${files.onnx.name}: pick or drop both files together (config.json and tokenizer_config.json are optional).`,
      'tokenizer',
    );
  }
  const text = (file: { bytes: ArrayBuffer } | undefined) => (file ? decoder.decode(new Uint8Array(file.bytes)) : null);
  return {
    label: describeSource({ kind: 'files', files }),
    baseUrl: null,
    onnxBytes: new Uint8Array(files.onnx.bytes),
    tokenizer: new ModelTokenizer(text(files.tokenizer) as string, text(files.tokenizerConfig)),
    config: parseModelConfig(text(files.config)),
  };
}
