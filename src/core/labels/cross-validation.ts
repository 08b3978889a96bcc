/**
 * Out-of-sample class probabilities by stratified K-fold logistic regression: every row is scored
 * by a model that never saw it, which is what confident learning needs.
 */
import { classDisplayName, classDisplayNameCapitalized } from './class-names';
import { classCounts, FoldError, foldSplit, stratifiedFoldAssignment } from './folds';
import { featureStatistics } from './preconditioner';
import { prepareWasmFeatures } from './wasm-objective';
import {
  abortError,
  fitLogisticRegression,
  predictProba,
  type AbortSignalLike,
  type FeatureMatrix,
  type LogisticModel,
} from './logistic-regression';

export interface CrossValProgress {
  fold: number;
  folds: number;
  iteration: number;
  gradientNorm: number;
  /**
   * Rough share of the work done, 0..1: finished folds plus, within a fold, how far the gradient
   * norm has come down from its start toward the tolerance on a log scale.
   */
  fraction: number;
}

export interface CrossValOptions {
  folds?: number;
  seed?: number;
  C?: number;
  /** Solver tolerance on max |∇(objective / n)| (default 1e-7). */
  tolerance?: number;
  maxIterations?: number;
  /** Two classes: two-vector softmax (default) or scikit-learn's default sigmoid model. */
  binaryModel?: 'softmax' | 'sigmoid';
  /** Defaults to max(label) + 1. */
  numClasses?: number;
  /** Explicit fold id per row (overrides folds/seed), e.g. to reproduce another tool's split. */
  foldAssignment?: Int32Array;
  /** Class names for messages ("noun.animal" rather than "class 3"); index k names class k. */
  classNames?: readonly string[];
  /** When a class has fewer rows than folds: fail (default) or lower the fold count to fit. */
  smallClassPolicy?: 'error' | 'reduce-folds';
  /**
   * Precondition the solver with the feature covariance: 'auto' (default) once a fold has needed it (see
   * fitLogisticRegression's 'auto'; the folds after it use it from the start), true always, false never.
   * Same optimum either way; it changes only the number of iterations.
   */
  precondition?: boolean | 'auto';
  /** Start each fold from the previous fold's solution (default true; same optimum, fewer iterations). */
  warmStart?: boolean;
  onProgress?: (progress: CrossValProgress) => void;
  signal?: AbortSignalLike;
  /** Passes over X in WebAssembly SIMD when available ('auto', default) or plain JS ('js'); same objective. */
  kernel?: 'auto' | 'js';
}

export interface CrossValResult {
  /** [rows × numClasses] row-major, out-of-sample. */
  probabilities: Float64Array;
  /** Views into `probabilities`, one per row, ready for the confident-learning functions. */
  probabilityRows: Float64Array[];
  numClasses: number;
  folds: number;
  foldAssignment: Int32Array;
  iterationsPerFold: number[];
  /** Plain-English notes, e.g. that the fold count was lowered. */
  notes: string[];
}

function resolveFolds(
  counts: number[],
  requested: number,
  policy: 'error' | 'reduce-folds',
  notes: string[],
  classNames?: readonly string[],
): number {
  const present = counts.map((count, k) => ({ count, k })).filter((c) => c.count > 0);
  const smallest = present.reduce((a, b) => (b.count < a.count ? b : a));
  if (smallest.count >= requested) return requested;
  const named = (k: number) => classDisplayName(k, classNames);
  if (policy === 'reduce-folds' && smallest.count >= 2) {
    notes.push(
      `${classDisplayNameCapitalized(smallest.k, classNames)} has only ${smallest.count} rows, fewer than the ${requested} folds requested; ` +
        `used ${smallest.count} folds instead.`,
    );
    return smallest.count;
  }
  const small = present
    .filter((c) => c.count < requested)
    .map((c) => `${named(c.k)} has ${c.count} ${c.count === 1 ? 'row' : 'rows'}`);
  throw new FoldError(
    `Each class needs at least ${requested} rows for ${requested}-fold cross-validation, but ${small.join(', ')}. ` +
      'Add rows, merge or drop those classes, or use fewer folds.',
  );
}

export function crossValPredictProba(
  X: FeatureMatrix,
  labels: ArrayLike<number>,
  options: CrossValOptions = {},
): CrossValResult {
  if (labels.length !== X.rows) throw new Error(`Shape mismatch: ${labels.length} labels for ${X.rows} feature rows.`);
  let maxLabel = -1;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) throw new Error(`Labels must be non-negative integers; row ${i} has ${y}.`);
    if (y > maxLabel) maxLabel = y;
  }
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (maxLabel >= numClasses) throw new Error(`Label ${maxLabel} is outside 0..${numClasses - 1}.`);
  const counts = classCounts(labels, numClasses);
  if (counts.filter((c) => c > 0).length < 2)
    throw new Error('Cross-validation needs at least 2 classes in the labels.');
  const notes: string[] = [];
  let assignment: Int32Array;
  let folds: number;
  if (options.foldAssignment) {
    assignment = options.foldAssignment;
    if (assignment.length !== labels.length) throw new Error('foldAssignment must have one fold id per row.');
    folds = assignment.reduce((max, f) => Math.max(max, f), -1) + 1;
  } else {
    folds = resolveFolds(counts, options.folds ?? 5, options.smallClassPolicy ?? 'error', notes, options.classNames);
    assignment = stratifiedFoldAssignment(labels, numClasses, { folds, seed: options.seed ?? 0 });
  }

  const probabilities = new Float64Array(labels.length * numClasses);
  const scratch = new Float64Array(labels.length * numClasses);
  const iterationsPerFold: number[] = [];
  let previous: LogisticModel | undefined;
  // One covariance of all rows serves every fold's preconditioner: it only shapes the search path. It is
  // computed when a fold first needs it (well-conditioned features converge without it, faster).
  // One copy of X in wasm memory serves every fold (and the covariance).
  const wasmFeatures = options.kernel === 'js' ? null : prepareWasmFeatures(X, numClasses);
  let covariance: Float64Array | undefined;
  const featureCovariance = () => (covariance ??= featureStatistics(X, undefined, wasmFeatures));
  let precondition = options.precondition ?? 'auto';
  for (let fold = 0; fold < folds; fold++) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const { train, test } = foldSplit(assignment, fold);
    if (test.length === 0) continue;
    const tolerance = options.tolerance ?? 1e-7;
    let startNorm = NaN;
    let withinFold = 0;
    const model = fitLogisticRegression(X, labels, numClasses, {
      C: options.C,
      binaryModel: options.binaryModel,
      precondition,
      featureCovariance,
      tolerance,
      maxIterations: options.maxIterations,
      rowIndices: train,
      warmStart: options.warmStart === false ? undefined : previous,
      signal: options.signal,
      kernel: options.kernel,
      wasmFeatures,
      onIteration: (state) => {
        if (!options.onProgress) return;
        if (Number.isNaN(startNorm)) startNorm = state.gradientNorm;
        const span = Math.log(startNorm / tolerance);
        const done = span > 0 ? Math.log(startNorm / state.gradientNorm) / span : 1;
        // The gradient norm is not monotone; never report going backwards.
        withinFold = Math.max(withinFold, Math.min(0.99, done));
        options.onProgress({
          fold,
          folds,
          iteration: state.iteration,
          gradientNorm: state.gradientNorm,
          fraction: (fold + withinFold) / folds,
        });
      },
    });
    if (model.status !== 'converged') {
      notes.push(
        `Fold ${fold + 1}: the solver stopped before converging (${model.status}, max |gradient| ${model.gradientNorm.toExponential(2)}).`,
      );
    }
    const missing = Array.from({ length: numClasses }, (_, k) => k).filter(
      (k) => counts[k] > 0 && !model.classes.includes(k),
    );
    if (missing.length > 0) {
      const names = missing.map((k) => classDisplayName(k, options.classNames)).join(', ');
      notes.push(
        `Fold ${fold + 1}: ${missing.length === 1 ? `${names} had no training rows; it gets` : `${names} had no training rows; they get`} probability 0 there.`,
      );
    }
    if (precondition === 'auto' && model.preconditioned) precondition = true;
    iterationsPerFold.push(model.iterations);
    previous = model;
    predictProba(model, X, test, scratch);
    for (let r = 0; r < test.length; r++) {
      probabilities.set(scratch.subarray(r * numClasses, (r + 1) * numClasses), test[r] * numClasses);
    }
    options.onProgress?.({
      fold,
      folds,
      iteration: model.iterations,
      gradientNorm: model.gradientNorm,
      fraction: (fold + 1) / folds,
    });
  }
  const probabilityRows = Array.from({ length: labels.length }, (_, i) =>
    probabilities.subarray(i * numClasses, (i + 1) * numClasses),
  );
  return { probabilities, probabilityRows, numClasses, folds, foldAssignment: assignment, iterationsPerFold, notes };
}
