/**
 * Inverted dropout (Srivastava et al. 2014, as PyTorch's nn.Dropout): while training each unit is kept with
 * probability 1 − p and a kept unit is scaled by 1 / (1 − p), so a unit's expected value is unchanged and the
 * network is used as it is at evaluation, with no rescaling.
 */
import type { Rng } from '../random';

/** Fills `out` with the mask's multipliers: 0 for a dropped unit, 1 / (1 − p) for a kept one. */
export function fillDropoutMask(rng: Rng, p: number, out: Float64Array): Float64Array {
  if (!(p >= 0 && p < 1)) throw new Error(`A dropout probability must be at least 0 and below 1 (got ${p}).`);
  if (p === 0) return out.fill(1);
  const scale = 1 / (1 - p);
  for (let i = 0; i < out.length; i++) out[i] = rng.nextFloat() < p ? 0 : scale;
  return out;
}
