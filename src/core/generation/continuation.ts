/**
 * Continuation with uncertainty: generate N tokens after a prompt, one at a time, and give every
 * generated token the MC-dropout statistics of the distribution it was chosen from.
 *
 * How work is reused (decided and measured, see docs/PERFORMANCE.md "Decoder continuation"): each step is
 * one next-token request over the whole prefix — a fresh run, no KV cache — because
 * - a token's statistics are then exactly those of the next-token task on its prefix with the same seed
 *   (clicking a generated token and running next-token on that prefix gives the same numbers), and every
 *   sample is a whole network with one dropout mask over the whole prefix;
 * - a KV cache would have to be kept per MC sample (T + 1 caches) and would freeze each sample's masks
 *   on earlier positions at the step they were computed, so step n's samples would depend on the path;
 * - at the playground's sizes the rerun costs little: the deterministic prefix layers run once per step
 *   (tiled) and the LM head only at the last position (restricted head), and the measured 64 tokens at
 *   T = 16 on a 4-layer model stay within a few seconds.
 * The token itself is chosen from the dropout-off distribution (the model's own prediction) with the
 * decoding settings; the MC samples measure how sure the model is about that distribution.
 *
 * The step (running the model) is injected, so this loop is pure and tested without a model.
 */
import type { Rng } from '../random';
import { mcStatistics, topKByMeanProbability } from '../uncertainty';
import { chooseNextToken, validateDecoding, type DecodingSettings } from './sampling';

/** One next-token evaluation: the dropout-off distribution and T sampled ones, [T, vocab]. */
export interface NextTokenSamples {
  deterministic: Float64Array;
  samples: Float64Array;
  samplesCount: number;
  graphRuns: number;
}

export type NextTokenStep = (ids: readonly number[], step: number) => Promise<NextTokenSamples>;

export interface ContinuationCandidate {
  id: number;
  label: string;
  /** MC mean probability and its sample std over T. */
  mean: number;
  std: number;
  /** Dropout-off probability. */
  deterministic: number;
}

export interface ContinuationToken {
  id: number;
  /** Readable piece (piece-display.ts). */
  label: string;
  /** Probability of the chosen token under the dropout-off distribution and under the MC mean. */
  probability: number;
  meanProbability: number;
  predictiveEntropy: number;
  expectedEntropy: number;
  mutualInformation: number;
  variationRatio: number;
  /** Top candidates by MC mean at this step (for the "candidates of a clicked token" view). */
  candidates: ContinuationCandidate[];
}

export interface ContinuationOptions {
  maxNewTokens: number;
  decoding: DecodingSettings;
  /** Stop after this token (the model's end of text), included in the output. */
  eosTokenId: number | null;
  /** The model's maximum positions: generation stops when the sequence reaches it. */
  maxPositions: number;
  candidates?: number;
  labelOf: (id: number) => string;
  rng: Rng;
  signal?: AbortSignal;
  onToken?: (token: ContinuationToken, index: number) => void;
}

export interface ContinuationRun {
  tokens: ContinuationToken[];
  stoppedBy: 'length' | 'eos' | 'max-positions';
  graphRuns: number;
}

export const MAX_NEW_TOKENS = 256;

export async function continueText(
  promptIds: readonly number[],
  step: NextTokenStep,
  options: ContinuationOptions,
): Promise<ContinuationRun> {
  validateDecoding(options.decoding);
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1 || options.maxNewTokens > MAX_NEW_TOKENS)
    throw new RangeError(
      `The number of tokens to generate must be from 1 to ${MAX_NEW_TOKENS}, got ${options.maxNewTokens}.`,
    );
  if (promptIds.length === 0) throw new Error('Type a prompt to continue.');
  const ids = [...promptIds];
  const tokens: ContinuationToken[] = [];
  let graphRuns = 0;
  let stoppedBy: ContinuationRun['stoppedBy'] = 'length';
  for (let n = 0; n < options.maxNewTokens; n++) {
    if (ids.length >= options.maxPositions) {
      stoppedBy = 'max-positions';
      break;
    }
    options.signal?.throwIfAborted();
    const { deterministic, samples, samplesCount: T, graphRuns: runs } = await step(ids, n);
    graphRuns += runs;
    const vocab = deterministic.length;
    const stats = mcStatistics(samples, [T, vocab], deterministic);
    const id = chooseNextToken(deterministic, options.decoding, options.rng);
    const candidates = topKByMeanProbability(samples, [T, vocab], options.candidates ?? 10).map((c) => ({
      id: c.index,
      label: options.labelOf(c.index),
      mean: c.mean,
      std: c.std,
      deterministic: deterministic[c.index],
    }));
    const token: ContinuationToken = {
      id,
      label: options.labelOf(id),
      probability: deterministic[id],
      meanProbability: stats.mean[id],
      predictiveEntropy: stats.predictiveEntropy,
      expectedEntropy: stats.expectedEntropy,
      mutualInformation: stats.mutualInformation,
      variationRatio: stats.variationRatio,
      candidates,
    };
    tokens.push(token);
    ids.push(id);
    options.onToken?.(token, n);
    if (options.eosTokenId !== null && id === options.eosTokenId) {
      stoppedBy = 'eos';
      break;
    }
  }
  return { tokens, stoppedBy, graphRuns };
}
