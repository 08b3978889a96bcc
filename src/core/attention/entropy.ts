/**
 * Entropy of one attention row. Natural log (nats) with the convention 0·log 0 = 0, so rows with
 * exact zeros (masked keys) are fine. Accumulates in float64 even though the input is float32.
 */
export function entropyNats(values: ArrayLike<number>, start = 0, end = values.length): number {
  let h = 0;
  for (let k = start; k < end; k++) {
    const p = values[k];
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Converts nats to bits (divide by ln 2). */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

/** Largest possible entropy of a row over n positions (uniform attention): ln n. */
export function maxEntropyNats(n: number): number {
  return n > 0 ? Math.log(n) : 0;
}
