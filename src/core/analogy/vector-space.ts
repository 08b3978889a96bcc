/**
 * A set of labelled vectors prepared for cosine search: rows are L2-normalised once at build time (the
 * original norms are kept), so every cosine is a plain dot product over contiguous rows.
 */
import { allocateWasmMatrix, isWasmMatrix } from './wasm-dot';
import { isWholeWordToken } from './whole-word';

export type VectorSpaceKind = 'token-embeddings' | 'static' | 'contextual';

export interface VectorSpace {
  readonly kind: VectorSpaceKind;
  /** Label of each row. Duplicates are allowed; lookup finds the first. */
  readonly words: readonly string[];
  readonly size: number;
  readonly dim: number;
  /**
   * Unit rows, row-major [size, dim]. A zero row stays zero (cosine 0 with everything). Lives in a wasm
   * memory of its own when it can (see wasm-dot.ts), which the search kernels need for their SIMD path.
   */
  readonly unit: Float32Array;
  /** L2 norm of each original row. */
  readonly norms: Float32Array;
  /** 1 where the row may be an analogy answer by default (see whole-word.ts). */
  readonly wholeWord: Uint8Array;
  readonly index: ReadonlyMap<string, number>;
  /** True when built by meanCentered(). */
  readonly centered: boolean;
}

export interface VectorSpaceOptions {
  kind?: VectorSpaceKind;
  /** Per-row eligibility, or a rule on the label; default isWholeWordToken. */
  wholeWord?: Uint8Array | ((word: string, row: number) => boolean);
  /**
   * Normalise `vectors` in place instead of copying (the caller gives up the buffer). When the rows can live
   * in wasm memory they are still copied there once, unless `vectors` came from allocateMatrix already.
   */
  inPlace?: boolean;
  centered?: boolean;
}

export function createVectorSpace(
  words: readonly string[],
  vectors: Float32Array,
  options: VectorSpaceOptions = {},
): VectorSpace {
  const size = words.length;
  if (size === 0) throw new Error('A vector space needs at least one word.');
  if (vectors.length % size !== 0) {
    throw new Error(`${vectors.length} values cannot be split into ${size} rows of equal length.`);
  }
  const dim = vectors.length / size;
  if (dim === 0) throw new Error('Vectors have dimension 0.');
  const unit = unitStorage(vectors, size, dim, options.inPlace ?? false);
  const norms = new Float32Array(size);
  for (let v = 0, off = 0; v < size; v++, off += dim) {
    let squares = 0;
    for (let d = 0; d < dim; d++) squares += unit[off + d] * unit[off + d];
    const norm = Math.sqrt(squares);
    norms[v] = norm;
    if (norm > 0) for (let d = 0; d < dim; d++) unit[off + d] /= norm;
  }
  const index = new Map<string, number>();
  words.forEach((word, row) => {
    if (!index.has(word)) index.set(word, row);
  });
  return {
    kind: options.kind ?? 'static',
    words,
    size,
    dim,
    unit,
    norms,
    wholeWord: wholeWordFlags(words, options.wholeWord),
    index,
    centered: options.centered ?? false,
  };
}

/**
 * Where the unit rows live: in a wasm memory of their own when possible (the SIMD search kernels read them
 * there; see wasm-dot.ts), copying `vectors` once unless they already live there; else in the JS heap as before.
 */
function unitStorage(vectors: Float32Array, size: number, dim: number, inPlace: boolean): Float32Array {
  if (inPlace && isWasmMatrix(vectors, size, dim)) return vectors;
  const placed = allocateWasmMatrix(size, dim);
  if (placed) {
    placed.set(vectors);
    return placed;
  }
  return inPlace ? vectors : new Float32Array(vectors);
}

function wholeWordFlags(words: readonly string[], rule: VectorSpaceOptions['wholeWord']): Uint8Array {
  if (rule instanceof Uint8Array) {
    if (rule.length !== words.length)
      throw new Error(`Whole-word flags have ${rule.length} entries, expected ${words.length}.`);
    return new Uint8Array(rule);
  }
  const test = rule ?? isWholeWordToken;
  return Uint8Array.from(words, (word, row) => (test(word, row) ? 1 : 0));
}

/** (a) The model's token-embedding matrix [V, D] with its tokenizer vocabulary (row i = token id i). */
export function fromTokenEmbeddings(
  matrix: Float32Array,
  vocabulary: readonly string[],
  options: { inPlace?: boolean } = {},
): VectorSpace {
  return createVectorSpace(vocabulary, matrix, { kind: 'token-embeddings', inPlace: options.inPlace });
}

/** (d) Contextual vectors computed by the caller (e.g. pooled hidden states); every row is a candidate. */
export function fromContextualVectors(labels: readonly string[], vectors: Float32Array): VectorSpace {
  return createVectorSpace(labels, vectors, { kind: 'contextual', wholeWord: () => true });
}

/** The original (un-normalised) row, rebuilt from the unit row and its norm. */
export function originalRow(space: VectorSpace, row: number): Float32Array {
  const out = space.unit.slice(row * space.dim, (row + 1) * space.dim);
  const norm = space.norms[row];
  for (let d = 0; d < out.length; d++) out[d] *= norm;
  return out;
}
