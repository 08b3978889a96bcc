import * as Comlink from 'comlink';
import type { ModelInfo } from '../core/contracts/model';
import type { ModelSource } from '../core/model/sources';
import { isOutOfMemoryError } from '../core/engine/model/model-memory';
import type { LoadOptions } from '../core/engine/playground-engine';
import type { WorkerLifelineApi } from './lifeline';
import type { PlaygroundWorkerApi } from './worker-api';

type WorkerApi = PlaygroundWorkerApi & WorkerLifelineApi;

/** The worker operations the page calls; `cancel` is the client's own (see PlaygroundClient.cancel). */
export type WorkerOp = Exclude<keyof PlaygroundWorkerApi, 'cancel'>;
type OpArgs<K extends WorkerOp> = Parameters<PlaygroundWorkerApi[K]>;
/**
 * An operation as the page calls it: the facade's parameters (callbacks are proxied on the way) and one
 * promise of its result. Comlink's Remote type would spread a union result over Promise.
 */
export type WorkerCall<K extends WorkerOp> = (
  ...args: OpArgs<K>
) => Promise<Awaited<ReturnType<PlaygroundWorkerApi[K]>>>;

type IsJobId<T> = [T] extends [string | undefined] ? ([string | undefined] extends [T] ? true : false) : false;
/** The position of an operation's optional `jobId?: string` parameter (never when it takes none). */
type JobIdAt<A extends unknown[]> = Exclude<
  { [I in keyof A]: IsJobId<A[I]> extends true ? (I extends `${infer N extends number}` ? N : never) : never }[number],
  undefined
>;
/** An operation with a job id must say where it is, and the compiler checks the position against its type. */
type JobIdArgument<K extends WorkerOp> = [JobIdAt<OpArgs<K>>] extends [never] ? [] : [jobIdAt: JobIdAt<OpArgs<K>>];
/** Every operation of the facade, as the client offers it (an operation added there must be added here). */
type WorkerCalls = { [K in WorkerOp]: WorkerCall<K> };

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
export class PlaygroundClient implements WorkerCalls {
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

  async load(...args: OpArgs<'load'>): Promise<ModelInfo> {
    const [source, options, , jobId] = args;
    const info = await this.call((api) => api.load(...proxied(args)), jobId, false);
    this.lastLoad = { source, options };
    return info;
  }

  // Every other operation as the worker facade types it; the number is the position of its job id.
  readonly attention = this.op('attention', 3);
  readonly mcAttention = this.op('mcAttention', 2);
  readonly analogySpaces = this.op('analogySpaces');
  readonly analogy = this.op('analogy', 4);
  readonly neighbours = this.op('neighbours', 4);
  readonly evaluateAnalogyFile = this.op('evaluateAnalogyFile', 4);
  /** A dropped word2vec / GloVe text file; a File crosses to the worker by structured clone and is streamed there. */
  readonly loadWordVectors = this.op('loadWordVectors', 3);
  readonly predict = this.op('predict', 3);
  readonly continue = this.op('continue', 3);
  readonly predictBatch = this.op('predictBatch', 4);
  /** Calibration on the user's text: every word piece predicted with dropout off and with MC dropout. */
  readonly calibrate = this.op('calibrate', 2);
  readonly tokenize = this.op('tokenize');
  readonly readBatchInputs = this.op('readBatchInputs');
  /** Parses labeled data in the worker (large pastes and files never block the page). */
  readonly parseLabeledData = this.op('parseLabeledData', 2);
  readonly parseLabeledFile = this.op('parseLabeledFile', 2);
  /** Rows travel packed (one NUL-joined string, label ids): see PackedRows. */
  readonly auditLabels = this.op('auditLabels', 3);
  /** Trains heads on the rows' embeddings in the worker, every epoch reported (see HeadTrainingProgress). */
  readonly trainHeads = this.op('trainHeads', 3);
  /** Holds a running job that can pause (head training) at its next epoch, or lets it go on. */
  readonly pause = this.op('pause');
  readonly clearEmbeddingCache = this.op('clearEmbeddingCache');
  readonly cachedModels = this.op('cachedModels');
  readonly deleteCachedModel = this.op('deleteCachedModel');
  /** Downloads a built-in model into the built-in cache without loading it, for offline use. */
  readonly keepBuiltin = this.op('keepBuiltin');

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

  /** A worker operation sent through `call`, tracked under its job id (when it takes one) for `cancel`. */
  private op<K extends WorkerOp>(name: K, ...[jobIdAt]: JobIdArgument<K>): WorkerCall<K> {
    return (...args) => {
      const send = (api: Comlink.Remote<WorkerApi>) => (api[name] as unknown as WorkerCall<K>)(...proxied(args));
      return this.call(send, jobIdAt === undefined ? undefined : (args[jobIdAt] as string | undefined));
    };
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

/** Callbacks (progress reports) cannot be cloned: they cross as comlink proxies the worker calls back. */
function proxied<A extends readonly unknown[]>(args: A): A {
  return args.map((arg) => (typeof arg === 'function' ? Comlink.proxy(arg) : arg)) as unknown as A;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./playground.worker.ts', import.meta.url), {
    type: 'module',
    name: 'playground-model-worker',
  });
}
