/**
 * Inner loops of the analogy search. E is the [V, D] row-major matrix of unit rows (each candidate row
 * contiguous), queries are Float32Array vectors. `dot` is the only place products are summed, so the
 * single-query path and the block evaluation produce bit-identical scores.
 */

/** Σ_d E[eOff+d]·q[qOff+d], unrolled by 4 with four accumulators (independent adds pipeline better). */
export function dot(E: Float32Array, eOff: number, q: Float32Array, qOff: number, D: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let d = 0;
  for (; d + 3 < D; d += 4) {
    s0 += E[eOff + d] * q[qOff + d];
    s1 += E[eOff + d + 1] * q[qOff + d + 1];
    s2 += E[eOff + d + 2] * q[qOff + d + 2];
    s3 += E[eOff + d + 3] * q[qOff + d + 3];
  }
  for (; d < D; d++) s0 += E[eOff + d] * q[qOff + d];
  return s0 + s1 + (s2 + s3);
}

/** out[v] = E_v · q for every row. */
export function dotAll(E: Float32Array, V: number, D: number, q: Float32Array, out: Float64Array): Float64Array {
  for (let v = 0, off = 0; v < V; v++, off += D) out[v] = dot(E, off, q, 0, D);
  return out;
}

/** Cosines with three unit query vectors in one pass over E (each row read from memory once, then from L1). */
export function dotAllThree(
  E: Float32Array,
  V: number,
  D: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  outA: Float64Array,
  outB: Float64Array,
  outC: Float64Array,
): void {
  for (let v = 0, off = 0; v < V; v++, off += D) {
    outA[v] = dot(E, off, a, 0, D);
    outB[v] = dot(E, off, b, 0, D);
    outC[v] = dot(E, off, c, 0, D);
  }
}

/** 3CosAdd direction b − a + c: its dot product with a unit row x equals cos(x,b) − cos(x,a) + cos(x,c). */
export function cosAddTarget(a: Float32Array, b: Float32Array, c: Float32Array): Float32Array {
  const target = new Float32Array(a.length);
  for (let d = 0; d < a.length; d++) target[d] = b[d] - a[d] + c[d];
  return target;
}

/** Levy & Goldberg (2014) 3CosMul with cosines shifted to [0, 1] as (cos + 1)/2. */
export function cosMulScore(cosA: number, cosB: number, cosC: number, epsilon: number): number {
  return (((cosB + 1) / 2) * ((cosC + 1) / 2)) / ((cosA + 1) / 2 + epsilon);
}
