/**
 * find_label_issues: which rows are probably mislabeled, by pruning the rows that confident
 * learning counts as belonging to another class (Northcutt et al. 2021, §3.2; SPEC.md §6).
 */
import { FILTER_METHODS, type FilterBy } from '../contracts/labels';
import { classDisplayName } from './class-names';
import { argmaxFirst, argsortSubset, stableArgsort } from './numeric';
import { confidentJointUnchecked } from './confident-joint';
import { givenLabelIsTopPrediction, numLabelIssues } from './num-label-issues';
import { pruneCountMatrix } from './prune-count-matrix';
import { getLabelQualityScores, orderLabelIssues, type RankBy } from './rank';
import { LabelInputError, rowsByClass, validateLabelInputs, type ProbabilityRows } from './validation';

export { FILTER_METHODS, type FilterBy };

export interface FindLabelIssuesOptions {
  filterBy?: FilterBy;
  /** Fraction of the estimated label noise to flag, in (0, 1] (default 1). */
  fracNoise?: number;
  /** Never flag so many rows of a class that fewer than this remain (default 1; cleanlab's wrappers use 10). */
  minExamplesPerClass?: number;
  /** Flag exactly this many rows per class (meant for prune_by_class; it also reshapes the other prune filters' counts). */
  numToRemovePerClass?: readonly number[];
  /** A calibrated confident joint computed earlier (ignored by confident_learning). */
  confidentJoint?: readonly (readonly number[])[];
  /** Priority among exactly tied rows in every sort (lower first); row index by default. */
  tieRank?: ArrayLike<number>;
  /** Receives notes such as classes too small to prune. */
  onWarning?: (message: string) => void;
  /** Class names for those notes (index k names class k); without them classes are named by index. */
  classNames?: readonly string[];
}

function selectSmallest(
  classRows: readonly number[],
  keyOf: (row: number) => number,
  count: number,
  mask: boolean[],
  tieRank: ArrayLike<number> | undefined,
): void {
  const order = argsortSubset(classRows, keyOf, tieRank);
  for (let j = 0; j < Math.min(count, order.length); j++) mask[classRows[order[j]]] = true;
}

function pruneByClass(
  byClass: readonly number[][],
  pcm: readonly (readonly number[])[],
  predProbs: ProbabilityRows,
  minExamples: number,
  tieRank: ArrayLike<number> | undefined,
  warnTooFew: (k: number) => void,
): boolean[] {
  const n = predProbs.length;
  const mask = new Array<boolean>(n).fill(false);
  byClass.forEach((rows, k) => {
    if (rows.length <= minExamples) return;
    const toRemove = rows.length - pcm[k][k];
    if (toRemove < 1) return;
    if (rows.length <= 1) {
      warnTooFew(k);
      return;
    }
    selectSmallest(rows, (i) => predProbs[i][k], toRemove, mask, tieRank);
  });
  return mask;
}

function pruneByNoiseRate(
  byClass: readonly number[][],
  pcm: readonly (readonly number[])[],
  predProbs: ProbabilityRows,
  minExamples: number,
  tieRank: ArrayLike<number> | undefined,
  warnTooFew: (k: number) => void,
): boolean[] {
  const n = predProbs.length;
  const mask = new Array<boolean>(n).fill(false);
  const numClasses = pcm.length;
  byClass.forEach((rows, k) => {
    if (rows.length <= minExamples) return;
    const classMask = new Array<boolean>(n).fill(false);
    for (let j = 0; j < numClasses; j++) {
      const count = pcm[j][k];
      if (j === k || !(count > 0)) continue;
      // Largest margin toward class j first: sort by the negated margin.
      selectSmallest(rows, (i) => -(predProbs[i][j] - predProbs[i][k]), count, classMask, tieRank);
    }
    if (rows.length <= 1) {
      warnTooFew(k);
      return;
    }
    for (const i of rows) if (classMask[i]) mask[i] = true;
  });
  return mask;
}

function lowestScores(scores: readonly number[], count: number, tieRank: ArrayLike<number> | undefined): boolean[] {
  const mask = new Array<boolean>(scores.length).fill(false);
  const order = stableArgsort(scores, tieRank);
  for (let j = 0; j < Math.min(count, order.length); j++) mask[order[j]] = true;
  return mask;
}

/** Boolean mask over rows: true where the given label is probably wrong. */
export function findLabelIssues(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: FindLabelIssuesOptions = {},
): boolean[] {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'only-all-zero' });
  const filterBy = options.filterBy ?? 'prune_by_noise_rate';
  if (!FILTER_METHODS.includes(filterBy)) {
    throw new LabelInputError(`Unknown filterBy "${String(filterBy)}"; use one of ${FILTER_METHODS.join(', ')}.`);
  }
  const fracNoise = options.fracNoise ?? 1;
  if (!(fracNoise > 0 && fracNoise <= 1)) throw new LabelInputError(`fracNoise must be in (0, 1], got ${fracNoise}.`);
  const minExamples = options.minExamplesPerClass ?? 1;
  if (!(minExamples >= 0)) throw new LabelInputError(`minExamplesPerClass must be ≥ 0, got ${minExamples}.`);
  const warn = options.onWarning ?? (() => {});
  const warnTooFew = (k: number) =>
    warn(`May not flag all label issues in ${classDisplayName(k, options.classNames)}: it has too few examples.`);
  const pruning = filterBy === 'prune_by_class' || filterBy === 'prune_by_noise_rate' || filterBy === 'both';
  if (options.numToRemovePerClass && !pruning) warn(`numToRemovePerClass is ignored by filterBy "${filterBy}".`);
  const tieRank = options.tieRank;
  const n = labels.length;

  if (filterBy === 'low_self_confidence' || filterBy === 'low_normalized_margin') {
    const count = numLabelIssues(labels, predProbs, 'off_diagonal');
    const method: RankBy = filterBy === 'low_self_confidence' ? 'self_confidence' : 'normalized_margin';
    return lowestScores(getLabelQualityScores(labels, predProbs, { method }), count, tieRank);
  }

  let mask: boolean[];
  if (filterBy === 'predicted_neq_given') {
    mask = labels.map((y, i) => argmaxFirst(predProbs[i]) !== y);
  } else if (filterBy === 'confident_learning') {
    if (options.confidentJoint) warn('confidentJoint is ignored by filterBy "confident_learning".');
    const { offDiagonalIndices } = confidentJointUnchecked(labels, predProbs, numClasses, { calibrate: true });
    mask = new Array<boolean>(n).fill(false);
    for (const i of offDiagonalIndices) mask[i] = true;
  } else {
    const joint = options.confidentJoint ?? confidentJointUnchecked(labels, predProbs, numClasses).confidentJoint;
    const byClass = rowsByClass(labels, numClasses);
    const pcm = pruneCountMatrix(
      joint,
      byClass.map((rows) => rows.length),
      { minExamplesPerClass: minExamples, fracNoise, numToRemovePerClass: options.numToRemovePerClass },
    );
    const byClassMask =
      filterBy === 'prune_by_noise_rate'
        ? null
        : pruneByClass(byClass, pcm, predProbs, minExamples, tieRank, warnTooFew);
    const byNoiseMask =
      filterBy === 'prune_by_class'
        ? null
        : pruneByNoiseRate(byClass, pcm, predProbs, minExamples, tieRank, warnTooFew);
    mask =
      byClassMask && byNoiseMask ? byClassMask.map((flag, i) => flag && byNoiseMask[i]) : (byClassMask ?? byNoiseMask)!;
  }
  return mask.map((flag, i) => flag && !givenLabelIsTopPrediction(predProbs[i], labels[i]));
}

export interface FindRankedLabelIssuesOptions extends FindLabelIssuesOptions {
  rankBy?: RankBy;
  adjustPredProbs?: boolean;
}

/** The flagged rows, most likely mislabeled first. */
export function findRankedLabelIssues(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: FindRankedLabelIssuesOptions = {},
): number[] {
  const mask = findLabelIssues(labels, predProbs, options);
  return orderLabelIssues(mask, labels, predProbs, {
    method: options.rankBy ?? 'self_confidence',
    adjustPredProbs: options.adjustPredProbs,
    tieRank: options.tieRank,
  });
}
