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
