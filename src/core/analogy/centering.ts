/**
 * Mean-centering: subtract the mean of the ORIGINAL vectors (all rows) and normalise again. Token
 * embeddings share a large common direction that inflates every cosine; removing it often helps analogies.
 * Returns a new space; the input is untouched.
 */
import { createVectorSpace, type VectorSpace } from './vector-space';
import { allocateMatrix } from './wasm-dot';

export function meanCentered(space: VectorSpace): VectorSpace {
  const { size, dim, unit, norms } = space;
  const mean = new Float64Array(dim);
  for (let v = 0, off = 0; v < size; v++, off += dim) {
    for (let d = 0; d < dim; d++) mean[d] += unit[off + d] * norms[v];
  }
  for (let d = 0; d < dim; d++) mean[d] /= size;
  const centered = allocateMatrix(size, dim); // in wasm memory when it can be, so createVectorSpace keeps it in place
  for (let v = 0, off = 0; v < size; v++, off += dim) {
    for (let d = 0; d < dim; d++) centered[off + d] = unit[off + d] * norms[v] - mean[d];
  }
  return createVectorSpace(space.words, centered, {
    kind: space.kind,
    wholeWord: space.wholeWord,
    inPlace: true,
    centered: true,
  });
}
