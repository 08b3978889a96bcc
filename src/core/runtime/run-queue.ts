/**
 * One run at a time per session: onnxruntime-web does not support overlapping run() calls on one
 * session (WebGPU reuses its buffers and returns corrupted outputs), and calls arrive concurrently
 * when the user types faster than the model runs.
 */
export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
