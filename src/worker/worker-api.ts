import * as Comlink from 'comlink';
import { PlaygroundEngine, type EngineOptions, type LoadOptions } from '../core/engine/playground-engine';
import type { AttentionDisplayOptions } from '../core/engine/attention-view';
import type { ProgressCallback, ProgressEvent } from '../core/model/progress';
import type { ModelSource } from '../core/model/sources';

/** Errors cross comlink as plain objects; keep the user-facing message and the kind. */
export interface SerializedError {
  name: string;
  message: string;
  kind?: string;
}

function throttle(callback: ProgressCallback | undefined, intervalMs = 50): ProgressCallback | undefined {
  if (!callback) return undefined;
  let last = 0;
  return (event: ProgressEvent) => {
    const now = Date.now();
    if (event.status !== 'progress' || now - last >= intervalMs) {
      last = now;
      void callback(event);
    }
  };
}

/**
 * The worker's public surface: a thin facade over PlaygroundEngine that moves typed arrays as
 * transferables instead of copying them.
 */
export function createWorkerApi(options: EngineOptions) {
  const engine = new PlaygroundEngine(options);
  return {
    load: (source: ModelSource, loadOptions: LoadOptions, onProgress?: ProgressCallback, jobId?: string) =>
      engine.load(source, loadOptions, throttle(onProgress), jobId),
    cancel: (jobId: string) => engine.cancel(jobId),
    info: () => engine.info(),
    tokenize: (text: string, pair: string | null) => engine.tokenize(text, pair),
    async attention(text: string, pair: string | null, display: AttentionDisplayOptions, jobId?: string) {
      const result = await engine.attention(text, pair, display, jobId);
      return Comlink.transfer(result, [result.probs.buffer]);
    },
    cachedModels: () => engine.cachedModels(),
    deleteCachedModel: (baseUrl: string) => engine.deleteCachedModel(baseUrl),
    ping: () => 'pong' as const,
  };
}

export type PlaygroundWorkerApi = ReturnType<typeof createWorkerApi>;
