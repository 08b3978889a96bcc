/**
 * The fixed, seeded split of positions into the half temperature scaling is fitted on and the half it is
 * scored on: a shuffle of the indices with CALIBRATION_SPLIT_SEED, the first ⌊n / 2⌋ fit. The same number of
 * positions always splits the same way, so a rerun of the same text gives the same figures.
 */
import { CALIBRATION_SPLIT_SEED } from '../contracts/calibration';
import { createRng, shuffleInPlace } from '../random';

/** 1 for a fit position, 0 for a test position. */
export function fitTestSplit(count: number, seed = CALIBRATION_SPLIT_SEED): Uint8Array {
  const order = shuffleInPlace(
    Array.from({ length: count }, (_, i) => i),
    createRng(seed),
  );
  const fit = new Uint8Array(count);
  for (let i = 0; i < Math.floor(count / 2); i++) fit[order[i]] = 1;
  return fit;
}

export function indicesWhere(flags: Uint8Array, value: 0 | 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i] === value) out.push(i);
  return out;
}
