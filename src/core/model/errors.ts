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

// The cancellation error lives in src/core/cancel.ts (one for the whole core); re-exported for the model loaders.
export { CancelledError, throwIfAborted } from '../cancel';
