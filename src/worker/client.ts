import * as Comlink from 'comlink';
import type { AttentionDisplayOptions, McAttentionRequest } from '../core/contracts/attention';
import type { AnalogyProgressCallback, AnalogySpaceId } from '../core/contracts/analogy';
import type { AnalogyEvaluationOptions, AnalogyNeighbourOptions, AnalogyQueryOptions } from '../core/contracts/analogy';
import type { LabelAuditProgress, LabelAuditSettings } from '../core/contracts/labels';
import type { PackedRows } from '../core/contracts/labels';
import type { HeadTrainingProgress, HeadTrainingRequest } from '../core/contracts/head';
import type { CalibrationProgressCallback, CalibrationRequest } from '../core/contracts/calibration';
import type { ParseLabeledTextOptions } from '../core/labels';
import type { LoadOptions } from '../core/engine/playground-engine';
import type {
  ContinuationProgress,
  ContinuationRequest,
  McDropoutSettings,
  McHeadChoice,
  McPredictRequest,
  McProgressCallback,
  McTask,
} from '../core/contracts/uncertainty';
import type { ModelInfo } from '../core/contracts/model';
import type { ProgressCallback } from '../core/model/progress';
import type { BuiltinFile, KeptBuiltin } from '../core/model/keep-builtin';
import type { ModelSource } from '../core/model/sources';
import { isOutOfMemoryError } from '../core/engine/model/model-memory';
import type { WorkerLifelineApi } from './lifeline';
import type { PlaygroundWorkerApi } from './worker-api';

type WorkerApi = PlaygroundWorkerApi & WorkerLifelineApi;

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
  jobId: string | undefined;
  reject: (error: Error) => void;
  settled: Promise<unknown>;
}

/** How long a cancelled call may take to notice before the worker is terminated and restarted. */
const HARD_CANCEL_AFTER_MS = 3000;

/** The restart reason for a worker that ended without an error event (e.g. self.close()). */
export const SILENT_END_REASON = 'it ended unexpectedly';

/**
 * The UI's only door to the model worker. It restarts a crashed or terminated worker, reloads the
 * last model into the new one, and turns pending calls into a clear WorkerRestartedError.
 *
 * A worker can end with no error event (self.close(), the browser killing its thread), and then
 * every pending call would wait forever. A heartbeat cannot tell that apart from a worker busy in
 * a long synchronous step (cross-validation, a big run): neither answers a ping, and a deadline
 * long enough for every step would also be too late to help. So the client waits on the worker's
 * Web Lock instead (see lifeline.ts): the lock is granted to the page exactly when the worker's
 * context is gone, without any timer, and a busy worker keeps holding it. Where Web Locks are
 * missing (insecure origins), only the Cancel button's hard cancel recovers from a silent end.
 */
export class PlaygroundClient {
  private worker!: Worker;
  private api!: Comlink.Remote<WorkerApi>;
  /** Stops waiting for the current worker's end; called before it is replaced on purpose. */
  private stopWatchingWorker: () => void = () => undefined;
  private readonly pending = new Set<PendingCall>();
  private readonly listeners = new Set<(event: WorkerEvent) => void>();
  private lastLoad: { source: ModelSource; options: LoadOptions } | null = null;
  private jobCounter = 0;
  /** While the model is loaded again after a restart: settles when that is done. */
  private reloading: Promise<void> | null = null;

  constructor(private readonly createWorker: () => Worker = defaultWorker) {
    this.start();
    // End-to-end tests terminate the worker mid-run through this hook; it exists only when a test
    // defined the hooks object before the app started (Playwright's addInitScript), never otherwise.
    const hooks = (globalThis as { __playgroundTestHooks?: Record<string, unknown> }).__playgroundTestHooks;
    if (hooks && typeof hooks === 'object')
      hooks.terminateWorker = (reason = 'it was terminated') => this.restart(String(reason));
  }

  on(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  newJobId(prefix = 'job'): string {
    return `${prefix}-${++this.jobCounter}`;
  }

  async load(
    source: ModelSource,
    options: LoadOptions,
    onProgress?: ProgressCallback,
    jobId?: string,
  ): Promise<ModelInfo> {
    const info = await this.call(
      (api) => api.load(source, options, onProgress ? Comlink.proxy(onProgress) : undefined, jobId),
      jobId,
      false,
    );
    this.lastLoad = { source, options };
    return info;
  }

  attention(text: string, pair: string | null, display: AttentionDisplayOptions, jobId?: string) {
    return this.call((api) => api.attention(text, pair, display, jobId), jobId);
  }

  mcAttention(request: McAttentionRequest, onProgress?: McProgressCallback, jobId?: string) {
    return this.call(
      (api) => api.mcAttention(request, onProgress ? Comlink.proxy(onProgress) : undefined, jobId),
      jobId,
    );
  }

  analogySpaces() {
    return this.call((api) => api.analogySpaces());
  }

  analogy(
    spaces: AnalogySpaceId[],
    words: { a: string; b: string; c: string },
    options: AnalogyQueryOptions,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ) {
    return this.call((api) => api.analogy(spaces, words, options, proxied(onProgress), jobId), jobId);
  }

  neighbours(
    spaces: AnalogySpaceId[],
    word: string,
    options: AnalogyNeighbourOptions,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ) {
    return this.call((api) => api.neighbours(spaces, word, options, proxied(onProgress), jobId), jobId);
  }

  evaluateAnalogyFile(
    text: string,
    spaces: AnalogySpaceId[],
    options: AnalogyEvaluationOptions,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ) {
    return this.call((api) => api.evaluateAnalogyFile(text, spaces, options, proxied(onProgress), jobId), jobId);
  }

  /** A dropped word2vec / GloVe text file; a File crosses to the worker by structured clone and is streamed there. */
  loadWordVectors(source: string | Blob, name: string, onProgress?: AnalogyProgressCallback, jobId?: string) {
    return this.call((api) => api.loadWordVectors(source, name, proxied(onProgress), jobId), jobId);
  }

  predict(request: McPredictRequest, settings: McDropoutSettings, onProgress?: McProgressCallback, jobId?: string) {
    return this.call(
      (api) => api.predict(request, settings, onProgress ? Comlink.proxy(onProgress) : undefined, jobId),
      jobId,
    );
  }

  continue(
    request: ContinuationRequest,
    settings: McDropoutSettings,
    onProgress?: (progress: ContinuationProgress) => void,
    jobId?: string,
  ) {
    return this.call(
      (api) => api.continue(request, settings, onProgress ? Comlink.proxy(onProgress) : undefined, jobId),
      jobId,
    );
  }

  predictBatch(
    texts: string[],
    task: McTask,
    settings: McDropoutSettings,
    onProgress?: McProgressCallback,
    jobId?: string,
    head?: McHeadChoice,
  ) {
    return this.call(
      (api) => api.predictBatch(texts, task, settings, onProgress ? Comlink.proxy(onProgress) : undefined, jobId, head),
      jobId,
    );
  }

  /** Calibration on the user's text: every word piece predicted with dropout off and with MC dropout. */
  calibrate(request: CalibrationRequest, onProgress?: CalibrationProgressCallback, jobId?: string) {
    return this.call((api) => api.calibrate(request, onProgress ? Comlink.proxy(onProgress) : undefined, jobId), jobId);
  }

  tokenize(text: string, pair: string | null) {
    return this.call((api) => api.tokenize(text, pair));
  }

  /** Parses labeled data in the worker (large pastes and files never block the page). */
  parseLabeledData(input: string | Uint8Array, options: ParseLabeledTextOptions, jobId?: string) {
    return this.call((api) => api.parseLabeledData(input, options), jobId);
  }

  /** Rows travel packed (one NUL-joined string, label ids): see PackedRows. */
  auditLabels(
    rows: PackedRows,
    settings: Partial<LabelAuditSettings>,
    onProgress?: (progress: LabelAuditProgress) => void,
    jobId?: string,
  ) {
    return this.call(
      (api) => api.auditLabels(rows, settings, onProgress ? Comlink.proxy(onProgress) : undefined, jobId),
      jobId,
    );
  }

  /** Trains heads on the rows' embeddings in the worker, every epoch reported (see HeadTrainingProgress). */
  trainHeads(
    rows: PackedRows,
    request: HeadTrainingRequest,
    onProgress?: (progress: HeadTrainingProgress) => void,
    jobId?: string,
  ) {
    return this.call((api) => api.trainHeads(rows, request, proxied(onProgress), jobId), jobId);
  }

  /** Holds a running job that can pause (head training) at its next epoch, or lets it go on. */
  pause(jobId: string, paused: boolean) {
    return this.call((api) => api.pause(jobId, paused));
  }

  clearEmbeddingCache() {
    return this.call((api) => api.clearEmbeddingCache());
  }

  cachedModels() {
    return this.call((api) => api.cachedModels());
  }

  deleteCachedModel(baseUrl: string) {
    return this.call((api) => api.deleteCachedModel(baseUrl));
  }

  /** Downloads a built-in model into the built-in cache without loading it, for offline use. */
  keepBuiltin(name: string, files: BuiltinFile[]): Promise<KeptBuiltin> {
    // Comlink's Remote type spreads a union result over Promise; it is one KeptBuiltin.
    return this.call((api) => api.keepBuiltin(name, files) as Promise<KeptBuiltin>);
  }

  /**
   * Asks the worker to stop a job. A superseded job is simply abandoned; when the user pressed
   * Cancel (`hard`), a job that has not stopped within a few seconds (stuck in a long synchronous
   * step) gets the worker restarted.
   */
  async cancel(jobId: string, options: { hard?: boolean } = {}): Promise<void> {
    void this.api.cancel(jobId).catch(() => undefined);
    const running = [...this.pending].find((call) => call.jobId === jobId);
    if (!running || !options.hard) return;
    const stopped = await Promise.race([
      running.settled.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), HARD_CANCEL_AFTER_MS)),
    ]);
    if (!stopped && this.pending.has(running)) this.restart('a cancelled job did not stop in time');
  }

  /** Terminates the worker (e.g. a stuck job) and starts a fresh one with the last model. */
  restart(reason: string): void {
    this.replaceWorker(new WorkerRestartedError(reason));
    this.emit({ type: 'restarted', reason });
    const reload = this.reloadLastModel();
    // Calls made while the model is loaded again wait for it: the new worker has no model before.
    const reloading = reload.then(
      () => undefined,
      () => undefined,
    );
    this.reloading = reloading;
    void reloading.then(() => {
      if (this.reloading === reloading) this.reloading = null;
    });
    void reload.then(
      (info) => info && this.emit({ type: 'reloaded', info }),
      (error: Error) => this.emit({ type: 'reload-failed', message: error.message }),
    );
  }

  /**
   * A fresh worker with no model, used before switching execution provider: onnxruntime-web keeps
   * one WASM instance per worker, and creating a WASM session beside live WebGPU ones can fail.
   */
  reset(): void {
    this.replaceWorker(new Error('The model worker was reset.'));
  }

  /** Loads the last successfully loaded model again (after a restart, or a failed load after reset). */
  async reloadLastModel(): Promise<ModelInfo | null> {
    return this.lastLoad ? this.load(this.lastLoad.source, this.lastLoad.options) : null;
  }

  private replaceWorker(reason: Error): void {
    this.stopWatchingWorker();
    this.worker.terminate();
    for (const call of this.pending) call.reject(reason);
    this.pending.clear();
    this.start();
  }

  private start(): void {
    const worker = this.createWorker();
    this.worker = worker;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.restart(crashReason(event.message));
    });
    worker.addEventListener('messageerror', () => this.restart('a message could not be read'));
    this.api = Comlink.wrap<WorkerApi>(worker);
    this.watchForSilentEnd(worker, this.api);
  }

  /** Restarts the worker when its lifeline lock is released, unless the client replaced it itself. */
  private watchForSilentEnd(worker: Worker, api: Comlink.Remote<WorkerApi>): void {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks) return;
    const watching = new AbortController();
    this.stopWatchingWorker = () => watching.abort();
    const ended = () => {
      if (this.worker === worker && !watching.signal.aborted) this.restart(SILENT_END_REASON);
    };
    void api
      .holdLifeline()
      .then((name) =>
        name && !watching.signal.aborted ? locks.request(name, { signal: watching.signal }, ended) : undefined,
      )
      // An aborted wait (the client replaced the worker) or a worker without a lifeline: nothing to watch.
      .catch(() => undefined);
  }

  private async call<T>(
    invoke: (api: Comlink.Remote<WorkerApi>) => Promise<T>,
    jobId?: string,
    afterReload = true,
  ): Promise<T> {
    if (afterReload && this.reloading) await this.reloading;
    let reject!: (error: Error) => void;
    const crashed = new Promise<never>((_, rejectCall) => {
      reject = rejectCall;
    });
    const work = invoke(this.api);
    const entry: PendingCall = { jobId, reject, settled: work };
    this.pending.add(entry);
    try {
      return await Promise.race([work, crashed]);
    } finally {
      this.pending.delete(entry);
    }
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The reason shown for a worker that died on an uncaught error; running out of memory is said plainly. */
export function crashReason(message: string | undefined): string {
  if (!message) return 'it crashed';
  return isOutOfMemoryError(message) ? `it ran out of memory: ${message}` : `error: ${message}`;
}

function proxied<T extends (...args: never[]) => unknown>(
  callback: T | undefined,
): (T & Comlink.ProxyMarked) | undefined {
  return callback ? Comlink.proxy(callback) : undefined;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./playground.worker.ts', import.meta.url), {
    type: 'module',
    name: 'playground-model-worker',
  });
}
