/**
 * Combining feature blocks (e.g. transformer embeddings and TF-IDF for the "both" setting): each
 * block's rows are scaled to unit length first so neither dominates by sheer magnitude.
 */
import type { FeatureMatrix } from './logistic-regression';

/** Rows scaled to unit L2 norm (all-zero rows stay zero), as a new Float32Array matrix. */
export function l2NormalizeRows(matrix: FeatureMatrix): FeatureMatrix & { data: Float32Array } {
  const { rows, cols, data } = matrix;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let j = 0; j < cols; j++) norm += data[i * cols + j] * data[i * cols + j];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] * scale;
  }
  return { rows, cols, data: out };
}

export interface ConcatOptions {
  /** L2-normalise each block's rows before joining (default true). */
  normalize?: boolean;
  /** Per-block weights applied after normalising (default 1 each). */
  weights?: readonly number[];
}

export function concatFeatureBlocks(
  blocks: readonly FeatureMatrix[],
  options: ConcatOptions = {},
): FeatureMatrix & { data: Float32Array } {
  if (blocks.length === 0) throw new Error('No feature blocks to concatenate.');
  const rows = blocks[0].rows;
  const bad = blocks.findIndex((b) => b.rows !== rows);
  if (bad >= 0) throw new Error(`Feature block ${bad} has ${blocks[bad].rows} rows, block 0 has ${rows}.`);
  const prepared = options.normalize === false ? blocks : blocks.map(l2NormalizeRows);
  const cols = blocks.reduce((sum, b) => sum + b.cols, 0);
  const data = new Float32Array(rows * cols);
  let offset = 0;
  prepared.forEach((block, b) => {
    const weight = options.weights?.[b] ?? 1;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < block.cols; j++) data[i * cols + offset + j] = block.data[i * block.cols + j] * weight;
    }
    offset += block.cols;
  });
  return { rows, cols, data };
}
