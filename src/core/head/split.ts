/**
 * The held-out split of the head trainer, fixed by the seed: stratified by label, so every class with two or
 * more rows has rows on both sides. The training rows are then cut to the small-data share, nested (the rows
 * of 5% are among those of 10%), so changing the share never changes the held-out rows.
 */
import { createRng, shuffleInPlace } from '../random';

export interface HeadSplit {
  train: Int32Array;
  heldOut: Int32Array;
}

/** Stream ids of the trainer's generators, so the split, the initial weights and the batches never share one. */
export const RNG_STREAMS = { split: 1, init: 2, batches: 3, dropout: 4, mcDropout: 5 } as const;

export function streamSeed(seed: number, stream: number): number {
  return (Math.imul(stream, 0x9e3779b9) ^ (seed >>> 0)) >>> 0;
}

export function splitHeldOut(
  labels: ArrayLike<number>,
  numClasses: number,
  seed: number,
  heldOutFraction: number,
  dataFraction: number,
): HeadSplit {
  if (!(heldOutFraction > 0 && heldOutFraction < 1))
    throw new Error(`The held-out share must be between 0 and 1 (got ${heldOutFraction}).`);
  if (!(dataFraction > 0 && dataFraction <= 1))
    throw new Error(`The share of training rows must be above 0 and at most 1 (got ${dataFraction}).`);
  const rng = createRng(streamSeed(seed, RNG_STREAMS.split));
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const rows of byClass) {
    shuffleInPlace(rows, rng);
    const held =
      rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * heldOutFraction)));
    heldOut.push(...rows.slice(0, held));
    const pool = rows.slice(held);
    const kept = pool.length === 0 ? 0 : Math.max(1, Math.round(pool.length * dataFraction));
    train.push(...pool.slice(0, kept));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: Int32Array.from(train.sort(ascending)), heldOut: Int32Array.from(heldOut.sort(ascending)) };
}
