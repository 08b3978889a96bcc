/**
 * The label audit end to end on a loaded model: features (mean-pooled sentence embeddings, TF-IDF,
 * or both) → out-of-sample probabilities by stratified K-fold logistic regression → confident
 * learning, all through src/core/labels. Progress is reported per stage with the stage's name, and
 * every stage is timed.
 */
import {
  auditLabels,
  concatFeatureBlocks,
  crossValPredictProba,
  tfidfFeatures,
  type FeatureMatrix,
} from '../../labels';
import { throwIfAborted } from '../../cancel';
import type { EmbeddingCache } from '../model/embedding-cache';
import { embedTexts } from '../model/sentence-embeddings';
import type { PreparedModel } from '../model/prepare-model';
import {
  DEFAULT_AUDIT_SETTINGS,
  STAGE_NAMES,
  type AuditStage,
  type LabelAuditOutput,
  type LabelAuditProgress,
  type LabelAuditSettings,
} from '../../contracts/labels';

export interface LabelAuditDeps {
  /** Needed unless features is 'tfidf'. */
  model: PreparedModel | null;
  cache?: EmbeddingCache;
  signal?: AbortSignal;
  onProgress?: (progress: LabelAuditProgress) => void;
}

const WEIGHTS: Record<AuditStage, number> = {
  embeddings: 6,
  tfidf: 0.5,
  'cross-validation': 3,
  'confident-learning': 0.3,
};

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export async function runLabelAuditOnTexts(
  texts: readonly string[],
  labels: readonly string[],
  settingsIn: Partial<LabelAuditSettings>,
  deps: LabelAuditDeps,
): Promise<LabelAuditOutput> {
  const settings: LabelAuditSettings = { ...DEFAULT_AUDIT_SETTINGS, ...settingsIn };
  if (texts.length !== labels.length) throw new Error(`${texts.length} texts but ${labels.length} labels.`);
  if (texts.length === 0) throw new Error('There are no rows to audit.');
  const { signal } = deps;
  const classes = [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (classes.length < 2)
    throw new Error(
      `Every row has the same label ("${classes[0]}"). Finding mislabeled rows needs at least 2 classes.`,
    );
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const givenLabels = Int32Array.from(labels, (l) => classIndex.get(l)!);
  const labelList = Array.from(givenLabels);

  const stages: AuditStage[] = [];
  if (settings.features !== 'tfidf') stages.push('embeddings');
  if (settings.features !== 'embeddings') stages.push('tfidf');
  stages.push('cross-validation', 'confident-learning');
  const totalWeight = stages.reduce((s, st) => s + WEIGHTS[st], 0);
  const report = (stage: AuditStage, fraction: number, detail: string) => {
    if (!deps.onProgress) return;
    const index = stages.indexOf(stage);
    const before = stages.slice(0, index).reduce((s, st) => s + WEIGHTS[st], 0);
    deps.onProgress({
      stage,
      label: STAGE_NAMES[stage],
      step: index + 1,
      stages: stages.length,
      fraction,
      overall: (before + WEIGHTS[stage] * fraction) / totalWeight,
      detail,
    });
  };
  const timings: Partial<Record<AuditStage, number>> = {};
  const notes: string[] = [];
  const blocks: FeatureMatrix[] = [];
  let truncatedRows: number[] = [];
  let cachedTexts = 0;
  let computedTexts = 0;

  if (stages.includes('embeddings')) {
    const model = deps.model;
    if (!model) throw new Error('Load a model first: model embeddings need one (or choose the TF-IDF features).');
    const start = now();
    report('embeddings', 0, `0 of ${texts.length.toLocaleString('en-US')} texts`);
    const embedded = await embedTexts(model, texts, {
      pooling: settings.pooling,
      batchSize: settings.batchSize,
      cache: deps.cache,
      signal,
      onProgress: (p) =>
        report(
          'embeddings',
          p.total > 0 ? p.done / p.total : 1,
          `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} distinct texts${p.cached ? ` (${p.cached.toLocaleString('en-US')} from the cache)` : ''}`,
        ),
    });
    truncatedRows = embedded.truncatedRows;
    cachedTexts = embedded.cachedTexts;
    computedTexts = embedded.computedTexts;
    if (truncatedRows.length > 0) {
      notes.push(
        `${truncatedRows.length.toLocaleString('en-US')} ${truncatedRows.length === 1 ? 'text was' : 'texts were'} longer than the model's maximum of ${model.info.maxPositions} tokens and ${truncatedRows.length === 1 ? 'was' : 'were'} cut to it for the embedding.`,
      );
    }
    blocks.push({ data: embedded.embeddings, rows: embedded.rows, cols: embedded.dim });
    timings.embeddings = now() - start;
  }
  throwIfAborted(signal);
  if (stages.includes('tfidf')) {
    const start = now();
    report('tfidf', 0, 'tokenizing words');
    const tfidf = tfidfFeatures(texts, { maxFeatures: settings.tfidfMaxFeatures ?? 1024 });
    if (tfidf.cols === 0)
      throw new Error(
        'The texts have no words of two or more letters, so TF-IDF has nothing to count. Use model embeddings.',
      );
    blocks.push({ data: tfidf.features, rows: tfidf.rows, cols: tfidf.cols });
    report('tfidf', 1, `${tfidf.cols.toLocaleString('en-US')} terms`);
    timings.tfidf = now() - start;
  }
  throwIfAborted(signal);

  // Embeddings alone are used as they are; TF-IDF rows are already unit length; "both" scales each block to unit rows.
  const X = blocks.length === 1 ? blocks[0] : concatFeatureBlocks(blocks);

  let start = now();
  report('cross-validation', 0, `fold 1 of ${settings.folds}`);
  const cv = crossValPredictProba(X, labelList, {
    folds: settings.folds,
    seed: settings.seed,
    C: settings.C,
    numClasses: classes.length,
    classNames: classes,
    smallClassPolicy: 'reduce-folds',
    signal,
    onProgress: (p) =>
      report('cross-validation', p.fraction, `fold ${p.fold + 1} of ${p.folds}, iteration ${p.iteration}`),
  });
  notes.push(...cv.notes);
  timings['cross-validation'] = now() - start;
  throwIfAborted(signal);

  start = now();
  report('confident-learning', 0, settings.filterBy);
  const audit = auditLabels(labelList, cv.probabilityRows, {
    filterBy: settings.filterBy,
    fracNoise: settings.fracNoise,
    minExamplesPerClass: settings.minExamplesPerClass,
    rankBy: settings.rankBy,
    classNames: classes,
    onWarning: (message) => notes.push(message),
  });
  report('confident-learning', 1, `${audit.numIssues} rows flagged`);
  timings['confident-learning'] = now() - start;

  const n = texts.length;
  return {
    classes,
    rows: n,
    numClasses: classes.length,
    givenLabels,
    probabilities: cv.probabilities,
    suggestedLabels: Int32Array.from(audit.rows, (r) => r.suggestedLabel),
    suggestedProbabilities: Float64Array.from(audit.rows, (r) => r.suggestedProbability),
    qualityScores: Float64Array.from(audit.rows, (r) => r.qualityScore),
    isIssue: Uint8Array.from(audit.rows, (r) => (r.isIssue ? 1 : 0)),
    ranking: Int32Array.from(audit.ranking),
    numIssues: audit.numIssues,
    confidentJoint: audit.confidentJoint,
    flaggedConfusion: audit.flaggedConfusion,
    estimatedJoint: audit.estimatedJoint,
    classSummaries: audit.classSummaries.map(({ label, rows, issues, issueRate, mostConfusedWith }) => ({
      label,
      rows,
      issues,
      issueRate,
      mostConfusedWith,
    })),
    settings,
    folds: cv.folds,
    featureDim: X.cols,
    truncatedRows,
    cachedTexts,
    computedTexts,
    timings,
    notes,
    modelLabel: deps.model?.info.label ?? null,
  };
}
