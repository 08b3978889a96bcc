/**
 * Per-head summary statistics of attention patterns, one record per (layer, head), each averaged
 * over the query rows of real tokens.
 *
 * Padding: only real positions take part. Each real query row is restricted to the real key columns
 * and divided by its remaining mass, so statistics describe a proper distribution over real tokens
 * (a model that masks padding puts ~0 there anyway; the division only removes rounding). A row with
 * no mass left on real keys is treated as uniform over them.
 */
import { checkAttentionShape, matrixOffset, validPositions, type AttentionShape, type PaddingSpec } from './shape';
import { maxEntropyNats } from './entropy';

export interface HeadSummary {
  layer: number;
  head: number;
  /** Mean over query rows of the row entropy, in nats. */
  meanEntropy: number;
  /** Same, in bits. */
  meanEntropyBits: number;
  /** meanEntropy / ln(number of real positions): 0 = every row one-hot, 1 = every row uniform. */
  normalizedEntropy: number;
  /** Mean over query rows of Σⱼ p(i,j)·|i−j|, in positions (original indices, so padding gaps do not shrink it). */
  meanDistance: number;
  /** Mean over query rows of the mass on positions flagged in `specialMask` (e.g. [CLS]/[SEP]). */
  specialShare: number;
  /** Mean over query rows of p(i, i−1); rows with no real previous token contribute 0. */
  previousTokenShare: number;
  /** Mean over query rows of p(i, i). */
  selfShare: number;
  /**
   * Mean over query rows after the first real token of the mass on that first token: high in "attention
   * sink" heads, which decoders (GPT-2, Llama) park on the first token when nothing else is relevant.
   */
  firstTokenShare: number;
}

export type HeadStatKey = Exclude<keyof HeadSummary, 'layer' | 'head'>;

/** Statistics for every (layer, head), ordered layer-major like the tensor. */
export function headSummaries(
  probs: ArrayLike<number>,
  shape: AttentionShape,
  specialMask?: ArrayLike<boolean | number>,
  padding?: PaddingSpec,
  options: { causal?: boolean } = {},
): HeadSummary[] {
  checkAttentionShape(probs, shape);
  const [layers, heads, seq] = shape;
  if (specialMask && specialMask.length !== seq) {
    throw new Error(`Special-token mask has ${specialMask.length} entries, expected ${seq}.`);
  }
  const kept = validPositions(seq, padding);
  const summaries: HeadSummary[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < heads; head++) {
      summaries.push({
        layer,
        head,
        ...matrixStats(probs, matrixOffset(shape, layer, head), seq, kept, specialMask, options.causal ?? false),
      });
    }
  }
  return summaries;
}

type MatrixStats = Omit<HeadSummary, 'layer' | 'head'>;

function matrixStats(
  probs: ArrayLike<number>,
  offset: number,
  seq: number,
  kept: readonly number[],
  specialMask: ArrayLike<boolean | number> | undefined,
  causal: boolean,
): MatrixStats {
  const n = kept.length;
  const first = kept[0] ?? 0;
  let firstShare = 0;
  // Causal: row i can only attend to keys j ≤ i, so its entropy is normalised by ln(keys it can see).
  let normalizedSum = 0;
  let normalizedRows = 0;
  const isKept = new Uint8Array(seq);
  for (const j of kept) isKept[j] = 1;
  let entropy = 0,
    distance = 0,
    special = 0,
    previous = 0,
    self = 0;
  for (const i of kept) {
    const row = offset + i * seq;
    let mass = 0;
    for (const j of kept) mass += probs[row + j];
    // Zero mass on real keys: fall back to uniform rather than divide by zero.
    const uniform = !(mass > 0);
    const scale = uniform ? 0 : 1 / mass;
    let h = 0,
      d = 0,
      s = 0;
    for (const j of kept) {
      const p = uniform ? 1 / n : probs[row + j] * scale;
      if (p > 0) h -= p * Math.log(p);
      d += p * Math.abs(i - j);
      if (specialMask && specialMask[j]) s += p;
    }
    entropy += h;
    if (causal) {
      const visible = kept.filter((j) => j <= i).length;
      if (visible > 1) {
        normalizedSum += h / maxEntropyNats(visible);
        normalizedRows++;
      }
    }
    if (i > first) firstShare += uniform ? 1 / n : probs[row + first] * scale;
    distance += d;
    special += s;
    if (i > 0 && isKept[i - 1]) previous += uniform ? 1 / n : probs[row + i - 1] * scale;
    self += uniform ? 1 / n : probs[row + i] * scale;
  }
  const rows = Math.max(n, 1);
  const meanEntropy = entropy / rows;
  const maxEntropy = maxEntropyNats(n);
  return {
    meanEntropy,
    meanEntropyBits: meanEntropy / Math.LN2,
    normalizedEntropy: causal
      ? normalizedRows > 0
        ? normalizedSum / normalizedRows
        : 0
      : maxEntropy > 0
        ? meanEntropy / maxEntropy
        : 0,
    meanDistance: distance / rows,
    specialShare: special / rows,
    previousTokenShare: previous / rows,
    selfShare: self / rows,
    firstTokenShare: n > 1 ? firstShare / (n - 1) : 0,
  };
}

/**
 * Sorted copy of the summaries by one statistic, largest first by default, so the UI can list
 * "previous-token heads" (key 'previousTokenShare') or "[SEP] sink heads" ('specialShare' with a
 * [SEP]-only mask). Ties keep layer-major order, so the result is deterministic.
 */
export function sortHeads(
  summaries: readonly HeadSummary[],
  key: HeadStatKey,
  order: 'desc' | 'asc' = 'desc',
): HeadSummary[] {
  const sign = order === 'desc' ? -1 : 1;
  return [...summaries].sort((x, y) => sign * (x[key] - y[key]) || x.layer - y.layer || x.head - y.head);
}

/** The first `k` heads of `sortHeads`, optionally only those whose statistic passes `threshold`. */
export function topHeads(
  summaries: readonly HeadSummary[],
  key: HeadStatKey,
  k: number,
  options: { order?: 'desc' | 'asc'; threshold?: number } = {},
): HeadSummary[] {
  const order = options.order ?? 'desc';
  const { threshold } = options;
  const passes = (s: HeadSummary) =>
    threshold === undefined || (order === 'desc' ? s[key] >= threshold : s[key] <= threshold);
  return sortHeads(summaries, key, order).filter(passes).slice(0, k);
}
