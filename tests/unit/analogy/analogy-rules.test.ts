import { describe, expect, it } from 'vitest';
import {
  analogyScores,
  COSMUL_EPSILON,
  createVectorSpace,
  dot,
  dot3,
  dot3Rows2,
  dotRowsAt4,
  solveAnalogy,
  topKRows,
  type AnalogyAnswer,
  type AnalogyOutcome,
} from '../../../src/core/analogy';
import { createRng } from '../../../src/core/random';
import { handSpace } from './fixtures';

function answer(outcome: AnalogyOutcome): AnalogyAnswer {
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
}

describe('3CosMul: exclusion rule and ties on the hand-built space', () => {
  const space = handSpace();

  it('ties go to the lower row (queen before its duplicate queenly; [unused0] first when pieces are allowed)', () => {
    const filtered = answer(solveAnalogy(space, 'man', 'king', 'woman', { method: '3CosMul', k: 2 }));
    expect(filtered.candidates.map((c) => c.word)).toEqual(['queen', 'queenly']);
    expect(filtered.candidates[0].score).toBe(filtered.candidates[1].score);
    const all = answer(solveAnalogy(space, 'man', 'king', 'woman', { method: '3CosMul', k: 3, wholeWordsOnly: false }));
    expect(all.candidates.map((c) => c.word)).toEqual(['[unused0]', 'queen', 'queenly']);
  });

  it('query words are excluded by default; with the toggle they compete and the reported rank is where they land', () => {
    const excluded = answer(solveAnalogy(space, 'man', 'boy', 'woman', { method: '3CosMul', k: 3 }));
    expect(excluded.candidates.map((c) => c.word)).not.toContain('woman');
    expect(excluded.candidates.map((c) => c.word)).not.toContain('boy');
    const ranks = Object.fromEntries(excluded.queryWordRanks.map((r) => [r.label, r]));
    const included = answer(
      solveAnalogy(space, 'man', 'boy', 'woman', { method: '3CosMul', k: 11, includeQueryWords: true }),
    );
    // The would-be rank is among the candidates plus that one word (the other two query words stay out).
    const position = (word: string) =>
      included.candidates
        .filter((c) => c.word === word || !['man', 'boy', 'woman'].includes(c.word))
        .findIndex((c) => c.word === word) + 1;
    for (const word of ['man', 'boy', 'woman']) {
      expect(ranks[word].excluded).toBe(true);
      expect(ranks[word].rank).toBe(position(word));
    }
  });

  it('uses ε = 0.001 from the paper: a candidate opposite to a (shifted cosine 0) scores cos′b·cos′c / ε', () => {
    expect(COSMUL_EPSILON).toBe(0.001);
    const s = createVectorSpace(['a', 'b', 'c', 'x'], Float32Array.from([1, 0, 0, 1, 0, -1, -1, 0]));
    const result = answer(solveAnalogy(s, 'a', 'b', 'c', { method: '3CosMul', k: 1 }));
    // cos(x,a) = −1 → 0, cos(x,b) = cos(x,c) = 0 → 0.5: (0.5 · 0.5) / (0 + 0.001) = 250.
    expect(result.candidates[0].word).toBe('x');
    expect(result.candidates[0].score).toBeCloseTo(250, 9);
  });
});

describe('skipping rows that cannot be answers', () => {
  it('masked scoring equals full scoring on the scored rows (bit for bit), NaN elsewhere; answers unchanged, both methods', () => {
    const rng = createRng(7);
    for (const D of [7, 16]) {
      const V = 203;
      const data = new Float32Array(V * D);
      for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal();
      const words = Array.from({ length: V }, (_, v) =>
        v % 3 === 1 ? `##p${v}` : v % 17 === 0 ? `[unused${v}]` : `w${v}`,
      );
      const space = createVectorSpace(words, data);
      for (const method of ['3CosAdd', '3CosMul'] as const) {
        const [a, b, c] = [
          space.unit.subarray(2 * D, 3 * D),
          space.unit.subarray(3 * D, 4 * D),
          space.unit.subarray(5 * D, 6 * D),
        ];
        const full = analogyScores(space, a, b, c, method);
        const masked = analogyScores(space, a, b, c, method, COSMUL_EPSILON, space.wholeWord);
        for (let v = 0; v < V; v++) {
          if (space.wholeWord[v]) expect(masked[v]).toBe(full[v]);
          else expect(masked[v]).toBeNaN();
        }
        // solveAnalogy (which scores only candidates and query rows) agrees with a brute-force ranking of all scores.
        const result = answer(solveAnalogy(space, 'w2', '##p1', 'w5', { method, k: 15 }));
        const eligible = new Uint8Array(space.wholeWord);
        for (const row of [2, 1, 5]) eligible[row] = 0;
        const fullB = analogyScores(space, a, space.unit.subarray(1 * D, 2 * D), c, method);
        expect(result.candidates.map((x) => x.row)).toEqual(topKRows(fullB, eligible, 15));
        result.candidates.forEach((x) => expect(x.score).toBe(fullB[x.row]));
        const cRank = result.queryWordRanks.find((r) => r.role === 'c')!;
        expect(cRank.score).toBe(fullB[5]);
      }
    }
  });
});

describe('gathered kernels', () => {
  it('dotRowsAt4 and dot3Rows2 equal dot / dot3 bit for bit (odd and even D)', () => {
    const rng = createRng(11);
    for (const D of [5, 8, 13]) {
      const V = 9;
      const E = new Float32Array(V * D);
      for (let i = 0; i < E.length; i++) E[i] = rng.nextNormal();
      const q = [0, 1, 2].map(() => Float32Array.from({ length: D }, () => rng.nextNormal()));
      const out = new Float64Array(V);
      dotRowsAt4(E, 1, 4, 5, 8, q[0], D, out);
      for (const r of [1, 4, 5, 8]) expect(out[r]).toBe(dot(E, r * D, q[0], 0, D));
      const A = new Float64Array(V),
        B = new Float64Array(V),
        C = new Float64Array(V);
      dot3Rows2(E, 2, 7, q[0], q[1], q[2], D, A, B, C);
      const three = new Float64Array(3);
      for (const r of [2, 7]) {
        dot3(E, r * D, q[0], q[1], q[2], D, three, 0);
        expect([A[r], B[r], C[r]]).toEqual([three[0], three[1], three[2]]);
      }
    }
  });
});
