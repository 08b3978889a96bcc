/**
 * Numerically stable softmax: subtract each row's maximum before exponentiating so large logits cannot
 * overflow. `logits` may hold several rows of `classes` values back to back; every row is normalised on its own.
 * Computed in float64. A row containing +Infinity puts all mass on those entries; NaN rows stay NaN.
 */
export function softmax(logits: ArrayLike<number>, classes = logits.length, temperature = 1): Float64Array {
  if (classes <= 0 || logits.length % classes !== 0) {
    throw new Error(`Cannot split ${logits.length} logits into rows of ${classes}.`);
  }
  if (!(temperature > 0)) throw new Error(`Softmax temperature must be positive, got ${temperature}.`);
  const out = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]);
    if (max === Infinity) {
      let infinite = 0;
      for (let c = 0; c < classes; c++) if (logits[row + c] === Infinity) infinite++;
      for (let c = 0; c < classes; c++) out[row + c] = logits[row + c] === Infinity ? 1 / infinite : 0;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp((logits[row + c] - max) / temperature);
      out[row + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[row + c] /= sum;
  }
  return out;
}
