/**
 * The engine's model slot: which model is loaded and how it got there. Picked files are read here (in the worker)
 * and refused by their size before reading; a download that cannot be used, or was not kept whole, is removed from
 * the model cache again; the built-in models are kept for offline use. The job registry every operation runs
 * under is here too. PlaygroundEngine adds the tools' operations on the loaded model.
 */
import { loadModelFiles, type LoadFilesOptions } from '../../model/load';
import {
  BUILTIN_MODEL_CACHE_NAME,
  deleteCachedModel,
  listCachedModels,
  type CacheStorageLike,
  type CachedModel,
} from '../../model/model-cache';
import { notKeptMessage, type NotKept, type StorageEstimator } from '../../model/storage-room';
import { keepBuiltinModel, type BuiltinFile, type KeptBuiltin } from '../../model/keep-builtin';
import type { ProgressCallback } from '../../model/progress';
import { modelBaseUrl, type ModelSource } from '../../model/sources';
import { ModelLoadError } from '../../model/errors';
import { configureWasm, type ExecutionProviderChoice, type RuntimeEnvironment } from '../../runtime/execution-provider';
import type { ModelInfo } from '../../contracts/model';
import type { EmbeddingCache } from './embedding-cache';
import { JobRegistry } from './jobs';
import { checkLocalFilesFit, isOutOfMemoryError, memoryError, refuseTooLargeDownload } from './model-memory';
import { prepareModel, type PreparedModel } from './prepare-model';

export interface EngineOptions {
  appBase: string;
  environment: RuntimeEnvironment;
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
  /** Remembers sentence embeddings across runs and reloads (the worker gives an IndexedDB one). */
  embeddingCache?: EmbeddingCache;
  /** The site's storage quota (navigator.storage), checked before a download is kept for offline use. */
  storage?: StorageEstimator;
}

export interface LoadOptions {
  executionProvider: ExecutionProviderChoice;
  threads?: number;
}

export class ModelHost {
  protected model: PreparedModel | null = null;
  protected readonly jobs = new JobRegistry();

  constructor(protected readonly options: EngineOptions) {}

  /** Loads a model; the previously loaded one stays in use until the new one is ready. */
  async load(
    source: ModelSource,
    loadOptions: LoadOptions,
    onProgress?: ProgressCallback,
    jobId?: string,
  ): Promise<ModelInfo> {
    const threads = configureWasm(this.options.environment, loadOptions.threads);
    return this.jobs.run(jobId, async (signal) => {
      const notKept: NotKept[] = [];
      const fileOptions: LoadFilesOptions = {
        appBase: this.options.appBase,
        onProgress,
        signal,
        cacheStorage: this.options.cacheStorage,
        fetchImpl: this.options.fetchImpl,
        storage: this.options.storage,
        onNotKept: (file) => notKept.push(file),
        checkSize: (file, bytes) => refuseTooLargeDownload(file, bytes),
      };
      // Picked files come as handles and are read here, in the worker: too big is refused before reading.
      if (source.kind === 'files') checkLocalFilesFit(source.files);
      let prepared: PreparedModel;
      try {
        const files = await loadModelFiles(source, fileOptions).catch((error: unknown) => {
          if (source.kind === 'files' && isOutOfMemoryError(error))
            throw memoryError(source.files.onnx.name, `could not be read into memory (${(error as Error).message}).`);
          throw error;
        });
        prepared = await prepareModel(files, loadOptions.executionProvider, threads, signal);
      } catch (error) {
        await this.forgetRefusedDownload(source, error);
        throw error;
      }
      if (notKept.length > 0) await this.forgetPartialCopy(source, prepared, notKept);
      const previous = this.model;
      this.model = prepared;
      await this.modelReplaced();
      await previous?.release();
      return prepared.info;
    });
  }

  /**
   * A downloaded model that cannot be used (not found, not ONNX, mismatched, unsupported, too big) is
   * not kept in the "Cached models" list: the files that did arrive are removed again. A broken
   * connection or a cancel keeps them, so the next try resumes instead of starting over.
   */
  private async forgetRefusedDownload(source: ModelSource, error: unknown): Promise<void> {
    const cacheStorage = this.options.cacheStorage;
    if (!cacheStorage || (source.kind !== 'hub' && source.kind !== 'url')) return;
    if (!(error instanceof ModelLoadError) || error.kind === 'network' || error.kind === 'cancelled') return;
    try {
      await deleteCachedModel(cacheStorage, modelBaseUrl(source, this.options.appBase));
    } catch {
      // Nothing was cached under an address that cannot be formed, and a failed delete changes nothing.
    }
  }

  /**
   * A model that runs but was not kept whole for offline use (no room, or a write refused): the files that
   * were kept are removed, so "Cached models" never lists a part of it, and the page is told why.
   */
  private async forgetPartialCopy(source: ModelSource, prepared: PreparedModel, notKept: NotKept[]): Promise<void> {
    const cacheStorage = this.options.cacheStorage;
    if (cacheStorage && source.kind !== 'files') {
      const cacheName = source.kind === 'embedded' ? BUILTIN_MODEL_CACHE_NAME : undefined;
      try {
        await deleteCachedModel(cacheStorage, modelBaseUrl(source, this.options.appBase), cacheName);
      } catch {
        // A failed delete leaves a folder without its .onnx, which the list does not show.
      }
    }
    const largest = notKept.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    prepared.info.notKeptOffline = notKeptMessage(prepared.info.label, prepared.info.sizeBytes, largest);
  }

  /**
   * Downloads a built-in model's files into the app's built-in cache without loading it (the page asks once
   * it is idle after a first visit), so every built-in model works offline. Already kept: nothing is fetched.
   */
  keepBuiltin(name: string, files: readonly BuiltinFile[]): Promise<KeptBuiltin> {
    return keepBuiltinModel(name, files, {
      appBase: this.options.appBase,
      cacheStorage: this.options.cacheStorage,
      fetchImpl: this.options.fetchImpl,
      storage: this.options.storage,
    });
  }

  /**
   * Called when a new model has taken the slot, before the previous one is released: what was built for the
   * previous model is let go here.
   */
  protected async modelReplaced(): Promise<void> {}

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId);
  }

  info(): ModelInfo | null {
    return this.model?.info ?? null;
  }

  async cachedModels(): Promise<CachedModel[]> {
    return this.options.cacheStorage ? listCachedModels(this.options.cacheStorage) : [];
  }

  async deleteCachedModel(baseUrl: string): Promise<number> {
    return this.options.cacheStorage ? deleteCachedModel(this.options.cacheStorage, baseUrl) : 0;
  }

  protected requireModel(): PreparedModel {
    if (!this.model) throw new Error('No model is loaded yet.');
    return this.model;
  }
}
