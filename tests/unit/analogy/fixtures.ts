import { createRng } from '../../../src/core/random';
import { createVectorSpace, type VectorSpace } from '../../../src/core/analogy';

/**
 * Hand-built 3-D space. Axes: x = gender (+ male, − female), y = royalty, z = "person".
 * [unused0] duplicates queen at a LOWER index (ties, whole-word filter); queenly duplicates queen at a higher one.
 */
export const HAND_WORDS: Array<[string, number[]]> = [
  ['[PAD]', [0, 0, 0]],
  ['[unused0]', [-1, 1, 1]],
  ['man', [1, 0, 1]],
  ['woman', [-1, 0, 1]],
  ['king', [1, 1, 1]],
  ['queen', [-1, 1, 1]],
  ['boy', [1, 0, 0.8]],
  ['girl', [-1, 0, 0.8]],
  ['##s', [0.1, 0.1, 1]],
  ['queenly', [-1, 1, 1]],
  ['apple', [0.2, -1, 0.1]],
];

export function handSpace(): VectorSpace {
  return createVectorSpace(
    HAND_WORDS.map(([w]) => w),
    Float32Array.from(HAND_WORDS.flatMap(([, v]) => v)),
  );
}

export function randomSpace(seed: number, V: number, D: number): VectorSpace {
  const rng = createRng(seed);
  const data = new Float32Array(V * D);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal();
  return createVectorSpace(
    Array.from({ length: V }, (_, i) => `w${i}`),
    data,
  );
}

/** Cosine of two plain vectors in float64 (the direct computation tests compare against). */
export function cosine(x: readonly number[], y: readonly number[]): number {
  let xy = 0,
    xx = 0,
    yy = 0;
  for (let d = 0; d < x.length; d++) {
    xy += x[d] * y[d];
    xx += x[d] * x[d];
    yy += y[d] * y[d];
  }
  return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
}
