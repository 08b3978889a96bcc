/**
 * One long call to the model worker, with the lifecycle every store needs written once: running,
 * progress, the error to show, start (a new start supersedes the running one), cancel, "the latest
 * result wins" (a superseded or cancelled call's answer is dropped), and provenance: the model
 * generation that produced the result, so a result from an earlier model never passes for the
 * current one. Modelled on the svelte.dev REPL's token check: each start takes a fresh job id and only
 * the call holding the current id may write.
 */
import { isCancelled } from '../core/cancel';

/** What a Job needs of the worker client (PlaygroundClient, or a fake in tests). */
export interface JobClient {
  newJobId(prefix?: string): string;
  cancel(jobId: string, options?: { hard?: boolean }): Promise<void>;
}

export type JobOutcome<T> =
  | { status: 'done'; value: T }
  | { status: 'failed'; error: Error }
  /** Cancelled by the user (Cancel, or the worker restarted because a cancelled call did not stop). */
  | { status: 'cancelled'; error: Error | null }
  /** A later start, or a cancel that let go at once, took over: nothing of this call is kept. */
  | { status: 'superseded' };

export interface JobCall<P> {
  jobId: string;
  /** Progress from the worker; ignored once the call is no longer the current one. */
  onProgress: (progress: P) => void;
}

export interface StartOptions<T, P> {
  /** Progress to show before the first report (default none). */
  progress?: P | null;
  /** Clear the shown error when the call starts (default true); false keeps it until the call ends. */
  clearError?: boolean;
  /** Applied to the store while the call is still the current one, before `running` goes false. */
  apply?: (value: T) => void | Promise<void>;
  /** The message to show for a failure (default: the error's own message); null shows none. */
  describe?: (error: Error) => string | null;
}

export class Job<T, P = never> {
  running = $state(false);
  progress = $state.raw<P | null>(null);
  error = $state<string | null>(null);
  #latest = $state.raw<{ value: T; generation: number } | null>(null);
  #id: string | null = null;
  /** The id of a call the user cancelled but that is left to settle (cancel({ wait: true })). */
  #cancelled: string | null = null;

  constructor(
    private readonly client: JobClient,
    private readonly prefix: string,
    /** The current model generation (ModelStore.generation); results remember the one they came from. */
    private readonly generation: () => number = () => 0,
  ) {}

  /** The last result, only while the model generation that produced it is still the current one. */
  get result(): T | null {
    const latest = this.#latest;
    return latest && latest.generation === this.generation() ? latest.value : null;
  }

  /** The model generation the last result came from (null before any). */
  get producedBy(): number | null {
    return this.#latest?.generation ?? null;
  }

  /** The worker job id of the running call, if any. */
  get jobId(): string | null {
    return this.#id;
  }

  /** Forgets the last result (and error). */
  clear(): void {
    this.#latest = null;
    this.error = null;
  }

  /** Sets the result directly (a result restored from storage, produced by the current model). */
  restore(value: T | null): void {
    this.#latest = value === null ? null : { value, generation: this.generation() };
  }

  /** The last result with the model generation it came from, to keep aside as it is (the guided tour's loan). */
  kept(): { value: T; generation: number } | null {
    return this.#latest;
  }

  /** Puts back what kept() returned: it reads as a result again only while its model generation is current. */
  putBack(kept: { value: T; generation: number } | null): void {
    this.#latest = kept;
  }

  async start(work: (call: JobCall<P>) => Promise<T>, options: StartOptions<T, P> = {}): Promise<JobOutcome<T>> {
    if (this.#id) void this.client.cancel(this.#id);
    const jobId = this.client.newJobId(this.prefix);
    this.#id = jobId;
    const generation = this.generation();
    const isCurrent = () => this.#id === jobId;
    this.running = true;
    if (options.clearError ?? true) this.error = null;
    this.progress = options.progress ?? null;
    try {
      const value = await work({
        jobId,
        onProgress: (progress) => {
          if (isCurrent()) this.progress = progress;
        },
      });
      if (!isCurrent()) return { status: 'superseded' };
      if (this.#cancelled === jobId) return { status: 'cancelled', error: null };
      this.#latest = { value, generation };
      this.error = null;
      await options.apply?.(value);
      return { status: 'done', value };
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      if (!isCurrent()) return { status: 'superseded' };
      if (this.#cancelled === jobId || isCancelled(error)) return { status: 'cancelled', error };
      this.error = options.describe ? options.describe(error) : error.message;
      return { status: 'failed', error };
    } finally {
      if (isCurrent()) {
        this.running = false;
        this.progress = null;
        this.#id = null;
      }
      if (this.#cancelled === jobId) this.#cancelled = null;
    }
  }

  /** Lets go of the running call without starting another (its answer will be dropped). */
  supersede(): void {
    if (this.#id) void this.client.cancel(this.#id);
    this.#id = null;
    this.running = false;
    this.progress = null;
  }

  /**
   * The user's Cancel. The worker is asked to stop, and restarted if it does not within a few seconds.
   * By default the job lets go at once (running false, the call's answer dropped); with `wait` it stays
   * running until the call settles, and then reports 'cancelled' whatever error the call ended with.
   */
  async cancel(options: { wait?: boolean } = {}): Promise<void> {
    const jobId = this.#id;
    if (!jobId) return;
    if (options.wait) {
      this.#cancelled = jobId;
    } else {
      this.#id = null;
      this.running = false;
      this.progress = null;
    }
    await this.client.cancel(jobId, { hard: true });
  }
}
