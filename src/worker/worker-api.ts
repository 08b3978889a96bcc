import * as Comlink from 'comlink';
import { PlaygroundEngine, type EngineOptions } from '../core/engine/playground-engine';
import type { PackedRows } from '../core/contracts/labels';
import type { ProgressEvent } from '../core/model/progress';
import { calibrationTransferables } from './calibration-transport';
import { auditTransferables, packParse, unpackHeadRows, unpackRows } from './label-transport';
import { throttleReports } from './progress-throttle';

/**
 * An engine method's parameters. Each operation's signature is written once, on PlaygroundEngine: the facade
 * below takes its parameters from there, and the page's client takes its methods from the facade's type.
 */
type EngineArgs<K extends keyof PlaygroundEngine> = PlaygroundEngine[K] extends (...args: infer A) => unknown
  ? A
  : never;

/** The parameters after the first: the ops whose first argument is packed for the trip across. */
type Rest<A extends unknown[]> = A extends [unknown, ...infer R] ? R : never;

/** Load reports: every status change, progress at most every 50 ms. */
const loadReports = (callback: ((event: ProgressEvent) => void) | undefined) =>
  throttleReports(callback, { alwaysSend: (event) => event.status !== 'progress' });

/** Counted work (chunks, samples, tokens, questions): always the first and the last report. */
const countedReports = <P extends { done: number; total: number | null }>(
  callback: ((progress: P) => void) | undefined,
) =>
  throttleReports(callback, {
    alwaysSend: (progress) => progress.done === 0 || (progress.total !== null && progress.done >= progress.total),
  });

/**
 * The worker's public surface: a thin facade over PlaygroundEngine that throttles progress reports and moves
 * typed arrays as transferables instead of copying them. A job id, where an operation takes one, lets the
 * page cancel it (PlaygroundClient finds it by its position, which the compiler checks against these types).
 */
export function createWorkerApi(options: EngineOptions) {
  const engine = new PlaygroundEngine(options);
  return {
    load: (...[source, loadOptions, onProgress, jobId]: EngineArgs<'load'>) =>
      engine.load(source, loadOptions, loadReports(onProgress), jobId),
    cancel: (...args: EngineArgs<'cancel'>) => engine.cancel(...args),
    tokenize: (...args: EngineArgs<'tokenize'>) => engine.tokenize(...args),
    readBatchInputs: (...args: EngineArgs<'readBatchInputs'>) => engine.readBatchInputs(...args),
    async attention(...args: EngineArgs<'attention'>) {
      const result = await engine.attention(...args);
      return Comlink.transfer(result, [result.probs.buffer]);
    },
    async mcAttention(...[request, onProgress, jobId]: EngineArgs<'mcAttention'>) {
      const result = await engine.mcAttention(request, countedReports(onProgress), jobId);
      return Comlink.transfer(result, [result.mean.buffer, result.std.buffer, result.plain.buffer]);
    },
    /**
     * The parse is one synchronous step the engine cannot stop; the job id is taken only so that the page's
     * hard cancel can tell this call is still running and restart a worker stuck in it.
     */
    parseLabeledData(...[input, parseOptions]: [...EngineArgs<'parseLabeledData'>, jobId?: string]) {
      const packed = packParse(engine.parseLabeledData(input, parseOptions));
      return Comlink.transfer(packed, [packed.labelIds.buffer, packed.sourceRows.buffer]);
    },
    async parseLabeledFile(...[file, parseOptions]: [...EngineArgs<'parseLabeledFile'>, jobId?: string]) {
      const packed = packParse(await engine.parseLabeledFile(file, parseOptions));
      return Comlink.transfer(packed, [packed.labelIds.buffer, packed.sourceRows.buffer]);
    },
    async auditLabels(rows: PackedRows, ...[settings, onProgress, jobId]: Rest<EngineArgs<'auditLabels'>>) {
      const throttled = throttleReports(onProgress, { alwaysSend: (progress) => progress.fraction >= 1 });
      const result = await engine.auditLabels(unpackRows(rows), settings, throttled, jobId);
      return Comlink.transfer(result, auditTransferables(result));
    },
    /** Heads on the rows' embeddings; the rows travel packed like the audit's. */
    trainHeads(rows: PackedRows, ...[request, onProgress, jobId]: Rest<EngineArgs<'trainHeads'>>) {
      const throttled = throttleReports(onProgress, { trailing: true });
      return engine.trainHeads(unpackHeadRows(rows), request, throttled, jobId);
    },
    pause: (...args: EngineArgs<'pause'>) => engine.pause(...args),
    clearEmbeddingCache: async () => {
      await options.embeddingCache?.clear?.();
    },
    analogySpaces: () => engine.analogySpaces(),
    analogy: (...[spaces, words, queryOptions, onProgress, jobId]: EngineArgs<'analogy'>) =>
      engine.analogy(spaces, words, queryOptions, countedReports(onProgress), jobId),
    neighbours: (...[spaces, word, neighbourOptions, onProgress, jobId]: EngineArgs<'neighbours'>) =>
      engine.neighbours(spaces, word, neighbourOptions, countedReports(onProgress), jobId),
    evaluateAnalogyFile: (...[text, spaces, evaluationOptions, onProgress, jobId]: EngineArgs<'evaluateAnalogyFile'>) =>
      engine.evaluateAnalogyFile(text, spaces, evaluationOptions, countedReports(onProgress), jobId),
    /** A word2vec / GloVe file arrives as a File (a handle, not its bytes) and is streamed here. */
    loadWordVectors: (...[source, name, onProgress, jobId]: EngineArgs<'loadWordVectors'>) =>
      engine.loadWordVectors(source, name, countedReports(onProgress), jobId),
    async predict(...[request, settings, onProgress, jobId]: EngineArgs<'predict'>) {
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
    continue: (...[request, settings, onProgress, jobId]: EngineArgs<'continue'>) =>
      engine.continue(request, settings, countedReports(onProgress), jobId),
    async calibrate(...[request, onProgress, jobId]: EngineArgs<'calibrate'>) {
      const result = await engine.calibrate(request, countedReports(onProgress), jobId);
      return Comlink.transfer(result, calibrationTransferables(result));
    },
    predictBatch: (...[texts, task, settings, onProgress, jobId, head]: EngineArgs<'predictBatch'>) =>
      engine.predictBatch(texts, task, settings, countedReports(onProgress), jobId, head),
    cachedModels: () => engine.cachedModels(),
    deleteCachedModel: (...args: EngineArgs<'deleteCachedModel'>) => engine.deleteCachedModel(...args),
    keepBuiltin: (...args: EngineArgs<'keepBuiltin'>) => engine.keepBuiltin(...args),
  };
}

export type PlaygroundWorkerApi = ReturnType<typeof createWorkerApi>;
