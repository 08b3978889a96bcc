import * as Comlink from 'comlink';
import type { AttentionDisplayOptions } from '../core/engine/attention-view';
import type { LoadOptions } from '../core/engine/playground-engine';
import type { ModelInfo } from '../core/engine/model-info';
import type { ProgressCallback } from '../core/model/progress';
import type { ModelSource } from '../core/model/sources';
import type { PlaygroundWorkerApi } from './worker-api';

export class WorkerRestartedError extends Error {
  constructor(reason: string) {
    super(`The model worker stopped (${reason}) and was restarted; your inputs are kept. Run it again.`);
    this.name = 'WorkerRestartedError';
  }
}

export type WorkerEvent =
  | { type: 'restarted'; reason: string }
  | { type: 'reloaded'; info: ModelInfo }
  | { type: 'reload-failed'; message: string };

interface PendingCall {
  reject: (error: Error) => void;
}

/** How long a cancelled call may take to notice before the worker is terminated and restarted. */
const HARD_CANCEL_AFTER_MS = 3000;

/**
 * The UI's only door to the model worker. It restarts a crashed or terminated worker, reloads the
 * last model into the new one, and turns pending calls into a clear WorkerRestartedError.
 */
export class PlaygroundClient {
  private worker!: Worker;
  private api!: Comlink.Remote<PlaygroundWorkerApi>;
  private readonly pending = new Set<PendingCall>();
  private readonly listeners = new Set<(event: WorkerEvent) => void>();
  private lastLoad: { source: ModelSource; options: LoadOptions } | null = null;
  private jobCounter = 0;

  constructor(private readonly createWorker: () => Worker = defaultWorker) {
    this.start();
  }

  on(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  newJobId(prefix = 'job'): string {
    return `${prefix}-${++this.jobCounter}`;
  }

  async load(source: ModelSource, options: LoadOptions, onProgress?: ProgressCallback, jobId?: string): Promise<ModelInfo> {
    const info = await this.call((api) => api.load(source, options, onProgress ? Comlink.proxy(onProgress) : undefined, jobId));
    this.lastLoad = { source, options };
    return info;
  }

  attention(text: string, pair: string | null, display: AttentionDisplayOptions, jobId?: string) {
    return this.call((api) => api.attention(text, pair, display, jobId));
  }

  tokenize(text: string, pair: string | null) {
    return this.call((api) => api.tokenize(text, pair));
  }

  cachedModels() {
    return this.call((api) => api.cachedModels());
  }

  deleteCachedModel(baseUrl: string) {
    return this.call((api) => api.deleteCachedModel(baseUrl));
  }

  /** Asks the worker to stop a job; if it has not stopped soon, the worker is restarted. */
  async cancel(jobId: string): Promise<void> {
    const stillRunning = this.pending.size > 0;
    void this.api.cancel(jobId).catch(() => undefined);
    if (!stillRunning) return;
    const settled = await Promise.race([
      this.api.ping().then(() => true, () => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), HARD_CANCEL_AFTER_MS)),
    ]);
    if (!settled) this.restart('a cancelled job did not stop in time');
  }

  /** Terminates the worker (e.g. a stuck job) and starts a fresh one with the last model. */
  restart(reason: string): void {
    this.worker.terminate();
    for (const call of this.pending) call.reject(new WorkerRestartedError(reason));
    this.pending.clear();
    this.start();
    this.emit({ type: 'restarted', reason });
    void this.reloadLastModel();
  }

  private async reloadLastModel(): Promise<void> {
    if (!this.lastLoad) return;
    try {
      const info = await this.load(this.lastLoad.source, this.lastLoad.options);
      this.emit({ type: 'reloaded', info });
    } catch (error) {
      this.emit({ type: 'reload-failed', message: (error as Error).message });
    }
  }

  private start(): void {
    this.worker = this.createWorker();
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.restart(event.message ? `error: ${event.message}` : 'it crashed');
    });
    this.worker.addEventListener('messageerror', () => this.restart('a message could not be read'));
    this.api = Comlink.wrap<PlaygroundWorkerApi>(this.worker);
  }

  private async call<T>(invoke: (api: Comlink.Remote<PlaygroundWorkerApi>) => Promise<T>): Promise<T> {
    let entry!: PendingCall;
    const crashed = new Promise<never>((_, reject) => {
      entry = { reject };
    });
    this.pending.add(entry);
    try {
      return await Promise.race([invoke(this.api), crashed]);
    } finally {
      this.pending.delete(entry);
    }
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('./playground.worker.ts', import.meta.url), { type: 'module', name: 'playground-model-worker' });
}
