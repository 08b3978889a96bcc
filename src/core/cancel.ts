/**
 * The one cancellation error of the core. Every long step (download, graph runs, cross-validation, the
 * worker's job registry) throws it when its AbortSignal fires, and the page recognises it by type: a
 * cancelled job is not a failure to show. It crosses comlink as a plain Error with the same `name`, so
 * `isCancelled` checks the name as well as the class.
 */
export class CancelledError extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: { readonly aborted: boolean } | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

export function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'CancelledError');
}

/**
 * Waits for shared work without tying it to one caller: an abort rejects the wait with CancelledError at
 * once, while the work itself goes on for whoever asks next.
 */
export function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
