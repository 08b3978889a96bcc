/**
 * The prune count matrix pcm[true][given]: how many rows of each given class to remove, and toward
 * which true class. Starts from the transposed calibrated confident joint and applies the
 * min_examples_per_class, frac_noise and num_to_remove_per_class adjustments of SPEC.md §6.2.
 */
import { numpySum, truncateToInt } from './numeric';
import { roundPreservingRowTotals } from './round-preserving';

export interface PruneCountOptions {
  /** Keep at least this many rows in every class (default 1). */
  minExamplesPerClass?: number;
  /** Fraction of the estimated noise to remove (default 1). */
  fracNoise?: number;
  /** Remove exactly this many rows per class (prune_by_class only). */
  numToRemovePerClass?: readonly number[];
}

export function transpose(matrix: readonly (readonly number[])[]): number[][] {
  return matrix[0].map((_, j) => matrix.map((row) => row[j]));
}

/**
 * Moves counts from off-diagonal cells of each column onto its diagonal until the diagonal holds
 * at least `minKeep`, then keeps only `fracNoise` of what remains off the diagonal.
 */
export function keepAtLeastN(pcm: readonly (readonly number[])[], minKeep: number, fracNoise: number): number[][] {
  const k = pcm.length;
  const kept = pcm.map((row) => row.slice());
  for (let j = 0; j < k; j++) {
    const diagonal = pcm[j][j];
    const newDiagonal = Math.max(diagonal, minKeep);
    const shortfall = newDiagonal - diagonal;
    let nonZero = 0;
    for (let i = 0; i < k; i++) if (pcm[i][j] !== 0) nonZero++;
    const spread = Math.max(nonZero - 1, 1);
    for (let i = 0; i < k; i++) kept[i][j] = Math.max(pcm[i][j] - shortfall / spread, 0);
    kept[j][j] = newDiagonal;
  }
  const scaled = kept.map((row, i) => row.map((m, j) => (i === j ? m : m * fracNoise)));
  for (let j = 0; j < k; j++) {
    let moved = 0;
    for (let i = 0; i < k; i++) moved += i === j ? 0 : kept[i][j] - scaled[i][j];
    scaled[j][j] = kept[j][j] + moved;
  }
  return scaled.map((row) => row.map(truncateToInt));
}

/**
 * Rebuilds the matrix so that class i loses exactly removeCounts[i] rows. The normalisation divides
 * column j by row j's total: a numpy broadcasting quirk in cleanlab, kept for identical results.
 */
export function applyNumToRemovePerClass(
  pcm: readonly (readonly number[])[],
  classSizes: readonly number[],
  removeCounts: readonly number[],
): number[][] {
  const rowTotals = pcm.map((row) => numpySum(row));
  const shares = pcm.map((row) => row.map((c, j) => c / rowTotals[j]));
  const target = shares.map((row, i) => {
    const offDiagonalShare = numpySum(row) - row[i];
    const out = row.map((s) => (s * removeCounts[i]) / offDiagonalShare);
    out[i] = classSizes[i] - removeCounts[i];
    return out;
  });
  return roundPreservingRowTotals(target).map((row) => row.map(truncateToInt));
}

export function pruneCountMatrix(
  calibratedJoint: readonly (readonly number[])[],
  classSizes: readonly number[],
  options: PruneCountOptions = {},
): number[][] {
  const minKeep = options.minExamplesPerClass ?? 1;
  const fracNoise = options.fracNoise ?? 1;
  let pcm = keepAtLeastN(transpose(calibratedJoint), minKeep, fracNoise);
  if (options.numToRemovePerClass) {
    if (options.numToRemovePerClass.length !== pcm.length) {
      throw new Error(
        `numToRemovePerClass has ${options.numToRemovePerClass.length} entries but there are ${pcm.length} classes.`,
      );
    }
    pcm = applyNumToRemovePerClass(pcm, classSizes, options.numToRemovePerClass);
  }
  return pcm;
}
