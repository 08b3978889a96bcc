import type { ModelInfo } from '../core/contracts/model';
import type { CachedModel } from '../core/model/model-cache';
import { ProgressAggregator } from '../core/model/progress';
import type { ModelSource } from '../core/model/sources';
import type { ExecutionProviderChoice } from '../core/runtime/execution-provider';
import { PlaygroundClient } from '../worker/client';
import { readPersisted, writePersisted } from './persisted';

export interface EmbeddedModelEntry {
  name: string;
  bytes: number;
}

export interface LoadProgress {
  loaded: number;
  total: number | null;
  fraction: number | null;
  file: string;
  stage: 'download' | 'prepare';
}

type RememberedSource = Exclude<ModelSource, { kind: 'files' }>;

const MODEL_KEY = 'model-choice';

/** The loaded model and everything about loading one, shared by every tool. */
export class ModelStore {
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  info = $state<ModelInfo | null>(null);
  progress = $state<LoadProgress | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  executionProvider = $state<ExecutionProviderChoice>('auto');
  embedded = $state<EmbeddedModelEntry[]>([]);
  cached = $state<CachedModel[]>([]);
  /** Where the loaded model came from; null for local files (they cannot be shared or reloaded). */
  source = $state<RememberedSource | null>(null);
  /** Bumped every time a model finishes loading, so tools can rerun on a new model. */
  generation = $state(0);

  private loadJob: string | null = null;
  /** The execution-provider choice the worker's current model was loaded with. */
  private loadedWith: ExecutionProviderChoice | null = null;

  constructor(readonly client: PlaygroundClient) {
    client.on((event) => {
      if (event.type === 'restarted')
        this.notice = `The model worker stopped (${event.reason}) and was restarted. Your inputs are kept.`;
      if (event.type === 'reloaded') {
        this.info = event.info;
        this.status = 'ready';
        this.generation++;
      }
      if (event.type === 'reload-failed') this.error = `Reloading the model after the restart failed: ${event.message}`;
    });
    const remembered = readPersisted<{ source: RememberedSource; executionProvider: ExecutionProviderChoice }>(
      MODEL_KEY,
    );
    if (remembered) this.executionProvider = remembered.executionProvider;
  }

  /** Loads the remembered model, else the first embedded one. */
  async start(): Promise<void> {
    await this.refreshEmbedded();
    const remembered = readPersisted<{ source: RememberedSource }>(MODEL_KEY);
    const fallback: RememberedSource | null = this.embedded[0]
      ? { kind: 'embedded', name: this.embedded[0].name }
      : null;
    const source = remembered?.source ?? fallback;
    if (source) await this.load(source);
    void this.refreshCached();
  }

  async load(source: ModelSource): Promise<boolean> {
    if (this.loadJob) void this.client.cancel(this.loadJob);
    const jobId = this.client.newJobId('load');
    this.loadJob = jobId;
    this.status = 'loading';
    this.error = null;
    this.progress = { loaded: 0, total: null, fraction: null, file: '', stage: 'download' };
    const switchingProvider = this.loadedWith !== null && this.loadedWith !== this.executionProvider;
    if (switchingProvider) this.client.reset();
    const aggregator = new ProgressAggregator((overall) => {
      if (this.loadJob === jobId) this.progress = { ...overall, stage: 'download' };
    });
    try {
      const info = await this.client.load(
        source,
        { executionProvider: this.executionProvider },
        (event) => {
          aggregator.handle(event);
          if (
            event.file === 'onnx/model.onnx' &&
            (event.status === 'done' || event.status === 'cached') &&
            this.progress
          ) {
            this.progress = { ...this.progress, stage: 'prepare' };
          }
        },
        jobId,
      );
      if (this.loadJob !== jobId) return false;
      this.info = info;
      this.status = 'ready';
      this.loadedWith = this.executionProvider;
      this.source = source.kind === 'files' ? null : source;
      this.generation++;
      if (source.kind !== 'files') writePersisted(MODEL_KEY, { source, executionProvider: this.executionProvider });
      void this.refreshCached();
      return true;
    } catch (error) {
      if (this.loadJob !== jobId) return false;
      const message = (error as Error).message;
      this.error = /cancel/i.test(message) ? null : message;
      if (switchingProvider) await this.restorePreviousModel();
      // The previous model is still loaded in the worker: the tools keep working with it.
      this.status = this.info ? 'ready' : 'error';
      return false;
    } finally {
      if (this.loadJob === jobId) {
        this.loadJob = null;
        this.progress = null;
      }
    }
  }

  /** After a failed load in a fresh worker, the model the user had is loaded back. */
  private async restorePreviousModel(): Promise<void> {
    try {
      const info = await this.client.reloadLastModel();
      if (info) {
        this.info = info;
        this.generation++;
      }
    } catch (error) {
      this.error = `${this.error ?? ''}\nThe previous model could not be restored: ${(error as Error).message}`.trim();
      this.info = null;
    }
  }

  /** The user's Cancel: stops the download, restarting the worker if it does not stop. */
  async cancel(): Promise<void> {
    const jobId = this.loadJob;
    if (!jobId) return;
    this.loadJob = null;
    this.progress = null;
    this.status = this.info ? 'ready' : 'idle';
    await this.client.cancel(jobId, { hard: true });
  }

  setExecutionProvider(choice: ExecutionProviderChoice): void {
    this.executionProvider = choice;
  }

  async refreshEmbedded(): Promise<void> {
    try {
      const response = await fetch(new URL('models/index.json', document.baseURI));
      const manifest = (await response.json()) as { models: EmbeddedModelEntry[] };
      this.embedded = manifest.models;
    } catch {
      this.embedded = [];
    }
  }

  async refreshCached(): Promise<void> {
    try {
      this.cached = await this.client.cachedModels();
    } catch {
      this.cached = [];
    }
  }

  async deleteCached(baseUrl: string): Promise<void> {
    await this.client.deleteCachedModel(baseUrl);
    await this.refreshCached();
  }
}

export const modelStore = new ModelStore(new PlaygroundClient());
