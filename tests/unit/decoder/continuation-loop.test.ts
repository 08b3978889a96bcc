/** The continuation loop with a fake model: token choice, statistics per token, stopping rules. */
import { describe, expect, it } from 'vitest';
import { continueText, type NextTokenStep } from '../../../src/core/generation/continuation';
import { GREEDY } from '../../../src/core/generation/sampling';
import { createRng } from '../../../src/core/random';

const V = 4;
/** Predicts (last id + 1) mod V with probability 0.7; samples disagree more on odd steps. */
const fake: NextTokenStep = async (ids, step) => {
  const next = (ids[ids.length - 1] + 1) % V;
  const dist = (p: number) => Float64Array.from({ length: V }, (_, v) => (v === next ? p : (1 - p) / (V - 1)));
  const T = 4;
  const samples = new Float64Array(T * V);
  for (let t = 0; t < T; t++) samples.set(dist(step % 2 === 1 ? (t % 2 ? 0.9 : 0.3) : 0.7), t * V);
  return { deterministic: dist(0.7), samples, samplesCount: T, graphRuns: 1 };
};

const base = {
  decoding: GREEDY,
  eosTokenId: null,
  maxPositions: 100,
  labelOf: (id: number) => `t${id}`,
  rng: createRng(1),
};

describe('continueText', () => {
  it('greedy: follows the argmax, one step per token, statistics per token', async () => {
    const run = await continueText([0], fake, { ...base, maxNewTokens: 5 });
    expect(run.tokens.map((t) => t.id)).toEqual([1, 2, 3, 0, 1]);
    expect(run.stoppedBy).toBe('length');
    expect(run.graphRuns).toBe(5);
    expect(run.tokens[0].probability).toBeCloseTo(0.7, 12);
    expect(run.tokens[0].mutualInformation).toBeCloseTo(0, 12);
    expect(run.tokens[1].mutualInformation).toBeGreaterThan(0.01);
    for (const t of run.tokens)
      expect(Math.abs(t.predictiveEntropy - t.expectedEntropy - t.mutualInformation)).toBeLessThan(1e-12);
    expect(run.tokens[0].candidates[0]).toMatchObject({ id: 1, label: 't1' });
  });

  it('stops at the end-of-text token (kept) and at the maximum positions', async () => {
    expect(
      (await continueText([0], fake, { ...base, maxNewTokens: 10, eosTokenId: 3 })).tokens.map((t) => t.id),
    ).toEqual([1, 2, 3]);
    const capped = await continueText([0, 1], fake, { ...base, maxNewTokens: 10, maxPositions: 4 });
    expect(capped.tokens).toHaveLength(2);
    expect(capped.stoppedBy).toBe('max-positions');
  });

  it('sampling repeats with the seed and checks its settings', async () => {
    const sampled = (seed: number) =>
      continueText([0], fake, {
        ...base,
        maxNewTokens: 12,
        decoding: { strategy: 'sample', temperature: 1.5, topK: 0, topP: 1 },
        rng: createRng(seed),
      });
    const a = (await sampled(3)).tokens.map((t) => t.id);
    expect((await sampled(3)).tokens.map((t) => t.id)).toEqual(a);
    expect((await sampled(4)).tokens.map((t) => t.id)).not.toEqual(a);
    await expect(continueText([0], fake, { ...base, maxNewTokens: 0 })).rejects.toThrow(/from 1 to/);
    await expect(continueText([], fake, { ...base, maxNewTokens: 1 })).rejects.toThrow(/prompt/);
  });
});
