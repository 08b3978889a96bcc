/**
 * Rounding that keeps each row's (rounded) total, so a calibrated count matrix still adds up to the
 * class sizes. Reproduces cleanlab's round_preserving_sum step for step (SPEC.md §4), including
 * which entries absorb the leftover: the largest residuals first, ties at the higher index.
 */
import { numpySum, roundHalfEven, stableArgsort } from './numeric';

const TOTAL_TOLERANCE = 1e-6;

export function roundPreservingSum(values: readonly number[]): number[] {
  const ints = values.map(roundHalfEven);
  const target = roundHalfEven(numpySum(values));
  let current = roundHalfEven(numpySum(ints));
  // NaN totals make the comparison false, so rows with NaN or inf are left as plain rounding.
  while (Math.abs(current - target) > TOTAL_TOLERANCE) {
    const gap = roundHalfEven(target - current);
    const step = gap < 0 ? -1 : 1;
    const count = Math.min(Math.abs(gap), values.length);
    const residuals = values.map((v, i) => v - ints[i]);
    const order = stableArgsort(residuals);
    if (step === 1) order.reverse();
    for (let j = 0; j < count; j++) ints[order[j]] += step;
    current = roundHalfEven(numpySum(ints));
  }
  return ints;
}

export function roundPreservingRowTotals(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => roundPreservingSum(row));
}
