/**
 * Shannon entropy in nats with the convention 0·log 0 = 0, accumulated in float64.
 * Reads `count` values of `values` starting at `offset`, so callers can point at one row of a flat tensor.
 */
export function entropy(values: ArrayLike<number>, offset = 0, count = values.length - offset): number {
  let h = 0;
  for (let c = offset; c < offset + count; c++) {
    const p = values[c];
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Index of the largest value; ties go to the lower index, so argmax is deterministic. */
export function argmax(values: ArrayLike<number>, offset = 0, count = values.length - offset): number {
  let best = 0;
  for (let c = 1; c < count; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}
