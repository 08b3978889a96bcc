/**
 * Stratified K-fold assignment: every fold gets each class in proportion (±1 row), in the manner of
 * scikit-learn's StratifiedKFold(shuffle=True), seeded through src/core/random.ts. Fold sizes are
 * balanced by dealing the class-sorted rows round robin, then each class's fold ids are shuffled.
 */
import { createRng, shuffleInPlace } from '../random';

export interface StratifiedFoldsOptions {
  folds?: number;
  seed?: number;
}

export class FoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FoldError';
  }
}

export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Fold id (0..folds−1) of every row. */
export function stratifiedFoldAssignment(
  labels: ArrayLike<number>,
  numClasses: number,
  options: StratifiedFoldsOptions = {},
): Int32Array {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2)
    throw new FoldError(`The number of folds must be an integer ≥ 2, got ${folds}.`);
  if (labels.length < folds) throw new FoldError(`Cannot split ${labels.length} rows into ${folds} folds.`);
  const counts = classCounts(labels, numClasses);
  // Deal the class-sorted rows round robin: fold f receives sorted positions f, f+folds, ...
  const perFold = Array.from({ length: numClasses }, () => new Array<number>(folds).fill(0));
  let position = 0;
  counts.forEach((count, k) => {
    for (let c = 0; c < count; c++, position++) perFold[k][position % folds]++;
  });
  const rng = createRng(options.seed ?? 0);
  const assignment = new Int32Array(labels.length);
  const cursor = new Array<number>(numClasses).fill(0);
  const foldIdsByClass = perFold.map((allocation) => {
    const ids: number[] = [];
    allocation.forEach((count, f) => {
      for (let c = 0; c < count; c++) ids.push(f);
    });
    return shuffleInPlace(ids, rng);
  });
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    assignment[i] = foldIdsByClass[k][cursor[k]++];
  }
  return assignment;
}

/** Train and test row indices of one fold. */
export function foldSplit(assignment: Int32Array, fold: number): { train: Int32Array; test: Int32Array } {
  let testCount = 0;
  for (let i = 0; i < assignment.length; i++) if (assignment[i] === fold) testCount++;
  const train = new Int32Array(assignment.length - testCount);
  const test = new Int32Array(testCount);
  let a = 0,
    b = 0;
  for (let i = 0; i < assignment.length; i++) {
    if (assignment[i] === fold) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}
