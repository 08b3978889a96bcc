import * as Comlink from 'comlink';
import { PlaygroundEngine, type EngineOptions, type LoadOptions } from '../core/engine/playground-engine';
import type { AttentionDisplayOptions, McAttentionRequest } from '../core/contracts/attention';
import type {
  ContinuationProgress,
  ContinuationRequest,
  McDropoutSettings,
  McHeadChoice,
  McPredictRequest,
  McProgressCallback,
  McTask,
} from '../core/contracts/uncertainty';
import type { AnalogyProgressCallback, AnalogySpaceId } from '../core/contracts/analogy';
import type { AnalogyEvaluationOptions, AnalogyNeighbourOptions, AnalogyQueryOptions } from '../core/contracts/analogy';
import { auditTransferables } from '../core/engine/labels/label-audit-run';
import { type LabelAuditProgress, type LabelAuditSettings } from '../core/contracts/labels';
import { packParse, unpackRows, unpackTexts } from '../core/engine/labels/label-input';
import type { HeadTrainingProgress, HeadTrainingRequest } from '../core/contracts/head';
import type { CalibrationProgressCallback, CalibrationRequest } from '../core/contracts/calibration';
import { calibrationTransferables } from '../core/engine/calibration/calibration-transfer';
import { type PackedRows } from '../core/contracts/labels';
import type { ParseLabeledTextOptions } from '../core/labels';
import type { ProgressCallback, ProgressEvent } from '../core/model/progress';
import { throttleReports } from './progress-throttle';
import type { ModelSource } from '../core/model/sources';
import type { BuiltinFile } from '../core/model/keep-builtin';

/** Errors cross comlink as plain objects; keep the user-facing message and the kind. */
export interface SerializedError {
  name: string;
  message: string;
  kind?: string;
}

/** Load reports: every status change, progress at most every 50 ms. */
const loadReports = (callback: ProgressCallback | undefined) =>
  throttleReports(callback, { alwaysSend: (event: ProgressEvent) => event.status !== 'progress' });

/** Counted work (chunks, samples, tokens, questions): always the first and the last report. */
const countedReports = <P extends { done: number; total: number | null }>(
  callback: ((progress: P) => void) | undefined,
) =>
  throttleReports(callback, {
    alwaysSend: (progress) => progress.done === 0 || (progress.total !== null && progress.done >= progress.total),
  });

/**
 * The worker's public surface: a thin facade over PlaygroundEngine that moves typed arrays as
 * transferables instead of copying them.
 */
export function createWorkerApi(options: EngineOptions) {
  const engine = new PlaygroundEngine(options);
  return {
    load: (source: ModelSource, loadOptions: LoadOptions, onProgress?: ProgressCallback, jobId?: string) =>
      engine.load(source, loadOptions, loadReports(onProgress), jobId),
    cancel: (jobId: string) => engine.cancel(jobId),
    info: () => engine.info(),
    tokenize: (text: string, pair: string | null) => engine.tokenize(text, pair),
    async attention(text: string, pair: string | null, display: AttentionDisplayOptions, jobId?: string) {
      const result = await engine.attention(text, pair, display, jobId);
      return Comlink.transfer(result, [result.probs.buffer]);
    },
    async mcAttention(request: McAttentionRequest, onProgress?: McProgressCallback, jobId?: string) {
      const result = await engine.mcAttention(request, countedReports(onProgress), jobId);
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
      const throttled = throttleReports(onProgress, { alwaysSend: (progress) => progress.fraction >= 1 });
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
      const throttled = throttleReports(onProgress, { trailing: true });
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
    ) => engine.analogy(spaces, words, options, countedReports(onProgress), jobId),
    neighbours: (
      spaces: AnalogySpaceId[],
      word: string,
      options: AnalogyNeighbourOptions,
      onProgress?: AnalogyProgressCallback,
      jobId?: string,
    ) => engine.neighbours(spaces, word, options, countedReports(onProgress), jobId),
    evaluateAnalogyFile: (
      text: string,
      spaces: AnalogySpaceId[],
      options: AnalogyEvaluationOptions,
      onProgress?: AnalogyProgressCallback,
      jobId?: string,
    ) => engine.evaluateAnalogyFile(text, spaces, options, countedReports(onProgress), jobId),
    loadWordVectors: (source: string | Blob, name: string, onProgress?: AnalogyProgressCallback, jobId?: string) =>
      engine.loadWordVectors(source, name, countedReports(onProgress), jobId),
    async predict(
      request: McPredictRequest,
      settings: McDropoutSettings,
      onProgress?: McProgressCallback,
      jobId?: string,
    ) {
      const result = await engine.predict(request, settings, countedReports(onProgress), jobId);
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
    ) => engine.continue(request, settings, countedReports(onProgress), jobId),
    async calibrate(request: CalibrationRequest, onProgress?: CalibrationProgressCallback, jobId?: string) {
      const result = await engine.calibrate(request, countedReports(onProgress), jobId);
      return Comlink.transfer(result, calibrationTransferables(result));
    },
    predictBatch: (
      texts: string[],
      task: McTask,
      settings: McDropoutSettings,
      onProgress?: McProgressCallback,
      jobId?: string,
      head?: McHeadChoice,
    ) => engine.predictBatch(texts, task, settings, countedReports(onProgress), jobId, head),
    cachedModels: () => engine.cachedModels(),
    deleteCachedModel: (baseUrl: string) => engine.deleteCachedModel(baseUrl),
    keepBuiltin: (name: string, files: BuiltinFile[]) => engine.keepBuiltin(name, files),
    ping: () => 'pong' as const,
  };
}

export type PlaygroundWorkerApi = ReturnType<typeof createWorkerApi>;
