import { CancelledError } from '../../cancel';

/**
 * Cancellation across the worker boundary: AbortSignals cannot cross comlink, so each long call
 * carries a job id and the client cancels by id.
 */
export class JobRegistry {
  private readonly controllers = new Map<string, AbortController>();

  async run<T>(jobId: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const id = jobId ?? `job-${Math.random().toString(36).slice(2)}`;
    this.controllers.get(id)?.abort();
    this.controllers.set(id, controller);
    try {
      const result = await work(controller.signal);
      if (controller.signal.aborted) throw new CancelledError();
      return result;
    } finally {
      if (this.controllers.get(id) === controller) this.controllers.delete(id);
    }
  }

  cancel(jobId: string): boolean {
    const controller = this.controllers.get(jobId);
    controller?.abort();
    return controller !== undefined;
  }
}
