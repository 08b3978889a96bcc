/**
 * Inner loops of the analogy search. E is the [V, D] row-major matrix of unit rows (each candidate row
 * contiguous); query vectors are Float32Array.
 *
 * Every kernel sums a dot product in the SAME canonical order: even coordinates into one accumulator, odd
 * coordinates into another, each in increasing d, then even + odd. Two independent chains keep the adder
 * busy, and because the order is fixed, the single-vector, three-vector and four-vector kernels return
 * bit-identical values for the same (row, query) pair. That is what makes block evaluation agree exactly
 * with one-at-a-time queries. The multi-vector kernels load each element of E once for several queries.
 *
 * dotAll and dotAllThree (the single-query passes) run WebAssembly SIMD kernels (wasm-dot.ts) when E lives in
 * wasm memory, as every VectorSpace matrix of 65,536+ values does where WebAssembly SIMD is available; those
 * keep the same order and give the same values bit for bit, 2–2.7× faster. The code below is the fallback.
 */
import { wasmDotAll, wasmDotAllThree, wasmMatrixOf } from './wasm-dot';

/** E_row · q, unrolled by 4. */
export function dot(E: Float32Array, eOff: number, q: Float32Array, qOff: number, D: number): number {
  let even = 0,
    odd = 0;
  let d = 0;
  for (; d + 3 < D; d += 4) {
    const e = eOff + d,
      k = qOff + d;
    even += E[e] * q[k];
    odd += E[e + 1] * q[k + 1];
    even += E[e + 2] * q[k + 2];
    odd += E[e + 3] * q[k + 3];
  }
  for (; d < D; d++) {
    if ((d & 1) === 0) even += E[eOff + d] * q[qOff + d];
    else odd += E[eOff + d] * q[qOff + d];
  }
  return even + odd;
}

/** E_row · a, E_row · b, E_row · c in one pass over the row, written to out[o..o+2]. */
export function dot3(
  E: Float32Array,
  eOff: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  D: number,
  out: Float64Array,
  o: number,
): void {
  let a0 = 0,
    a1 = 0,
    b0 = 0,
    b1 = 0,
    c0 = 0,
    c1 = 0;
  let d = 0;
  for (; d + 1 < D; d += 2) {
    const e0 = E[eOff + d],
      e1 = E[eOff + d + 1];
    a0 += e0 * a[d];
    a1 += e1 * a[d + 1];
    b0 += e0 * b[d];
    b1 += e1 * b[d + 1];
    c0 += e0 * c[d];
    c1 += e1 * c[d + 1];
  }
  if (d < D) {
    const e0 = E[eOff + d];
    a0 += e0 * a[d];
    b0 += e0 * b[d];
    c0 += e0 * c[d];
  }
  out[o] = a0 + a1;
  out[o + 1] = b0 + b1;
  out[o + 2] = c0 + c1;
}

/** E_row · Q_m for the four consecutive rows m = 0..3 of Q starting at qOff (row-major [4, D]), to out[o..o+3]. */
export function dot4(
  E: Float32Array,
  eOff: number,
  Q: Float32Array,
  qOff: number,
  D: number,
  out: Float64Array,
  o: number,
): void {
  let a0 = 0,
    a1 = 0,
    b0 = 0,
    b1 = 0,
    c0 = 0,
    c1 = 0,
    f0 = 0,
    f1 = 0;
  const qa = qOff,
    qb = qOff + D,
    qc = qOff + 2 * D,
    qf = qOff + 3 * D;
  let d = 0;
  for (; d + 1 < D; d += 2) {
    const e0 = E[eOff + d],
      e1 = E[eOff + d + 1];
    a0 += e0 * Q[qa + d];
    a1 += e1 * Q[qa + d + 1];
    b0 += e0 * Q[qb + d];
    b1 += e1 * Q[qb + d + 1];
    c0 += e0 * Q[qc + d];
    c1 += e1 * Q[qc + d + 1];
    f0 += e0 * Q[qf + d];
    f1 += e1 * Q[qf + d + 1];
  }
  if (d < D) {
    const e0 = E[eOff + d];
    a0 += e0 * Q[qa + d];
    b0 += e0 * Q[qb + d];
    c0 += e0 * Q[qc + d];
    f0 += e0 * Q[qf + d];
  }
  out[o] = a0 + a1;
  out[o + 1] = b0 + b1;
  out[o + 2] = c0 + c1;
  out[o + 3] = f0 + f1;
}

/**
 * E_r · q for the four consecutive rows r = v..v+3 starting at eOff, to out[v..v+3]. Each q element is loaded
 * once for four rows; this is the single-query hot loop (measured ~1.4× faster than four `dot` calls in V8).
 */
export function dotRows4(
  E: Float32Array,
  eOff: number,
  q: Float32Array,
  D: number,
  out: Float64Array,
  v: number,
): void {
  let a0 = 0,
    a1 = 0,
    b0 = 0,
    b1 = 0,
    c0 = 0,
    c1 = 0,
    f0 = 0,
    f1 = 0;
  const r1 = eOff + D,
    r2 = r1 + D,
    r3 = r2 + D;
  let d = 0;
  for (; d + 1 < D; d += 2) {
    const p0 = q[d],
      p1 = q[d + 1];
    a0 += E[eOff + d] * p0;
    a1 += E[eOff + d + 1] * p1;
    b0 += E[r1 + d] * p0;
    b1 += E[r1 + d + 1] * p1;
    c0 += E[r2 + d] * p0;
    c1 += E[r2 + d + 1] * p1;
    f0 += E[r3 + d] * p0;
    f1 += E[r3 + d + 1] * p1;
  }
  if (d < D) {
    const p0 = q[d];
    a0 += E[eOff + d] * p0;
    b0 += E[r1 + d] * p0;
    c0 += E[r2 + d] * p0;
    f0 += E[r3 + d] * p0;
  }
  out[v] = a0 + a1;
  out[v + 1] = b0 + b1;
  out[v + 2] = c0 + c1;
  out[v + 3] = f0 + f1;
}

/**
 * E_r · q for four arbitrary rows r0..r3 (row indices), to out[r0..r3]: dotRows4 for rows that are not
 * adjacent, used when a mask leaves gaps. Same summation order as `dot`.
 */
export function dotRowsAt4(
  E: Float32Array,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
  q: Float32Array,
  D: number,
  out: Float64Array,
): void {
  let a0 = 0,
    a1 = 0,
    b0 = 0,
    b1 = 0,
    c0 = 0,
    c1 = 0,
    f0 = 0,
    f1 = 0;
  const o0 = r0 * D,
    o1 = r1 * D,
    o2 = r2 * D,
    o3 = r3 * D;
  let d = 0;
  for (; d + 1 < D; d += 2) {
    const p0 = q[d],
      p1 = q[d + 1];
    a0 += E[o0 + d] * p0;
    a1 += E[o0 + d + 1] * p1;
    b0 += E[o1 + d] * p0;
    b1 += E[o1 + d + 1] * p1;
    c0 += E[o2 + d] * p0;
    c1 += E[o2 + d + 1] * p1;
    f0 += E[o3 + d] * p0;
    f1 += E[o3 + d + 1] * p1;
  }
  if (d < D) {
    const p0 = q[d];
    a0 += E[o0 + d] * p0;
    b0 += E[o1 + d] * p0;
    c0 += E[o2 + d] * p0;
    f0 += E[o3 + d] * p0;
  }
  out[r0] = a0 + a1;
  out[r1] = b0 + b1;
  out[r2] = c0 + c1;
  out[r3] = f0 + f1;
}

/**
 * out[v] = E_v · q for every row, or, with `rows`, only for rows where rows[v] is non-zero (the others are
 * left untouched). Skipping rows that can never be answers (word pieces, special tokens) saves their share
 * of the pass over E: the wanted rows are taken four at a time wherever they are (dotRowsAt4), so gaps in the
 * mask cost nothing extra. Same summation order everywhere, so a value does not depend on which rows were skipped.
 */
export function dotAll(
  E: Float32Array,
  V: number,
  D: number,
  q: Float32Array,
  out: Float64Array,
  rows?: Uint8Array,
): Float64Array {
  const wasm = wasmMatrixOf(E, V, D);
  if (wasm) {
    wasmDotAll(wasm, E, V, D, q, out, rows);
    return out;
  }
  if (!rows) {
    let v = 0;
    for (; v + 3 < V; v += 4) dotRows4(E, v * D, q, D, out, v);
    for (; v < V; v++) out[v] = dot(E, v * D, q, 0, D);
    return out;
  }
  const wanted = new Int32Array(4);
  let n = 0;
  for (let v = 0; v < V; v++) {
    if (!rows[v]) continue;
    wanted[n++] = v;
    if (n === 4) {
      dotRowsAt4(E, wanted[0], wanted[1], wanted[2], wanted[3], q, D, out);
      n = 0;
    }
  }
  for (let i = 0; i < n; i++) out[wanted[i]] = dot(E, wanted[i] * D, q, 0, D);
  return out;
}

/**
 * Two rows against three queries at once (E_r·a, E_r·b, E_r·c for r and s): each query element is loaded
 * once for both rows. Same per-pair summation order as dot3. Writes outA/B/C at r and s.
 */
export function dot3Rows2(
  E: Float32Array,
  r: number,
  s: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  D: number,
  outA: Float64Array,
  outB: Float64Array,
  outC: Float64Array,
): void {
  let ra0 = 0,
    ra1 = 0,
    rb0 = 0,
    rb1 = 0,
    rc0 = 0,
    rc1 = 0;
  let sa0 = 0,
    sa1 = 0,
    sb0 = 0,
    sb1 = 0,
    sc0 = 0,
    sc1 = 0;
  const or = r * D,
    os = s * D;
  let d = 0;
  for (; d + 1 < D; d += 2) {
    const a0 = a[d],
      a1 = a[d + 1],
      b0 = b[d],
      b1 = b[d + 1],
      c0 = c[d],
      c1 = c[d + 1];
    const e0 = E[or + d],
      e1 = E[or + d + 1],
      g0 = E[os + d],
      g1 = E[os + d + 1];
    ra0 += e0 * a0;
    ra1 += e1 * a1;
    rb0 += e0 * b0;
    rb1 += e1 * b1;
    rc0 += e0 * c0;
    rc1 += e1 * c1;
    sa0 += g0 * a0;
    sa1 += g1 * a1;
    sb0 += g0 * b0;
    sb1 += g1 * b1;
    sc0 += g0 * c0;
    sc1 += g1 * c1;
  }
  if (d < D) {
    const e0 = E[or + d],
      g0 = E[os + d];
    ra0 += e0 * a[d];
    rb0 += e0 * b[d];
    rc0 += e0 * c[d];
    sa0 += g0 * a[d];
    sb0 += g0 * b[d];
    sc0 += g0 * c[d];
  }
  outA[r] = ra0 + ra1;
  outB[r] = rb0 + rb1;
  outC[r] = rc0 + rc1;
  outA[s] = sa0 + sa1;
  outB[s] = sb0 + sb1;
  outC[s] = sc0 + sc1;
}

/** Cosines of every row (or of the rows flagged in `rows`) with three unit query vectors, in one pass over E, two rows at a time. */
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
  rows?: Uint8Array,
): void {
  const wasm = wasmMatrixOf(E, V, D);
  if (wasm) {
    wasmDotAllThree(wasm, E, V, D, a, b, c, outA, outB, outC, rows);
    return;
  }
  let pending = -1;
  for (let v = 0; v < V; v++) {
    if (rows && !rows[v]) continue;
    if (pending < 0) {
      pending = v;
      continue;
    }
    dot3Rows2(E, pending, v, a, b, c, D, outA, outB, outC);
    pending = -1;
  }
  if (pending >= 0) {
    const three = new Float64Array(3);
    dot3(E, pending * D, a, b, c, D, three, 0);
    outA[pending] = three[0];
    outB[pending] = three[1];
    outC[pending] = three[2];
  }
}

/** 3CosAdd direction b − a + c (rounded to float32): its dot with a unit row x is cos(x,b) − cos(x,a) + cos(x,c). */
export function cosAddTarget(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  out = new Float32Array(a.length),
  outOff = 0,
): Float32Array {
  for (let d = 0; d < a.length; d++) out[outOff + d] = b[d] - a[d] + c[d];
  return out;
}

/** Levy & Goldberg (2014) 3CosMul with cosines shifted to [0, 1] as (cos + 1)/2. */
export function cosMulScore(cosA: number, cosB: number, cosC: number, epsilon: number): number {
  return (((cosB + 1) / 2) * ((cosC + 1) / 2)) / ((cosA + 1) / 2 + epsilon);
}
