/** A model could not be loaded; `message` is written for the user, `detail` for the curious. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    readonly kind:
      'network' | 'not-found' | 'format' | 'tokenizer' | 'config' | 'mismatch' | 'cancelled' | 'unsupported' | 'memory',
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

export class CancelledError extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
