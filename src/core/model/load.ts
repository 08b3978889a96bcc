import { parseModelConfig, type ModelConfig } from './config';
import { fetchModelFile } from './download';
import { encoderDecoderMessage } from '../onnx/decoder';
import { ModelLoadError, throwIfAborted } from './errors';
import { BUILTIN_MODEL_CACHE_NAME, type CacheStorageLike } from './model-cache';
import type { ProgressCallback } from './progress';
import {
  describeSource,
  MODEL_FILES,
  modelBaseUrl,
  ONNX_CANDIDATES,
  type LocalFileBytes,
  type LocalModelFiles,
  type ModelSource,
} from './sources';
import { readLocalFiles } from './local-files';
import { isVariantFileName } from './onnx-variants';
import { ModelTokenizer } from './tokenizer';
import type { NotKept, StorageEstimator } from './storage-room';

/** The bytes of each external data file by its location, as the .onnx names it (relative to the .onnx). */
export type ExternalDataFiles = Map<string, Uint8Array>;

export interface LoadedModelFiles {
  label: string;
  /** Folder the files came from; null for local files. */
  baseUrl: string | null;
  onnxBytes: Uint8Array;
  /** The .onnx file loaded: its path in the repo (onnx/model.onnx, onnx/decoder_model_merged.onnx, …) or the picked file's name. */
  onnxFile?: string;
  tokenizer: ModelTokenizer;
  /** tokenizer.json as it came, for the content digest. */
  tokenizerBytes: Uint8Array;
  /** Bytes of config.json and tokenizer_config.json (0 where absent), counted in the model's stated size. */
  smallFileBytes?: number;
  config: ModelConfig;
  /**
   * Fetches (or finds among the picked files) the external data files a graph names. Only the
   * decoded graph knows them, so the caller asks once it has decoded it; a file that cannot be
   * reached throws a ModelLoadError that names it.
   */
  readExternalData(locations: readonly string[]): Promise<ExternalDataFiles>;
}

export interface LoadFilesOptions {
  /** URL the embedded models and relative URLs resolve against (the app's base URL). */
  appBase: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
  /** The site's storage quota, checked before a downloaded file is kept (download.ts). */
  storage?: StorageEstimator;
  /** Told for every downloaded file that is not kept for offline use. */
  onNotKept?: (notKept: NotKept) => void;
  /** Refuses a file by the size its host states, before it downloads (the engine's memory limit). */
  checkSize?: (file: string, bytes: number) => void;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const ONNX_FOLDER = MODEL_FILES.onnx.slice(0, MODEL_FILES.onnx.lastIndexOf('/') + 1);

/** Fetches (or reads) the four files of a model in Hugging Face layout and parses the small ones. */
/** What a missing file tells the user to check, in the terms of the source they gave. */
function notFoundHint(source: Exclude<ModelSource, { kind: 'files' }>): string {
  switch (source.kind) {
    case 'hub':
      return 'Check the repo id, revision and host.';
    case 'url':
      return 'Check the address: it should be the model folder that holds config.json, tokenizer.json and onnx/model.onnx.';
    case 'embedded':
      return 'The built-in model is missing from this installation of the app.';
  }
}

export async function loadModelFiles(source: ModelSource, options: LoadFilesOptions): Promise<LoadedModelFiles> {
  // Picked files arrive as handles and are read here, in the worker (see local-files.ts).
  if (source.kind === 'files') return fromLocalFiles(await readLocalFiles(source.files));

  const baseUrl = modelBaseUrl(source, options.appBase);
  // The built-in model too is kept in Cache Storage by the app (in a cache of its own, not listed as a
  // download): the service worker does not precache the files the app fetches as it starts (src/sw.ts), so a
  // first visit downloads them once.
  const cacheStorage = options.cacheStorage;
  const cacheName = source.kind === 'embedded' ? BUILTIN_MODEL_CACHE_NAME : undefined;
  const hint = notFoundHint(source);
  const common = {
    notFoundHint: hint,
    onProgress: options.onProgress,
    signal: options.signal,
    cacheStorage,
    cacheName,
    fetchImpl: options.fetchImpl,
    storage: options.storage,
    onNotKept: options.onNotKept,
    checkSize: options.checkSize,
  };
  const fetchBytes = (file: string, optional: boolean) => fetchModelFile(baseUrl + file, { ...common, file, optional });

  // Every file is announced before the first one downloads, so the overall bar stays indeterminate
  // until model.onnx's size is known, instead of reaching 100% on the small files and dropping back.
  for (const file of [MODEL_FILES.config, MODEL_FILES.tokenizer, MODEL_FILES.tokenizerConfig]) {
    options.onProgress?.({ status: 'initiate', file, loaded: 0, total: null });
  }
  options.onProgress?.({
    status: 'initiate',
    file: source.onnxFile ? ONNX_FOLDER + source.onnxFile : MODEL_FILES.onnx,
    loaded: 0,
    total: null,
  });
  // Small files first: a wrong address fails fast, before a large download starts.
  const configBytes = await fetchBytes(MODEL_FILES.config, true);
  const tokenizerBytes = (await fetchBytes(MODEL_FILES.tokenizer, false)) as Uint8Array;
  const tokenizerConfigBytes = await fetchBytes(MODEL_FILES.tokenizerConfig, true);
  const config = parseModelConfig(textOf(configBytes));
  const tokenizer = new ModelTokenizer(decoder.decode(tokenizerBytes), textOf(tokenizerConfigBytes));
  throwIfAborted(options.signal);
  const label = describeSource(source);
  // An encoder–decoder repo is refused before its large files download.
  if (config.isEncoderDecoder)
    throw new ModelLoadError(
      encoderDecoderMessage(label, `config.json says is_encoder_decoder (model_type "${config.modelType ?? '?'}")`),
      'unsupported',
    );
  let onnxBytes: Uint8Array | null = null;
  let onnxFile: string = MODEL_FILES.onnx;
  // A chosen variant is the one file fetched: a missing one is an error that names it, not a fallback.
  const chosen = source.onnxFile ? checkedVariant(source.onnxFile) : null;
  const candidates = chosen ? [chosen] : ONNX_CANDIDATES;
  for (const [i, candidate] of candidates.entries()) {
    if (i > 0) options.onProgress?.({ status: 'initiate', file: candidate, loaded: 0, total: null });
    onnxFile = candidate;
    onnxBytes = await fetchBytes(candidate, !chosen);
    if (onnxBytes) break;
  }
  if (!onnxBytes)
    throw new ModelLoadError(
      `No ONNX model was found for ${label}: tried ${ONNX_CANDIDATES.join(', ')} (none exists there). ${hint}`,
      'not-found',
      baseUrl,
    );

  const readExternalData = async (locations: readonly string[]) => {
    const files: ExternalDataFiles = new Map();
    for (const location of locations) {
      const file = ONNX_FOLDER + checkedLocation(location, onnxFile);
      try {
        files.set(location, (await fetchBytes(file, false)) as Uint8Array);
      } catch (error) {
        if (!(error instanceof ModelLoadError) || error.kind === 'cancelled') throw error;
        throw new ModelLoadError(
          `${label} keeps its weights in a separate external data file next to ${onnxFile}, and it could not be downloaded: ${error.message}`,
          error.kind,
          error.detail,
        );
      }
    }
    return files;
  };
  const smallFileBytes = (configBytes?.byteLength ?? 0) + (tokenizerConfigBytes?.byteLength ?? 0);
  return { label, baseUrl, onnxBytes, onnxFile, tokenizer, tokenizerBytes, smallFileBytes, config, readExternalData };
}

/** onnx/<name> for a chosen variant's file name; a name with a folder or another extension is refused. */
function checkedVariant(name: string): string {
  if (!isVariantFileName(name))
    throw new ModelLoadError(
      `"${name.slice(0, 80)}" is not the name of an .onnx file in the model's onnx/ folder.`,
      'unsupported',
    );
  return ONNX_FOLDER + name;
}

function textOf(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : decoder.decode(bytes);
}

/**
 * An external data location is a path relative to the .onnx file. One that climbs out of the model
 * folder or names another host is refused: the .onnx must not make the app fetch arbitrary URLs.
 */
function checkedLocation(location: string, onnxName: string): string {
  const parts = location.split(/[\\/]/);
  if (!location || /^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('/') || parts.includes('..')) {
    throw new ModelLoadError(
      `${onnxName} names its external data file "${location}", which is not a path inside the model folder, so it is not loaded.`,
      'unsupported',
    );
  }
  return parts.filter((part) => part !== '' && part !== '.').join('/');
}

const baseName = (path: string) => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

function fromLocalFiles(files: LocalModelFiles<LocalFileBytes>): LoadedModelFiles {
  if (!files.tokenizer) {
    throw new ModelLoadError(
      `A tokenizer.json is needed next to ${files.onnx.name}: pick or drop both files together (config.json and tokenizer_config.json are optional).`,
      'tokenizer',
    );
  }
  const text = (file: { bytes: ArrayBuffer } | undefined) => (file ? decoder.decode(new Uint8Array(file.bytes)) : null);
  const tokenizerBytes = new Uint8Array(files.tokenizer.bytes);
  const readExternalData = async (locations: readonly string[]) => {
    const found: ExternalDataFiles = new Map();
    for (const location of locations) {
      // A picked file has no folder, so the location's file name is what can be matched.
      const name = baseName(location);
      const file = files.externalData?.find((candidate) => candidate.name === name);
      if (!file) {
        throw new ModelLoadError(
          `${files.onnx.name} keeps its weights in a separate external data file, ${name}, which was not among the files picked. Pick or drop ${name} together with ${files.onnx.name} and tokenizer.json.`,
          'not-found',
        );
      }
      found.set(location, new Uint8Array(file.bytes));
    }
    return found;
  };
  return {
    label: describeSource({ kind: 'files', files }),
    baseUrl: null,
    onnxBytes: new Uint8Array(files.onnx.bytes),
    onnxFile: files.onnx.name,
    tokenizer: new ModelTokenizer(decoder.decode(tokenizerBytes), text(files.tokenizerConfig)),
    tokenizerBytes,
    smallFileBytes: (files.config?.bytes.byteLength ?? 0) + (files.tokenizerConfig?.bytes.byteLength ?? 0),
    config: parseModelConfig(text(files.config)),
    readExternalData,
  };
}
