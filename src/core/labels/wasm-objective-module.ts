/**
 * WebAssembly SIMD kernels for the logistic-regression objective: the two passes over the feature matrix
 * that every evaluation makes (logits Z = X·Wᵀ over the training rows, then the gradient Rᵀ·X from the
 * residuals R), plus the Gram matrix Xᵀ·X the preconditioner's covariance needs. Built from bytes right
 * here, like the analogy kernels (src/core/analogy/wasm-dot.ts): nothing to fetch, no eval, only
 * WebAssembly.Module/Instance on bytes, which the app's CSP allows with 'wasm-unsafe-eval'.
 *
 * Arithmetic is f64 throughout (float32 features are widened exactly with f64x2.promote_low_f32x4), so the
 * values are those of the JS loops up to the order of the additions; no fused multiply-add exists in wasm
 * SIMD. Each module is specialised to one shape (columns, class-group size, padded class count, element
 * type): every offset is then a constant in the instructions, and compiling one costs well under a
 * millisecond. The softmax and everything else stay in JS (logistic-regression.ts).
 *
 * Layout in the module's own memory: X (rows × dPad, float32 or float64, d padded to an even count with
 * zeros), the training rows' byte addresses, W and the gradient as [group][column pair][class in group][2],
 * and the logits / residuals as [row][mPad]. Classes are padded to a whole number of groups with zero
 * weights (their residuals are set to 0), and the row list to a whole block with a row whose residuals are 0.
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
  v128Load64Splat,
  v128Load64Zero,
  v128Store,
  v128Zero,
  vec,
  codeSection,
  moduleBytes,
} from '../wasm-assembler';

const { get, set, tee, i32, i32Load, f64Store, brIf } = op;
const { add: ADD, ltU: LT_U, f64Add: F64_ADD, block: BLOCK, loop: LOOP, end: END } = op;

export interface ObjectiveShape {
  /** Columns padded to an even count. */
  dPad: number;
  /** Classes per group (1..6): the logits kernel keeps 2 rows × group accumulators in registers. */
  group: number;
  /** Classes padded to a whole number of groups. */
  mPad: number;
  /** Bytes per stored feature value: 4 (float32) or 8 (float64). */
  elem: 4 | 8;
  /**
   * Gradient kernel only: accumulate only the column pairs up to each class group's last class (the lower
   * triangle and a little more, when the "classes" are the columns themselves: the covariance).
   */
  triangular?: boolean;
}

/** Rows per block of the gradient kernel: each widened pair of X serves every class of a group for this many rows. */
export const GRADIENT_ROWS = 4;

/**
 * logits(idx, pairs, w, z): for each pair of row addresses idx[2p], idx[2p+1]:
 * z[(2p + r)·mPad + k] = X_row · W_k for every (padded) class k. W in the grouped layout.
 */
function logitsBody(s: ObjectiveShape): number[] {
  const [IDX, PAIRS, W, Z] = [0, 1, 2, 3];
  const [A, B, WP, J, ENDP] = [4, 5, 6, 7, 8];
  const ACC = Array.from({ length: 2 * s.group }, (_, i) => 9 + i);
  const XA = 9 + 2 * s.group,
    XB = XA + 1,
    WV = XA + 2;
  const pairs = s.dPad / 2;
  const groups = s.mPad / s.group;
  const locals = vec([
    [...uleb(5), I32],
    [...uleb(2 * s.group + 3), V128],
  ]);
  // Row addresses advance by the element pair size; J counts bytes within the row.
  const step = 2 * s.elem;
  const body: number[] = [
    ...get(IDX),
    ...get(PAIRS),
    ...i32(3),
    0x74 /* shl: 8 bytes per pair of indices */,
    ...ADD,
    ...set(ENDP),
    ...BLOCK,
    ...get(IDX),
    ...get(ENDP),
    0x4f /* ge_u */,
    ...brIf(0),
    ...LOOP,
    ...get(IDX),
    ...i32Load(0),
    ...set(A),
    ...get(IDX),
    ...i32Load(4),
    ...set(B),
  ];
  for (let gi = 0; gi < groups; gi++) {
    body.push(
      ...ACC.flatMap((acc) => [...v128Zero, ...set(acc)]),
      ...get(W),
      ...i32(gi * pairs * s.group * 16),
      ...ADD,
      ...set(WP),
      ...i32(0),
      ...set(J),
      ...LOOP,
      // xa, xb: the widened pair j of both rows
      ...get(A),
      ...get(J),
      ...ADD,
      ...(s.elem === 4 ? [...v128Load64Zero(0), ...promoteLow] : v128Load(0)),
      ...set(XA),
      ...get(B),
      ...get(J),
      ...ADD,
      ...(s.elem === 4 ? [...v128Load64Zero(0), ...promoteLow] : v128Load(0)),
      ...set(XB),
      ...Array.from({ length: s.group }, (_, c) => [
        ...get(WP),
        ...v128Load(16 * c),
        ...set(WV),
        ...get(ACC[c]),
        ...get(XA),
        ...get(WV),
        ...f64x2Mul,
        ...f64x2Add,
        ...set(ACC[c]),
        ...get(ACC[s.group + c]),
        ...get(XB),
        ...get(WV),
        ...f64x2Mul,
        ...f64x2Add,
        ...set(ACC[s.group + c]),
      ]).flat(),
      ...get(WP),
      ...i32(16 * s.group),
      ...ADD,
      ...set(WP),
      ...get(J),
      ...i32(step),
      ...ADD,
      ...tee(J),
      ...i32(pairs * step),
      ...LT_U,
      ...brIf(0),
      ...END,
      ...Array.from({ length: s.group }, (_, c) => [
        ...get(Z),
        ...get(ACC[c]),
        ...lane(0),
        ...get(ACC[c]),
        ...lane(1),
        ...F64_ADD,
        ...f64Store(8 * (gi * s.group + c)),
        ...get(Z),
        ...get(ACC[s.group + c]),
        ...lane(0),
        ...get(ACC[s.group + c]),
        ...lane(1),
        ...F64_ADD,
        ...f64Store(8 * (s.mPad + gi * s.group + c)),
      ]).flat(),
    );
  }
  body.push(
    ...get(Z),
    ...i32(16 * s.mPad),
    ...ADD,
    ...set(Z),
    ...get(IDX),
    ...i32(8),
    ...ADD,
    ...tee(IDX),
    ...get(ENDP),
    ...LT_U,
    ...brIf(0),
    ...END,
    ...END,
  );
  return [...locals, ...body, ...END];
}

/**
 * gradient(idx, blocks, r, g): for each block of GRADIENT_ROWS row addresses idx[4b..], with residual rows
 * r[(4b + i)·mPad + k]: g[k, j] += Σ_i r_ik · X_row_i[j], g in the grouped layout (accumulated, not cleared).
 */
function gradientBody(s: ObjectiveShape): number[] {
  const [IDX, BLOCKS, R, G] = [0, 1, 2, 3];
  const P = Array.from({ length: GRADIENT_ROWS }, (_, i) => 4 + i);
  const J = 4 + GRADIENT_ROWS,
    GP = J + 1,
    ENDP = J + 2;
  const XV = Array.from({ length: GRADIENT_ROWS }, (_, i) => ENDP + 1 + i);
  const ACC = ENDP + 1 + GRADIENT_ROWS;
  const pairs = s.dPad / 2;
  const groups = s.mPad / s.group;
  const step = 2 * s.elem;
  const locals = vec([
    [...uleb(GRADIENT_ROWS + 3), I32],
    [...uleb(GRADIENT_ROWS + 1), V128],
  ]);
  const body: number[] = [
    ...get(IDX),
    ...get(BLOCKS),
    ...i32(2 + Math.log2(GRADIENT_ROWS)),
    0x74,
    ...ADD,
    ...set(ENDP),
    ...BLOCK,
    ...get(IDX),
    ...get(ENDP),
    0x4f,
    ...brIf(0),
    ...LOOP,
    ...P.flatMap((p, i) => [...get(IDX), ...i32Load(4 * i), ...set(p)]),
  ];
  for (let gi = 0; gi < groups; gi++) {
    body.push(
      ...get(G),
      ...i32(gi * pairs * s.group * 16),
      ...ADD,
      ...set(GP),
      ...i32(0),
      ...set(J),
      ...LOOP,
      ...P.flatMap((p, i) => [
        ...get(p),
        ...get(J),
        ...ADD,
        ...(s.elem === 4 ? [...v128Load64Zero(0), ...promoteLow] : v128Load(0)),
        ...set(XV[i]),
      ]),
      ...Array.from({ length: s.group }, (_, c) => {
        const k = gi * s.group + c;
        const code = [...get(GP), ...v128Load(16 * c), ...set(ACC)];
        for (let i = 0; i < GRADIENT_ROWS; i++) {
          code.push(
            ...get(ACC),
            ...get(R),
            ...v128Load64Splat(8 * (i * s.mPad + k)),
            ...get(XV[i]),
            ...f64x2Mul,
            ...f64x2Add,
            ...set(ACC),
          );
        }
        code.push(...get(GP), ...get(ACC), ...v128Store(16 * c));
        return code;
      }).flat(),
      ...get(GP),
      ...i32(16 * s.group),
      ...ADD,
      ...set(GP),
      ...get(J),
      ...i32(step),
      ...ADD,
      ...tee(J),
      ...i32((s.triangular ? Math.min(pairs, Math.ceil(((gi + 1) * s.group) / 2)) : pairs) * step),
      ...LT_U,
      ...brIf(0),
      ...END,
    );
  }
  body.push(
    ...get(R),
    ...i32(8 * GRADIENT_ROWS * s.mPad),
    ...ADD,
    ...set(R),
    ...get(IDX),
    ...i32(4 * GRADIENT_ROWS),
    ...ADD,
    ...tee(IDX),
    ...get(ENDP),
    ...LT_U,
    ...brIf(0),
    ...END,
    ...END,
  );
  return [...locals, ...body, ...END];
}

export function objectiveModuleBytes(shape: ObjectiveShape): Uint8Array<ArrayBuffer> {
  const fourI32 = [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([])];
  const types = section(1, vec([fourI32]));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]));
  const functions = section(3, vec([[0], [0]]));
  const exports = section(
    7,
    vec([
      [...name('logits'), 0x00, 0],
      [...name('gradient'), 0x00, 1],
    ]),
  );
  return moduleBytes([types, imports, functions, exports, codeSection([logitsBody(shape), gradientBody(shape)])]);
}
