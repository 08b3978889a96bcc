import { loadModelFiles, type LoadFilesOptions } from '../model/load';
import { deleteCachedModel, listCachedModels, type CacheStorageLike, type CachedModel } from '../model/model-cache';
import type { ProgressCallback } from '../model/progress';
import type { ModelSource } from '../model/sources';
import { configureWasm, type ExecutionProviderChoice, type RuntimeEnvironment } from '../runtime/execution-provider';
import { runAttention, type AttentionResult } from './attention-run';
import { buildAttentionView, type AttentionDisplayOptions, type AttentionView } from './attention-view';
import { JobRegistry } from './jobs';
import { prepareModel, type PreparedModel } from './prepare-model';
import type { ModelInfo } from './model-info';

export interface EngineOptions {
  appBase: string;
  environment: RuntimeEnvironment;
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
}

export interface LoadOptions {
  executionProvider: ExecutionProviderChoice;
  threads?: number;
}

/**
 * Everything the worker does, as plain async methods over src/core. The worker exposes one instance
 * through comlink; Node tests and benchmarks use it directly.
 */
export class PlaygroundEngine {
  private model: PreparedModel | null = null;
  private readonly jobs = new JobRegistry();
  private lastAttention: { model: PreparedModel; key: string; result: AttentionResult } | null = null;

  constructor(private readonly options: EngineOptions) {}

  /** Loads a model; the previously loaded one stays in use until the new one is ready. */
  async load(source: ModelSource, loadOptions: LoadOptions, onProgress?: ProgressCallback, jobId?: string): Promise<ModelInfo> {
    const threads = configureWasm(this.options.environment, loadOptions.threads);
    return this.jobs.run(jobId, async (signal) => {
      const fileOptions: LoadFilesOptions = {
        appBase: this.options.appBase,
        onProgress,
        signal,
        cacheStorage: this.options.cacheStorage,
        fetchImpl: this.options.fetchImpl,
      };
      const files = await loadModelFiles(source, fileOptions);
      const prepared = await prepareModel(files, loadOptions.executionProvider, threads, signal);
      const previous = this.model;
      this.model = prepared;
      await previous?.release();
      return prepared.info;
    });
  }

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId);
  }

  info(): ModelInfo | null {
    return this.model?.info ?? null;
  }

  tokenize(text: string, pair: string | null = null) {
    const model = this.requireModel();
    return model.tokenizer.encode(text, pair, model.info.maxPositions);
  }

  /**
   * Attention for a text (or pair) shaped for display. The raw run is kept, so flipping a display
   * toggle does not run the model again.
   */
  async attention(text: string, pair: string | null, display: AttentionDisplayOptions, jobId?: string): Promise<AttentionView> {
    const model = this.requireModel();
    return this.jobs.run(jobId, async (signal) => {
      const key = JSON.stringify([text, pair]);
      if (this.lastAttention?.model !== model || this.lastAttention.key !== key) {
        this.lastAttention = { model, key, result: await runAttention(model, text, pair, signal) };
      }
      return buildAttentionView(this.lastAttention.result, display);
    });
  }

  async cachedModels(): Promise<CachedModel[]> {
    return this.options.cacheStorage ? listCachedModels(this.options.cacheStorage) : [];
  }

  async deleteCachedModel(baseUrl: string): Promise<number> {
    return this.options.cacheStorage ? deleteCachedModel(this.options.cacheStorage, baseUrl) : 0;
  }

  private requireModel(): PreparedModel {
    if (!this.model) throw new Error('No model is loaded yet.');
    return this.model;
  }
}
