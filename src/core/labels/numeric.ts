/**
 * Numeric primitives that reproduce numpy's float behaviour bit for bit, so confident learning
 * gives exactly cleanlab's answers (see tests/fixtures/cleanlab/SPEC.md §0).
 */

/** numpy processes reductions in buffers of this many elements and adds the buffer results in order. */
const REDUCTION_CHUNK = 8192;
/** Below this length numpy's pairwise summation switches to 8 interleaved accumulators. */
const PAIRWISE_BLOCK = 128;

/** Accessor so the same summation can walk rows, columns or gathered entries without copying. */
export type ValueAt = (index: number) => number;

function pairwise(at: ValueAt, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += at(start + i);
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = at(start),
      r1 = at(start + 1),
      r2 = at(start + 2),
      r3 = at(start + 3);
    let r4 = at(start + 4),
      r5 = at(start + 5),
      r6 = at(start + 6),
      r7 = at(start + 7);
    const blocked = n - (n % 8);
    for (let i = 8; i < blocked; i += 8) {
      r0 += at(start + i);
      r1 += at(start + i + 1);
      r2 += at(start + i + 2);
      r3 += at(start + i + 3);
      r4 += at(start + i + 4);
      r5 += at(start + i + 5);
      r6 += at(start + i + 6);
      r7 += at(start + i + 7);
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (let i = blocked; i < n; i++) res += at(start + i);
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwise(at, start, half) + pairwise(at, start + half, n - half);
}

/** np.sum of a 1-D sequence of `length` values read through `at`. */
export function numpySumBy(length: number, at: ValueAt): number {
  let total = 0;
  for (let start = 0; start < length; start += REDUCTION_CHUNK) {
    total += pairwise(at, start, Math.min(REDUCTION_CHUNK, length - start));
  }
  return total;
}

/** np.sum of a 1-D array. */
export function numpySum(values: ArrayLike<number>): number {
  return numpySumBy(values.length, (i) => values[i]);
}

/** np.round / np.rint: halves go to the even neighbour (JS Math.round sends them up). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac < 0.5) return floor;
  if (frac > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** What x86 numpy gives for NaN or ±inf cast to int64. */
export const INT64_MIN = -9223372036854775808;

/** ndarray.astype(int): truncation toward zero. */
export function truncateToInt(x: number): number {
  return Number.isFinite(x) ? Math.trunc(x) : INT64_MIN;
}

/** np.argmax: the first index of the maximum (NaN wins, as in numpy). */
export function argmaxFirst(row: ArrayLike<number>): number {
  let best = 0;
  let bestValue = row[0];
  if (Number.isNaN(bestValue)) return 0;
  for (let k = 1; k < row.length; k++) {
    const v = row[k];
    if (Number.isNaN(v)) return k;
    if (v > bestValue) {
      best = k;
      bestValue = v;
    }
  }
  return best;
}

/**
 * Indices that sort `keys` ascending (NaN last, as numpy). Exact ties go by `tieRank` (lower first)
 * and then by position, i.e. a stable sort. numpy's introsort leaves the order of ties in arrays
 * longer than 16 unspecified; `tieRank` lets a caller replay any particular tie order.
 */
export function stableArgsort(keys: ArrayLike<number>, tieRank?: ArrayLike<number>): number[] {
  const order = Array.from({ length: keys.length }, (_, i) => i);
  order.sort((a, b) => {
    const ka = keys[a],
      kb = keys[b];
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    const aNaN = Number.isNaN(ka),
      bNaN = Number.isNaN(kb);
    if (aNaN !== bNaN) return aNaN ? 1 : -1;
    if (tieRank) {
      const d = tieRank[a] - tieRank[b];
      if (d !== 0) return d;
    }
    return a - b;
  });
  return order;
}

/**
 * The positions (into `subset`) of subset members sorted by key, ties by the members' row rank.
 * Used where numpy argsorts a gathered sub-array, e.g. the rows of one class.
 */
export function argsortSubset(
  subset: readonly number[],
  keyOf: (row: number) => number,
  tieRank?: ArrayLike<number>,
): number[] {
  const keys = new Float64Array(subset.length);
  for (let i = 0; i < subset.length; i++) keys[i] = keyOf(subset[i]);
  const rowRanks = tieRank ? Float64Array.from(subset, (row) => tieRank[row]) : undefined;
  return stableArgsort(keys, rowRanks);
}
