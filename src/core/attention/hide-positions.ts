/**
 * Hide positions (typically [CLS]/[SEP], or padding): drop their rows and columns and renormalise each
 * remaining row so it sums to 1 again. The result is a smaller [L, H, K, K] tensor plus the indices of the
 * kept positions, so the UI can relabel axes.
 */
import { checkAttentionShape, type AttentionShape } from './shape';

export interface HiddenPositionsResult {
  probs: Float32Array;
  shape: AttentionShape;
  /** Original indices of the kept positions, ascending. */
  kept: number[];
  /** True when any row was rescaled (some mass sat on hidden columns); the UI should say the rows were renormalised. */
  renormalized: boolean;
  /** Rows that had no mass left on kept columns and were replaced by uniform rows (original indices). */
  uniformRows: Array<{ layer: number; head: number; row: number }>;
}

/** Mass below this on kept columns counts as zero (float32 softmax output cannot be trusted beyond it). */
const ZERO_MASS = 1e-30;
/** Rescaling by a factor this close to 1 is rounding, not renormalisation worth reporting. */
const RESCALE_REPORT_TOLERANCE = 1e-6;

export function hidePositions(
  probs: ArrayLike<number>,
  shape: AttentionShape,
  hide: ArrayLike<boolean | number>,
): HiddenPositionsResult {
  checkAttentionShape(probs, shape);
  const [layers, heads, seq] = shape;
  if (hide.length !== seq) throw new Error(`Hide mask has ${hide.length} entries, expected ${seq}.`);
  const kept: number[] = [];
  for (let i = 0; i < seq; i++) if (!hide[i]) kept.push(i);
  const k = kept.length;
  const out = new Float32Array(layers * heads * k * k);
  const uniformRows: HiddenPositionsResult['uniformRows'] = [];
  let renormalized = false;
  for (let m = 0; m < layers * heads; m++) {
    const src = m * seq * seq;
    const dst = m * k * k;
    for (let r = 0; r < k; r++) {
      const row = src + kept[r] * seq;
      let mass = 0;
      for (const j of kept) mass += probs[row + j];
      const target = dst + r * k;
      if (!(mass > ZERO_MASS)) {
        out.fill(1 / k, target, target + k);
        uniformRows.push({ layer: Math.floor(m / heads), head: m % heads, row: kept[r] });
        continue;
      }
      if (Math.abs(mass - 1) > RESCALE_REPORT_TOLERANCE) renormalized = true;
      for (let c = 0; c < k; c++) out[target + c] = probs[row + kept[c]] / mass;
    }
  }
  return { probs: out, shape: [layers, heads, k, k], kept, renormalized, uniformRows };
}
