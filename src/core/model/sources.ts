/**
 * Where a model comes from. Every source resolves to the same Hugging Face repo layout
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), so the embedded default
 * model is loaded exactly like a Hub repo or a folder URL.
 */
export type ModelSource =
  | { kind: 'embedded'; name: string; onnxFile?: string }
  | { kind: 'hub'; repo: string; revision?: string; host?: string; onnxFile?: string }
  // onnxFile: the .onnx chosen among the folder's variants (onnx-variants.ts), a name in its onnx/ folder;
  // absent, the ONNX_CANDIDATES are tried.
  | { kind: 'url'; url: string; onnxFile?: string }
  | { kind: 'files'; files: LocalModelFiles };

/** A local file's bytes (as tests and Node callers give them). */
export interface LocalFileBytes {
  name: string;
  bytes: ArrayBuffer;
}

/** A file the user picked, as its handle: it is read where the model loads (the worker), never on the page. */
export interface LocalFileHandle {
  name: string;
  file: Blob;
}

export type LocalFile = LocalFileBytes | LocalFileHandle;

export interface LocalModelFiles<F extends LocalFile = LocalFile> {
  onnx: F;
  tokenizer?: F;
  tokenizerConfig?: F;
  config?: F;
  /** Files picked with the .onnx that may hold its ONNX external data (model.onnx_data), matched by name. */
  externalData?: F[];
}

export const DEFAULT_HUB_HOST = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';
export const EMBEDDED_MODELS_PATH = 'models/';

export const MODEL_FILES = {
  onnx: 'onnx/model.onnx',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  config: 'config.json',
} as const;

export type ModelFileRole = keyof typeof MODEL_FILES;

/**
 * The .onnx files a hub repo or folder URL is tried for, in this order (the first that exists is loaded):
 * - onnx/model.onnx: encoders, and decoders as current optimum / Transformers.js exports write them
 *   (one graph with past_key_values inputs that also runs with an empty past);
 * - onnx/decoder_model_merged.onnx: decoders exported with both paths in one file (If on use_cache_branch);
 * - onnx/decoder_model.onnx: older decoder exports (with or without cache inputs); also the decoder half of an
 *   encoder–decoder export, which is refused once its graph (or config.json) shows what it is.
 * Precision variants (model_quantized.onnx, model_fp16.onnx, …) are loaded when chosen (source.onnxFile), never tried.
 */
export const ONNX_CANDIDATES = [MODEL_FILES.onnx, 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model.onnx'] as const;

const HUB_REPO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** A folder URL ending in "/" that the model files resolve against. */
export function modelBaseUrl(source: Exclude<ModelSource, { kind: 'files' }>, appBase: string): string {
  switch (source.kind) {
    case 'embedded':
      if (!/^[A-Za-z0-9._-]+$/.test(source.name))
        throw new Error(`"${source.name}" is not a valid embedded model name.`);
      return new URL(`${EMBEDDED_MODELS_PATH}${source.name}/`, appBase).href;
    case 'hub': {
      const repo = source.repo.trim();
      if (!HUB_REPO_PATTERN.test(repo)) {
        throw new Error(
          `"${source.repo}" is not a Hugging Face repo id (expected "owner/name", letters, digits, . _ -).`,
        );
      }
      const host = (source.host ?? DEFAULT_HUB_HOST).replace(/\/+$/, '');
      const revision = encodeURIComponent(source.revision?.trim() || DEFAULT_REVISION);
      return `${host}/${repo}/resolve/${revision}/`;
    }
    case 'url': {
      let url: URL;
      try {
        url = new URL(source.url.trim(), appBase);
      } catch {
        throw new Error(`"${source.url}" is not a valid URL.`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`Only http(s) URLs can be loaded, not ${url.protocol}`);
      // A pasted link to one of the .onnx files (any variant) means its repo folder.
      url.pathname = url.pathname.replace(/\/onnx\/[\w.-]+\.onnx$/, '/');
      if (!url.pathname.endsWith('/')) url.pathname += '/';
      url.search = '';
      url.hash = '';
      return url.href;
    }
  }
}

export function describeSource(source: ModelSource): string {
  switch (source.kind) {
    case 'embedded':
      return `${source.name} (built in)${chosenFile(source)}`;
    case 'hub':
      return `${source.repo}${source.revision && source.revision !== DEFAULT_REVISION ? `@${source.revision}` : ''}${chosenFile(source)}`;
    case 'url':
      return `${source.url}${chosenFile(source)}`;
    case 'files':
      return source.files.onnx.name;
  }
}

const chosenFile = (source: { onnxFile?: string }) => (source.onnxFile ? ` · ${source.onnxFile}` : '');
