/**
 * Shapes and position selection shared by the attention statistics.
 *
 * Attention probabilities arrive as one flat Float32Array, row-major [layers, heads, seq, seq]:
 * element (l, h, i, j) is how much query position i attends to key position j in head h of layer l.
 */

/** [layers, heads, seq, seq] as one ONNX run returns the stacked Softmax outputs. */
export type AttentionShape = readonly [layers: number, heads: number, seq: number, seq2: number];

/**
 * Which positions hold real tokens. Either the true sequence length (positions ≥ length are padding)
 * or an attention mask over positions (1 / true = real token, 0 / false = padding).
 */
export type PaddingSpec = number | ArrayLike<number | boolean>;

export function checkAttentionShape(probs: ArrayLike<number>, shape: AttentionShape): void {
  const [layers, heads, seq, seq2] = shape;
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`Attention shape must be non-negative integers, got [${shape.join(', ')}].`);
  }
  if (seq !== seq2) throw new Error(`Attention matrices must be square, got [${shape.join(', ')}].`);
  const expected = layers * heads * seq * seq;
  if (probs.length !== expected) {
    throw new Error(`Attention tensor has ${probs.length} values, shape [${shape.join(', ')}] needs ${expected}.`);
  }
}

/** Indices of the real (non-padding) positions, ascending. Without padding information every position is real. */
export function validPositions(seq: number, padding?: PaddingSpec): number[] {
  if (padding === undefined) return range(seq);
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding) || padding < 0 || padding > seq) {
      throw new Error(`Sequence length ${padding} is outside 0..${seq}.`);
    }
    return range(padding);
  }
  if (padding.length !== seq) throw new Error(`Attention mask has ${padding.length} entries, expected ${seq}.`);
  const kept: number[] = [];
  for (let i = 0; i < seq; i++) if (padding[i]) kept.push(i);
  return kept;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Offset of matrix (layer, head) in the flat tensor. */
export function matrixOffset(shape: AttentionShape, layer: number, head: number): number {
  const seq = shape[2];
  return (layer * shape[1] + head) * seq * seq;
}
