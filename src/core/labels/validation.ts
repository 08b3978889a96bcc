/**
 * Input checks shared by every confident-learning entry point, with messages a user can act on.
 */

/** One row of class probabilities per example; plain arrays or typed arrays. */
export type ProbabilityRows = readonly ArrayLike<number>[];

/** Probabilities may stray this far outside [0, 1] (float noise from softmax) before we refuse them. */
const PROBABILITY_SLACK = 1e-6;

export interface ValidationPolicy {
  /** Accept labels with a single distinct value (cleanlab allows it for scoring, and all-zero labels for filtering). */
  allowSingleClass?: 'yes' | 'only-all-zero' | 'no';
}

export class LabelInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelInputError';
  }
}

/** Returns K, the number of classes (taken from the probability columns, as cleanlab does). */
export function validateLabelInputs(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  policy: ValidationPolicy = {},
): number {
  const n = labels.length;
  if (n === 0) throw new LabelInputError('No rows: labels is empty.');
  if (predProbs.length !== n) {
    throw new LabelInputError(`Shape mismatch: ${n} labels but ${predProbs.length} rows of probabilities.`);
  }
  const numClasses = predProbs[0].length;
  if (numClasses < 1) throw new LabelInputError('Probability rows are empty (0 classes).');
  let maxLabel = -1;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) {
      throw new LabelInputError(`Labels must be non-negative integers; row ${i} has label ${String(y)}.`);
    }
    if (y > maxLabel) maxLabel = y;
    seen.add(y);
  }
  if (maxLabel >= numClasses) {
    throw new LabelInputError(
      `Label ${maxLabel} needs at least ${maxLabel + 1} probability columns, but there are only ${numClasses}.`,
    );
  }
  const single = policy.allowSingleClass ?? 'no';
  if (seen.size < 2) {
    const allowed = single === 'yes' || (single === 'only-all-zero' && maxLabel === 0);
    if (!allowed) {
      throw new LabelInputError(
        `Only one class (${maxLabel}) is present in the labels; finding label errors needs at least 2 classes.`,
      );
    }
  }
  for (let i = 0; i < n; i++) {
    const row = predProbs[i];
    if (row.length !== numClasses) {
      throw new LabelInputError(
        `Shape mismatch: probability row ${i} has ${row.length} columns, row 0 has ${numClasses}.`,
      );
    }
    for (let k = 0; k < numClasses; k++) {
      const p = row[k];
      if (!(p >= -PROBABILITY_SLACK && p <= 1 + PROBABILITY_SLACK)) {
        throw new LabelInputError(`Probabilities must lie in [0, 1]; row ${i}, class ${k} is ${String(p)}.`);
      }
    }
  }
  return numClasses;
}

/** Row indices of each class, ascending (R_k in SPEC.md). */
export function rowsByClass(labels: readonly number[], numClasses: number): number[][] {
  const rows: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) rows[labels[i]].push(i);
  return rows;
}
