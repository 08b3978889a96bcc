/**
 * WebAssembly SIMD dot-product kernels for the analogy search, built from bytes right here (no .wasm file to
 * fetch, no eval: only WebAssembly.Module/Instance on bytes, which a Content-Security-Policy allows with
 * 'wasm-unsafe-eval'). They give the SAME values as the plain-JS kernels in dot-kernels.ts, bit for bit:
 * the JS kernels multiply float32 values in double precision (exact) and sum even coordinates into one
 * double accumulator and odd coordinates into another, in increasing d, then even + odd. Here each f64x2
 * accumulator holds exactly that pair (lane 0 = even, lane 1 = odd): two float32 values are widened with
 * f64x2.promote_low_f32x4, multiplied by the query (kept as doubles) and added lane-wise in the same order.
 * There is no fused multiply-add in wasm SIMD, so every rounding step is the same as in JS.
 *
 * The kernels read the matrix from their own linear memory, so the matrix must live there: allocateMatrix()
 * hands out a Float32Array backed by a dedicated WebAssembly.Memory (one per matrix, never grown, so the view
 * never detaches) with scratch room after it for the query, the row list and the results. dotAll/dotAllThree
 * in dot-kernels.ts take this path whenever E is such an array and fall back to JS otherwise (no WebAssembly
 * SIMD, compilation refused, odd D, or a small matrix allocated in the JS heap).
 */
import {
  I32,
  V128,
  f64x2Add,
  f64x2Mul,
  lane,
  name,
  op,
  promoteLow,
  section,
  uleb,
  v128Load,
  v128Load64Zero,
  v128Zero,
  vec,
  codeSection,
  moduleBytes,
} from '../wasm-assembler';

/** Matrices with fewer values than this stay in the JS heap (the JS kernels are fast enough there, and every wasm memory reserves address space). */
export const WASM_MIN_VALUES = 1 << 16;

/**
 * Shape of the single-query kernel (rowsBody): rows per group, coordinate pairs per step of its inner loop.
 * Measured on 30,522 × 768 (kernel alone, Node 20, x64, median of 21): 4 × 2 10.9 ms, 6 × 2 9.6, 8 × 2 8.6–8.8,
 * 8 × 1 and 8 × 4 within 0.3 of 8 × 2, 10 × 2 8.0–8.2, 12 × 2 8.1, 14 × 2 7.9, 16 × 2 8.4 (accumulators spill).
 * Ten rows leave x64's 16 vector registers some slack. Loading four floats at once (v128.load, then
 * promote_low and a shuffle + promote_low for the upper two) measured 11.8–12.3 ms against 9.5–9.8 for two
 * v128.load64_zero + promote_low (4-row groups, same run), so pairs are loaded as 64-bit halves.
 */
const ROWS = 10;
const PAIRS_PER_STEP = 2;
/**
 * Rows per group in the three-query kernel (threeBody). Measured as above: 1 row 16.1 ms, 2 rows 15.3, 3 rows 13.8,
 * 4 rows 14.0 (the first version, which widened each E pair once per query, took 19.6 with 2 rows).
 */
const THREE_ROWS = 3;

/** Local acc += (the two float32 at address row + k + offset, widened to f64x2) × local q. */
function macc(acc: number, row: number, k: number, offset: number, q: number): number[] {
  return [
    ...op.get(acc),
    ...op.get(row),
    ...op.get(k),
    ...op.add,
    ...v128Load64Zero(offset),
    ...promoteLow,
    ...op.get(q),
    ...f64x2Mul,
    ...f64x2Add,
    ...op.set(acc),
  ];
}

/** res[offset] = lane0(acc) + lane1(acc), with res + j on the stack first. */
function storeSum(acc: number, resPtr: number, offset: number): number[] {
  return [
    ...op.get(resPtr),
    ...op.get(acc),
    ...lane(0),
    ...op.get(acc),
    ...lane(1),
    ...op.f64Add,
    ...op.f64Store(offset),
  ];
}

/**
 * rows(q, rowBytes, idx, n, res): for every group of `rowCount` row byte-addresses idx[i..] (n a multiple of
 * rowCount), res[i + m] = E_row · q with q an array of doubles at byte address q. rowBytes = 4·D, a multiple
 * of 8. The rows of a group share each load of q and give independent add chains (one per row, as the
 * canonical order needs); the inner loop takes `pairsPerStep` coordinate pairs per step, then single pairs.
 */
function rowsBody(rowCount: number, pairsPerStep: number): number[] {
  // params: 0 q, 1 rowBytes, 2 idx, 3 n, 4 res
  const [Q, ROW_BYTES, IDX, N, RES] = [0, 1, 2, 3, 4];
  // locals: end (idx end), p0..p(R−1), k (byte offset in row), qp, main (rowBytes rounded down to a whole step), acc0..acc(R−1), qv
  const END = 5,
    P = Array.from({ length: rowCount }, (_, m) => 6 + m);
  const K = 6 + rowCount,
    QP = K + 1,
    MAIN = K + 2;
  const ACC = Array.from({ length: rowCount }, (_, m) => MAIN + 1 + m),
    QV = MAIN + 1 + rowCount;
  const stepBytes = 8 * pairsPerStep;
  const locals = vec([
    [...uleb(4 + rowCount), I32],
    [...uleb(rowCount + 1), V128],
  ]);
  const pairs = (count: number) =>
    Array.from({ length: count }, (_, j) => [
      ...op.get(QP),
      ...v128Load(16 * j),
      ...op.set(QV),
      ...P.flatMap((p, m) => macc(ACC[m], p, K, 8 * j, QV)),
    ]).flat();
  const code: number[] = [
    // end = idx + 4n; main = rowBytes rounded down to a multiple of stepBytes
    ...op.get(IDX),
    ...op.get(N),
    ...op.i32(2),
    0x74 /* shl */,
    ...op.add,
    ...op.set(END),
    ...op.get(ROW_BYTES),
    ...op.i32(-stepBytes),
    ...op.and,
    ...op.set(MAIN),
    ...op.block,
    ...op.get(IDX),
    ...op.get(END),
    0x4f /* ge_u */,
    ...op.brIf(0),
    ...op.loop,
    ...P.flatMap((p, m) => [...op.get(IDX), ...op.i32Load(4 * m), ...op.set(p)]),
    ...ACC.flatMap((acc) => [...v128Zero, ...op.set(acc)]),
    ...op.i32(0),
    ...op.set(K),
    ...op.get(Q),
    ...op.set(QP),
    // main loop: pairsPerStep coordinate pairs per step
    ...op.block,
    ...op.get(MAIN),
    0x45 /* eqz */,
    ...op.brIf(0),
    ...op.loop,
    ...pairs(pairsPerStep),
    ...op.get(QP),
    ...op.i32(2 * stepBytes),
    ...op.add,
    ...op.set(QP),
    ...op.get(K),
    ...op.i32(stepBytes),
    ...op.add,
    ...op.tee(K),
    ...op.get(MAIN),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    // the remaining pairs, one at a time
    ...op.block,
    ...op.get(K),
    ...op.get(ROW_BYTES),
    0x4f /* ge_u */,
    ...op.brIf(0),
    ...op.loop,
    ...pairs(1),
    ...op.get(QP),
    ...op.i32(16),
    ...op.add,
    ...op.set(QP),
    ...op.get(K),
    ...op.i32(8),
    ...op.add,
    ...op.tee(K),
    ...op.get(ROW_BYTES),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...ACC.flatMap((acc, m) => storeSum(acc, RES, 8 * m)),
    ...op.get(RES),
    ...op.i32(8 * rowCount),
    ...op.add,
    ...op.set(RES),
    ...op.get(IDX),
    ...op.i32(4 * rowCount),
    ...op.add,
    ...op.tee(IDX),
    ...op.get(END),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  return [...locals, ...code, ...op.end];
}

/**
 * three(qa, qb, qc, rowBytes, idx, n, res): for every group of `rowCount` row byte-addresses idx[i..] (n a
 * multiple of rowCount), res[3(i + r) + m] = E_idx[i+r] · q_m for the three double queries q_0..2 = qa, qb, qc.
 * Each pair of E values is loaded and widened once per step and used for all three queries.
 */
function threeBody(rowCount: number): number[] {
  // params: 0 qa, 1 qb, 2 qc, 3 rowBytes, 4 idx, 5 n, 6 res
  const QS = [0, 1, 2],
    ROW_BYTES = 3,
    IDX = 4,
    N = 5,
    RES = 6;
  // locals: end, row addresses, k (byte offset in a row), qoff (byte offset into the queries, 2k); then
  // qv, the widened E pairs of each row, and the accumulators (row r, query m at 3r + m)
  const END = 7,
    P = Array.from({ length: rowCount }, (_, r) => 8 + r),
    K = 8 + rowCount,
    QOFF = K + 1;
  const QV = QOFF + 1,
    EV = P.map((_, r) => QV + 1 + r),
    ACC = Array.from({ length: 3 * rowCount }, (_, j) => QV + 1 + rowCount + j);
  const locals = vec([
    [...uleb(3 + rowCount), I32],
    [...uleb(1 + 4 * rowCount), V128],
  ]);
  const code: number[] = [
    ...op.get(IDX),
    ...op.get(N),
    ...op.i32(2),
    0x74,
    ...op.add,
    ...op.set(END),
    ...op.block,
    ...op.get(IDX),
    ...op.get(END),
    0x4f,
    ...op.brIf(0),
    ...op.loop,
    ...P.flatMap((p, r) => [...op.get(IDX), ...op.i32Load(4 * r), ...op.set(p)]),
    ...ACC.flatMap((acc) => [...v128Zero, ...op.set(acc)]),
    ...op.i32(0),
    ...op.set(K),
    ...op.i32(0),
    ...op.set(QOFF),
    ...op.block,
    ...op.get(ROW_BYTES),
    ...op.i32(8),
    ...op.ltU,
    ...op.brIf(0),
    ...op.loop,
    ...P.flatMap((p, r) => [
      ...op.get(p),
      ...op.get(K),
      ...op.add,
      ...v128Load64Zero(0),
      ...promoteLow,
      ...op.set(EV[r]),
    ]),
    ...QS.flatMap((q, m) => [
      ...op.get(q),
      ...op.get(QOFF),
      ...op.add,
      ...v128Load(0),
      ...op.set(QV),
      ...EV.flatMap((ev, r) => [
        ...op.get(ACC[3 * r + m]),
        ...op.get(ev),
        ...op.get(QV),
        ...f64x2Mul,
        ...f64x2Add,
        ...op.set(ACC[3 * r + m]),
      ]),
    ]),
    ...op.get(QOFF),
    ...op.i32(16),
    ...op.add,
    ...op.set(QOFF),
    ...op.get(K),
    ...op.i32(8),
    ...op.add,
    ...op.tee(K),
    ...op.get(ROW_BYTES),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...ACC.flatMap((acc, j) => storeSum(acc, RES, 8 * j)),
    ...op.get(RES),
    ...op.i32(24 * rowCount),
    ...op.add,
    ...op.set(RES),
    ...op.get(IDX),
    ...op.i32(4 * rowCount),
    ...op.add,
    ...op.tee(IDX),
    ...op.get(END),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  return [...locals, ...code, ...op.end];
}

/** The module: imports env.memory, exports rows and three. */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  const types = section(
    1,
    vec([
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])],
    ]),
  );
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]));
  const functions = section(3, vec([[0], [1]]));
  const exports = section(
    7,
    vec([
      [...name('rows'), 0x00, 0],
      [...name('three'), 0x00, 1],
    ]),
  );
  return moduleBytes([
    types,
    imports,
    functions,
    exports,
    codeSection([rowsBody(ROWS, PAIRS_PER_STEP), threeBody(THREE_ROWS)]),
  ]);
}

// ---- matrices in wasm memory ----------------------------------------------------------------------------

interface Kernels {
  rows(q: number, rowBytes: number, idx: number, n: number, res: number): void;
  three(qa: number, qb: number, qc: number, rowBytes: number, idx: number, n: number, res: number): void;
}

/** A matrix in its own wasm memory plus scratch space: queries (3·D doubles), a row list and results (3 per row). */
export interface WasmMatrix {
  readonly kernels: Kernels;
  readonly memory: WebAssembly.Memory;
  readonly rows: number;
  readonly dim: number;
  readonly queryPtr: number;
  readonly idxPtr: number;
  readonly resPtr: number;
  readonly queries: Float64Array;
  readonly idx: Uint32Array;
  readonly res: Float64Array;
}

let compiled: WebAssembly.Module | null | undefined;
/** Room for padding the row list to a whole group (at most 15 extra rows). */
const PAD = 16;
const arenas = new WeakMap<ArrayBufferLike, WasmMatrix>();
let disabled = false;

function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function') {
      const bytes = kernelModuleBytes();
      // Synchronous compile of a module this small (~1 KB) is allowed everywhere, main thread included.
      if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    }
  } catch {
    compiled = null; // no SIMD, or a Content-Security-Policy without 'wasm-unsafe-eval'
  }
  return compiled;
}

/** Whether the wasm SIMD kernels can run here. */
export function wasmKernelsAvailable(): boolean {
  return !disabled && kernelModule() !== null;
}

/** Turn the wasm path off (true) or back on: for tests and side-by-side benchmarks of the JS kernels. */
export function setWasmKernelsDisabled(value: boolean): void {
  disabled = value;
}

/**
 * A zeroed Float32Array of rows × dim values. When WebAssembly SIMD is available, dim is even and the matrix
 * has at least `minValues` values, it lives in a wasm memory of its own so dotAll/dotAllThree can use the SIMD
 * kernels; otherwise it is a plain Float32Array.
 */
export function allocateMatrix(rows: number, dim: number, minValues = WASM_MIN_VALUES): Float32Array {
  return allocateWasmMatrix(rows, dim, minValues) ?? new Float32Array(rows * dim);
}

/** Like allocateMatrix, but null instead of a JS-heap array when the matrix cannot live in wasm memory. */
export function allocateWasmMatrix(rows: number, dim: number, minValues = WASM_MIN_VALUES): Float32Array | null {
  const values = rows * dim;
  const module = values >= minValues && dim % 2 === 0 ? kernelModule() : null;
  if (!module) return null;
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const queryPtr = align(values * 4);
  const idxPtr = queryPtr + align(3 * dim * 8);
  const resPtr = idxPtr + align((rows + PAD) * 4);
  const bytes = resPtr + 3 * (rows + PAD) * 8;
  if (bytes > 2 ** 32 - 65536) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const buffer = memory.buffer;
    arenas.set(buffer, {
      kernels: instance.exports as unknown as Kernels,
      memory,
      rows,
      dim,
      queryPtr,
      idxPtr,
      resPtr,
      queries: new Float64Array(buffer, queryPtr, 3 * dim),
      idx: new Uint32Array(buffer, idxPtr, rows + PAD),
      res: new Float64Array(buffer, resPtr, 3 * (rows + PAD)),
    });
    return new Float32Array(buffer, 0, values);
  } catch {
    return null; // out of memory or address space for a wasm memory: stay in the JS heap
  }
}

/** True when E (rows × dim values) lives in a wasm matrix made by allocateMatrix. */
export function isWasmMatrix(E: Float32Array, rows: number, dim: number): boolean {
  return arenaFor(E, rows, dim) !== null;
}

function arenaFor(E: Float32Array, V: number, D: number): WasmMatrix | null {
  const arena = arenas.get(E.buffer);
  if (!arena || arena.dim !== D || D % 2 !== 0 || E.byteOffset + V * D * 4 > arena.queryPtr || V > arena.rows)
    return null;
  return arena;
}

/** The wasm matrix holding E, if E is (a view into) one and the kernels may run for D; else null. */
export function wasmMatrixOf(E: Float32Array, V: number, D: number): WasmMatrix | null {
  return disabled ? null : arenaFor(E, V, D);
}

/**
 * out[v] = E_v · q for v in 0..V−1, or only where rows[v] is non-zero, with the wasm kernel (values identical
 * to dot-kernels.ts). `arena` from wasmMatrixOf(E, V, D).
 */
export function wasmDotAll(
  arena: WasmMatrix,
  E: Float32Array,
  V: number,
  D: number,
  q: Float32Array,
  out: Float64Array,
  rows?: Uint8Array,
): void {
  const { idx, res, queries } = arena;
  for (let d = 0; d < D; d++) queries[d] = q[d];
  const n = fillRowList(idx, E.byteOffset, V, D, rows);
  if (n === 0) return;
  const padded = Math.ceil(n / ROWS) * ROWS;
  for (let i = n; i < padded; i++) idx[i] = idx[n - 1];
  arena.kernels.rows(arena.queryPtr, D * 4, arena.idxPtr, padded, arena.resPtr);
  if (!rows) {
    out.set(res.subarray(0, V));
    return;
  }
  const base = E.byteOffset,
    rowBytes = D * 4;
  for (let i = 0; i < n; i++) out[(idx[i] - base) / rowBytes] = res[i];
}

/** outA/B/C[v] = E_v · a, b, c for every row or the rows flagged in `rows`, with the wasm kernel. */
export function wasmDotAllThree(
  arena: WasmMatrix,
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
  const { idx, res, queries } = arena;
  for (let d = 0; d < D; d++) {
    queries[d] = a[d];
    queries[D + d] = b[d];
    queries[2 * D + d] = c[d];
  }
  const n = fillRowList(idx, E.byteOffset, V, D, rows);
  if (n === 0) return;
  const padded = Math.ceil(n / THREE_ROWS) * THREE_ROWS;
  for (let i = n; i < padded; i++) idx[i] = idx[n - 1];
  const q = arena.queryPtr;
  arena.kernels.three(q, q + D * 8, q + 2 * D * 8, D * 4, arena.idxPtr, padded, arena.resPtr);
  const base = E.byteOffset,
    rowBytes = D * 4;
  for (let i = 0; i < n; i++) {
    const v = rows ? (idx[i] - base) / rowBytes : i;
    outA[v] = res[3 * i];
    outB[v] = res[3 * i + 1];
    outC[v] = res[3 * i + 2];
  }
}

/** Byte addresses of the wanted rows, in increasing order; returns how many. */
function fillRowList(idx: Uint32Array, base: number, V: number, D: number, rows?: Uint8Array): number {
  const rowBytes = D * 4;
  let n = 0;
  if (!rows) {
    for (let v = 0, p = base; v < V; v++, p += rowBytes) idx[v] = p;
    return V;
  }
  for (let v = 0, p = base; v < V; v++, p += rowBytes) if (rows[v]) idx[n++] = p;
  return n;
}
