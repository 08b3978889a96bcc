/**
 * Choosing the next token of a continuation from a next-token distribution, as Hugging Face's
 * generate() does it: temperature, then top-k, then top-p (nucleus), then a draw from what is left —
 * or greedy (the most probable token, ties to the lower id). Works on probabilities in float64
 * (temperature τ: p^(1/τ) renormalised, which is softmax(logits / τ)). Draws come from the seeded Rng,
 * so the same seed gives the same continuation everywhere.
 */
import type { Rng } from '../random';

export interface DecodingSettings {
  strategy: 'greedy' | 'sample';
  /** > 0; 1 leaves the distribution as it is. */
  temperature: number;
  /** Keep the k most probable tokens; 0 keeps all. */
  topK: number;
  /** Keep the smallest set of most probable tokens whose mass reaches p; 1 keeps all. */
  topP: number;
}

export const GREEDY: DecodingSettings = { strategy: 'greedy', temperature: 1, topK: 0, topP: 1 };

export function validateDecoding(settings: DecodingSettings): DecodingSettings {
  if (settings.strategy !== 'greedy' && settings.strategy !== 'sample')
    throw new RangeError(`Decoding is "greedy" or "sample", got "${String(settings.strategy)}".`);
  if (!(settings.temperature > 0 && settings.temperature <= 10))
    throw new RangeError(`The temperature must be above 0 and at most 10, got ${settings.temperature}.`);
  if (!Number.isInteger(settings.topK) || settings.topK < 0)
    throw new RangeError(`top-k must be a whole number ≥ 0 (0 = off), got ${settings.topK}.`);
  if (!(settings.topP > 0 && settings.topP <= 1))
    throw new RangeError(`top-p must be above 0 and at most 1 (1 = off), got ${settings.topP}.`);
  return settings;
}

/** Token ids by probability, highest first, ties to the lower id. */
function ranked(probs: ArrayLike<number>): number[] {
  const ids = Array.from({ length: probs.length }, (_, i) => i);
  return ids.sort((a, b) => probs[b] - probs[a] || a - b);
}

/**
 * The distribution a sampled token is drawn from: temperature, top-k and top-p applied, renormalised
 * (zeros outside the kept set). Greedy settings give the one-hot of the argmax.
 */
export function decodingDistribution(probs: ArrayLike<number>, settings: DecodingSettings): Float64Array {
  validateDecoding(settings);
  const out = new Float64Array(probs.length);
  const order = ranked(probs);
  if (settings.strategy === 'greedy') {
    out[order[0]] = 1;
    return out;
  }
  // Temperature in log space relative to the top probability (no underflow for the kept tokens).
  const top = Math.log(probs[order[0]]);
  for (let i = 0; i < probs.length; i++)
    out[i] = probs[i] > 0 ? Math.exp((Math.log(probs[i]) - top) / settings.temperature) : 0;
  let keep = order.length;
  if (settings.topK > 0) keep = Math.min(keep, settings.topK);
  let total = 0;
  for (let r = 0; r < keep; r++) total += out[order[r]];
  if (settings.topP < 1) {
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += out[order[r]] / total;
      if (mass >= settings.topP) {
        keep = r + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let r = 0; r < order.length; r++) {
    if (r < keep) kept += out[order[r]];
    else out[order[r]] = 0;
  }
  for (let i = 0; i < out.length; i++) out[i] /= kept;
  return out;
}

/** The next token: argmax for greedy, else one draw (one Rng float) from decodingDistribution. */
export function chooseNextToken(probs: ArrayLike<number>, settings: DecodingSettings, rng: Rng): number {
  const distribution = decodingDistribution(probs, settings);
  if (settings.strategy === 'greedy') return distribution.indexOf(1);
  const u = rng.nextFloat();
  let cumulative = 0;
  let last = -1;
  for (const id of ranked(distribution)) {
    if (distribution[id] === 0) break;
    last = id;
    cumulative += distribution[id];
    if (u < cumulative) return id;
  }
  return last; // rounding left u above the total
}
