/**
 * Head statistics and rollout on causal (lower-triangular) attention: previous-token heads, first-token
 * "sink" heads, entropy normalised by the keys each row can see, and rollout that stays causal.
 */
import { describe, expect, it } from 'vitest';
import { attentionRollout, headSummaries, topHeads } from '../../../src/core/attention';

const seq = 6;
/** One layer, three heads: previous token, first token (sink), uniform over the visible prefix. */
function causalHeads(): Float32Array {
  const probs = new Float32Array(3 * seq * seq);
  for (let i = 0; i < seq; i++) {
    probs[0 * seq * seq + i * seq + Math.max(0, i - 1)] = 1;
    probs[1 * seq * seq + i * seq + 0] = 1;
    for (let j = 0; j <= i; j++) probs[2 * seq * seq + i * seq + j] = 1 / (i + 1);
  }
  return probs;
}

describe('causal attention statistics', () => {
  const summaries = headSummaries(causalHeads(), [1, 3, seq, seq], undefined, undefined, { causal: true });

  it('finds the previous-token head and the first-token sink head', () => {
    expect(topHeads(summaries, 'previousTokenShare', 1)[0].head).toBe(0);
    expect(summaries[0].previousTokenShare).toBeCloseTo((seq - 1) / seq, 12);
    expect(topHeads(summaries, 'firstTokenShare', 1)[0].head).toBe(1);
    expect(summaries[1].firstTokenShare).toBe(1);
    expect(summaries[0].firstTokenShare).toBeCloseTo(1 / (seq - 1), 12); // only row 1's previous token is the first
  });

  it('normalises entropy by the keys each row can see: uniform over the prefix is 1, one-hot is 0', () => {
    expect(summaries[2].normalizedEntropy).toBeCloseTo(1, 12);
    expect(summaries[1].normalizedEntropy).toBe(0);
    // Without the causal option the same head looks far from uniform (normalised by ln(seq) for every row).
    const plain = headSummaries(causalHeads(), [1, 3, seq, seq]);
    expect(plain[2].normalizedEntropy).toBeLessThan(0.8);
  });

  it('rollout under a causal mask stays lower-triangular with rows summing to 1', () => {
    const stacked = new Float32Array(2 * 3 * seq * seq);
    stacked.set(causalHeads(), 0);
    stacked.set(causalHeads(), 3 * seq * seq);
    const { rollout } = attentionRollout(stacked, [2, 3, seq, seq]);
    for (let layer = 0; layer < 2; layer++)
      for (let i = 0; i < seq; i++) {
        const row = rollout.subarray(layer * seq * seq + i * seq, layer * seq * seq + (i + 1) * seq);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
        for (let j = i + 1; j < seq; j++) expect(row[j]).toBe(0);
      }
  });
});
