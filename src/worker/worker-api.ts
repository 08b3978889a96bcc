import * as Comlink from 'comlink';
import { PlaygroundEngine, type EngineOptions, type LoadOptions } from '../core/engine/playground-engine';
import type { AttentionDisplayOptions, McAttentionRequest } from '../core/contracts/attention';
import type {
  ContinuationProgress,
  ContinuationRequest,
  McDropoutSettings,
  McPredictRequest,
  McProgressCallback,
  McTask,
} from '../core/contracts/uncertainty';
import type { AnalogyProgress, AnalogyProgressCallback, AnalogySpaceId } from '../core/contracts/analogy';
import type { AnalogyEvaluationOptions, AnalogyNeighbourOptions, AnalogyQueryOptions } from '../core/contracts/analogy';
import { auditTransferables } from '../core/engine/labels/label-audit-run';
import { type LabelAuditProgress, type LabelAuditSettings } from '../core/contracts/labels';
import { packParse, unpackRows, unpackTexts } from '../core/engine/labels/label-input';
import type { HeadTrainingProgress, HeadTrainingRequest } from '../core/contracts/head';
import { type PackedRows } from '../core/contracts/labels';
import type { ParseLabeledTextOptions } from '../core/labels';
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

/** Like throttle, for any progress shape: at most one call per interval, plus the final one (fraction 1). */
function throttleAny<T extends { fraction: number }>(
  callback: (event: T) => void,
  intervalMs = 50,
): (event: T) => void {
  let last = 0;
  return (event: T) => {
    const now = Date.now();
    if (event.fraction >= 1 || now - last >= intervalMs) {
      last = now;
      void callback(event);
    }
  };
}

function throttleAnalogy(
  callback: AnalogyProgressCallback | undefined,
  intervalMs = 50,
): AnalogyProgressCallback | undefined {
  if (!callback) return undefined;
  let last = 0;
  return (progress: AnalogyProgress) => {
    const now = Date.now();
    if (progress.done === progress.total || now - last >= intervalMs) {
      last = now;
      void callback(progress);
    }
  };
}

/**
 * At most one report per interval, and the latest one sent once the interval is over (trailing), so the page
 * always ends up with the newest state: a head paused after an epoch shows that epoch.
 */
function throttleLatest<T>(callback: (event: T) => void, intervalMs = 50): (event: T) => void {
  let last = 0;
  let pending: { event: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const send = (event: T) => {
    last = Date.now();
    void callback(event);
  };
  return (event: T) => {
    const wait = last + intervalMs - Date.now();
    if (wait <= 0 && !timer) return send(event);
    pending = { event };
    timer ??= setTimeout(
      () => {
        timer = null;
        if (pending) send(pending.event);
        pending = null;
      },
      Math.max(0, wait),
    );
  };
}

/** Chunk progress at most every 50 ms, but always the first and the last. */
function throttleProgress<P extends { done: number; total: number }>(
  callback: ((progress: P) => void) | undefined,
  intervalMs = 50,
): ((progress: P) => void) | undefined {
  if (!callback) return undefined;
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (progress.done === 0 || progress.done >= progress.total || now - last >= intervalMs) {
      last = now;
      void callback(progress);
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
    async mcAttention(request: McAttentionRequest, onProgress?: McProgressCallback, jobId?: string) {
      const result = await engine.mcAttention(request, throttleProgress(onProgress), jobId);
      return Comlink.transfer(result, [result.mean.buffer, result.std.buffer, result.plain.buffer]);
    },
    parseLabeledData(input: string | Uint8Array, options: ParseLabeledTextOptions) {
      const packed = packParse(engine.parseLabeledData(input, options));
      return Comlink.transfer(packed, [packed.labelIds.buffer, packed.sourceRows.buffer]);
    },
    async auditLabels(
      rows: PackedRows,
      settings: Partial<LabelAuditSettings>,
      onProgress?: (progress: LabelAuditProgress) => void,
      jobId?: string,
    ) {
      const throttled = onProgress ? throttleAny(onProgress) : undefined;
      const result = await engine.auditLabels(unpackRows(rows), settings, throttled, jobId);
      return Comlink.transfer(result, auditTransferables(result));
    },
    /** Heads on the rows' embeddings; the rows travel packed like the audit's. */
    trainHeads(
      rows: PackedRows,
      request: HeadTrainingRequest,
      onProgress?: (progress: HeadTrainingProgress) => void,
      jobId?: string,
    ) {
      const texts = unpackTexts(rows.texts, rows.count);
      if (texts.length !== rows.count || rows.labelIds.length !== rows.count)
        throw new Error('The rows to train on arrived damaged; read the data again.');
      const throttled = onProgress ? throttleLatest(onProgress) : undefined;
      return engine.trainHeads({ texts, labelIds: rows.labelIds, classes: rows.classes }, request, throttled, jobId);
    },
    pause: (jobId: string, paused: boolean) => engine.pause(jobId, paused),
    clearEmbeddingCache: async () => {
      await options.embeddingCache?.clear?.();
    },
    analogySpaces: () => engine.analogySpaces(),
    analogy: (
      spaces: AnalogySpaceId[],
      words: { a: string; b: string; c: string },
      options: AnalogyQueryOptions,
      onProgress?: AnalogyProgressCallback,
      jobId?: string,
    ) => engine.analogy(spaces, words, options, throttleAnalogy(onProgress), jobId),
    neighbours: (
      spaces: AnalogySpaceId[],
      word: string,
      options: AnalogyNeighbourOptions,
      onProgress?: AnalogyProgressCallback,
      jobId?: string,
    ) => engine.neighbours(spaces, word, options, throttleAnalogy(onProgress), jobId),
    evaluateAnalogyFile: (
      text: string,
      spaces: AnalogySpaceId[],
      options: AnalogyEvaluationOptions,
      onProgress?: AnalogyProgressCallback,
      jobId?: string,
    ) => engine.evaluateAnalogyFile(text, spaces, options, throttleAnalogy(onProgress), jobId),
    loadWordVectors: (source: string | Blob, name: string, onProgress?: AnalogyProgressCallback, jobId?: string) =>
      engine.loadWordVectors(source, name, throttleAnalogy(onProgress), jobId),
    async predict(
      request: McPredictRequest,
      settings: McDropoutSettings,
      onProgress?: McProgressCallback,
      jobId?: string,
    ) {
      const result = await engine.predict(request, settings, throttleProgress(onProgress), jobId);
      const arrays = [
        result.samples,
        result.mean,
        result.std,
        result.deterministic,
        result.running.meanOfClass,
        result.running.predictiveEntropy,
        result.running.expectedEntropy,
        result.running.mutualInformation,
      ];
      return Comlink.transfer(
        result,
        arrays.map((array) => array.buffer as ArrayBuffer),
      );
    },
    /** A decoder's continuation; progress is throttled like MC dropout's. */
    continue: (
      request: ContinuationRequest,
      settings: McDropoutSettings,
      onProgress?: (progress: ContinuationProgress) => void,
      jobId?: string,
    ) => engine.continue(request, settings, throttleProgress(onProgress), jobId),
    predictBatch: (
      texts: string[],
      task: McTask,
      settings: McDropoutSettings,
      onProgress?: McProgressCallback,
      jobId?: string,
    ) => engine.predictBatch(texts, task, settings, throttleProgress(onProgress), jobId),
    cachedModels: () => engine.cachedModels(),
    deleteCachedModel: (baseUrl: string) => engine.deleteCachedModel(baseUrl),
    ping: () => 'pong' as const,
  };
}

export type PlaygroundWorkerApi = ReturnType<typeof createWorkerApi>;
