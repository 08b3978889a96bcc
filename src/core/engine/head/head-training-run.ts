/**
 * "Train a head" on a loaded model: the label tool's rows embedded by the model (sentence embeddings through the
 * worker's embedding cache, and the last matrix kept in memory, so no text is embedded twice), then the runs of
 * src/core/head trained side by side with a report after every epoch.
 */
import { throwIfAborted } from '../../cancel';
import {
  type HeadRunCurve,
  type HeadTrainingProgress,
  type HeadTrainingRequest,
  type HeadTrainingResult,
} from '../../contracts/head';
import { DEFAULT_POOLING } from '../../contracts/labels';
import { trainHeads } from '../../head/train-head';
import type { TrainedHead } from '../../head/trained-head';
import type { EmbeddingCache } from '../model/embedding-cache';
import type { PreparedModel } from '../model/prepare-model';
import { embedTexts, type EmbeddingResult } from '../model/sentence-embeddings';

export interface HeadRows {
  texts: string[];
  /** Class index per row, into `classes`. */
  labelIds: Int32Array;
  classes: string[];
}

export interface HeadTrainingDeps {
  model: PreparedModel;
  cache?: EmbeddingCache;
  memo?: EmbeddingMemo;
  signal?: AbortSignal;
  onProgress?: (progress: HeadTrainingProgress) => void;
  waitWhilePaused?: () => Promise<void>;
  /** Keeps a trained head (the worker's KeptHeads) and returns its id; without it, no ids are given. */
  keepHead?: (head: TrainedHead) => string;
}

/** Share of the progress bar the embedding stage takes (the rest is the epochs). */
const EMBEDDING_SHARE = 0.3;

/** The last texts embedded for a head, so training again on the same rows and model skips even the cache. */
export class EmbeddingMemo {
  private last: { model: PreparedModel; key: string; embedded: EmbeddingResult } | null = null;

  get(model: PreparedModel, key: string): EmbeddingResult | null {
    return this.last && this.last.model === model && this.last.key === key ? this.last.embedded : null;
  }

  set(model: PreparedModel, key: string, embedded: EmbeddingResult): void {
    this.last = { model, key, embedded };
  }
}

const copyCurves = (curves: HeadRunCurve[]): HeadRunCurve[] =>
  curves.map((c) => ({
    regularisation: { ...c.regularisation },
    epochs: c.epochs.slice(),
    bestEpoch: c.bestEpoch,
    mcHeldOut: c.mcHeldOut && { ...c.mcHeldOut },
  }));

export async function runHeadTraining(
  rows: HeadRows,
  request: HeadTrainingRequest,
  deps: HeadTrainingDeps,
): Promise<HeadTrainingResult> {
  const started = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const { texts, labelIds, classes } = rows;
  if (texts.length !== labelIds.length) throw new Error(`${texts.length} texts but ${labelIds.length} labels.`);
  if (texts.length < 4) throw new Error('Training a head needs at least 4 rows.');
  if (classes.length < 2) throw new Error('Training a head needs at least 2 classes.');
  const { options, runs: regularisations } = request;
  const pooling = request.pooling ?? DEFAULT_POOLING;
  const epochs = options.epochs;
  const report = (progress: Omit<HeadTrainingProgress, 'epochs'>) => deps.onProgress?.({ ...progress, epochs });

  const key = `${pooling}\u0000${texts.length}\u0000${texts.join('\u0000')}`;
  let embedded = deps.memo?.get(deps.model, key) ?? null;
  let cachedTexts = texts.length;
  let computedTexts = 0;
  if (!embedded) {
    report({ stage: 'embeddings', fraction: 0, detail: `Embedding ${texts.length} texts`, epoch: 0, runs: [] });
    embedded = await embedTexts(deps.model, texts, {
      pooling,
      cache: deps.cache,
      signal: deps.signal,
      onProgress: (p) =>
        report({
          stage: 'embeddings',
          fraction: EMBEDDING_SHARE * (p.total > 0 ? p.done / p.total : 1),
          detail: `Embedding texts: ${p.done} of ${p.total}${p.cached ? ` (${p.cached} from the cache)` : ''}`,
          epoch: 0,
          runs: [],
        }),
    });
    cachedTexts = embedded.cachedTexts;
    computedTexts = embedded.computedTexts;
    deps.memo?.set(deps.model, key, embedded);
  }
  throwIfAborted(deps.signal);

  const data = { data: embedded.embeddings, dim: embedded.dim, labels: labelIds, numClasses: classes.length };
  const trained = await trainHeads(data, options, regularisations, {
    signal: deps.signal,
    waitWhilePaused: deps.waitWhilePaused,
    onEpoch: (epoch, curves) =>
      report({
        stage: 'training',
        fraction: EMBEDDING_SHARE + (1 - EMBEDDING_SHARE) * (epoch / epochs),
        detail: `Epoch ${epoch} of ${epochs}`,
        epoch,
        runs: copyCurves(curves),
      }),
  });
  const headIds = deps.keepHead
    ? trained.runs.map((run) =>
        deps.keepHead!({
          network: run.network,
          scaling: trained.scaling,
          inputDropout: run.regularisation.inputDropout,
          hiddenDropout: run.regularisation.hiddenDropout,
          classes: classes.slice(),
          pooling,
        }),
      )
    : [];
  const firstHeldOut = trained.split.heldOut[0];
  const finished = typeof performance !== 'undefined' ? performance.now() : Date.now();
  return {
    runs: copyCurves(trained.runs.map((r) => r.curve)),
    options: { ...options },
    classes: classes.slice(),
    totalRows: texts.length,
    trainRows: trained.split.train.length,
    heldOutRows: trained.split.heldOut.length,
    featureDim: embedded.dim,
    cachedTexts,
    computedTexts,
    modelLabel: deps.model.info.label,
    milliseconds: finished - started,
    headIds,
    heldOutExample: firstHeldOut === undefined ? null : texts[firstHeldOut],
  };
}
