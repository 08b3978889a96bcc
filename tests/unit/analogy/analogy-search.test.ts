import { describe, expect, it } from 'vitest';
import {
  nearestNeighbours,
  resolveWord,
  solveAnalogy,
  type AnalogyAnswer,
  type AnalogyOutcome,
} from '../../../src/core/analogy';
import { cosine, HAND_WORDS, handSpace } from './fixtures';

function answer(outcome: AnalogyOutcome): AnalogyAnswer {
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
}
const vec = (word: string) => HAND_WORDS.find(([w]) => w === word)![1];

describe('solveAnalogy on a hand-built space', () => {
  const space = handSpace();

  it('man : king :: woman : queen with both methods', () => {
    for (const method of ['3CosAdd', '3CosMul'] as const) {
      const result = answer(solveAnalogy(space, 'man', 'king', 'woman', { method, k: 3 }));
      expect(result.candidates[0].word).toBe('queen');
      expect(result.usedPieceAverage).toBe(false);
    }
  });

  it('3CosAdd scores equal cos(x,b) − cos(x,a) + cos(x,c)', () => {
    const result = answer(solveAnalogy(space, 'man', 'king', 'woman', { k: 5 }));
    for (const { word, score } of result.candidates) {
      const x = vec(word);
      expect(score).toBeCloseTo(cosine(x, vec('king')) - cosine(x, vec('man')) + cosine(x, vec('woman')), 6);
    }
  });

  it('3CosMul matches a direct computation with shifted cosines and ε = 0.001', () => {
    const result = answer(solveAnalogy(space, 'man', 'king', 'woman', { method: '3CosMul', k: 20 }));
    const shifted = (x: number[], y: number[]) => (cosine(x, y) + 1) / 2;
    const direct = HAND_WORDS.map(([word, x], row) => ({
      word,
      row,
      score: (shifted(x, vec('king')) * shifted(x, vec('woman'))) / (shifted(x, vec('man')) + 0.001),
    }))
      .filter(({ word }) => !['man', 'king', 'woman', '[PAD]', '[unused0]', '##s'].includes(word))
      .sort((p, q) => q.score - p.score || p.row - q.row);
    expect(result.candidates.map((c) => c.word)).toEqual(direct.map((d) => d.word));
    result.candidates.forEach((c, i) => expect(c.score).toBeCloseTo(direct[i].score, 6));
  });

  it('a query word that would win is excluded, and its would-be rank is reported', () => {
    // man : boy :: woman : ?  boy ≈ man, so the target b − a + c is close to woman herself.
    const excluded = answer(solveAnalogy(space, 'man', 'boy', 'woman', { k: 3 }));
    expect(excluded.candidates[0].word).toBe('girl');
    expect(excluded.candidates.map((c) => c.word)).not.toContain('woman');
    const womanRank = excluded.queryWordRanks.find((r) => r.role === 'c')!;
    expect(womanRank).toMatchObject({ label: 'woman', rank: 1, excluded: true });
    const included = answer(solveAnalogy(space, 'man', 'boy', 'woman', { k: 3, includeQueryWords: true }));
    expect(included.candidates[0].word).toBe('woman');
    expect(included.candidates[0].score).toBeCloseTo(womanRank.score, 12);
  });

  it('ties go to the lower index; whole-word filtering drops [unused0] and ##s', () => {
    const filtered = answer(solveAnalogy(space, 'man', 'king', 'woman', { k: 2 }));
    expect(filtered.candidates.map((c) => c.word)).toEqual(['queen', 'queenly']);
    expect(filtered.candidates[0].score).toBe(filtered.candidates[1].score);
    const all = answer(solveAnalogy(space, 'man', 'king', 'woman', { k: 3, wholeWordsOnly: false }));
    expect(all.candidates.map((c) => c.word)).toEqual(['[unused0]', 'queen', 'queenly']);
  });

  it('pieces: averaged vector, flag in the result, pieces excluded from answers', () => {
    const pieces = { label: 'queens', pieces: [5, 8] };
    const resolved = resolveWord(space, pieces);
    if (!resolved.ok) throw new Error('unexpected');
    const mean = vec('queen').map((q, d) => (q + vec('##s')[d]) / 2);
    const norm = Math.hypot(...mean);
    Array.from(resolved.word.vector).forEach((x, d) => expect(x).toBeCloseTo(mean[d] / norm, 6));
    expect(resolved.word.averagedPieces).toBe(true);
    const result = answer(solveAnalogy(space, 'woman', pieces, 'man', { k: 3 }));
    expect(result.usedPieceAverage).toBe(true);
    expect(result.candidates.map((c) => c.word)).not.toContain('queen');
    expect(result.queryWordRanks.map((r) => r.role)).toEqual(['a', 'c']);
  });

  it('out-of-vocabulary words give a typed result naming the word', () => {
    const outcome = solveAnalogy(space, 'man', 'kingg', 'woman');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ kind: 'out-of-vocabulary', word: 'kingg', role: 'b' });
    expect(outcome.error.message).toContain('"kingg"');
    // Upper case falls back to the lower-case entry unless disabled.
    expect(solveAnalogy(space, 'Man', 'King', 'Woman').ok).toBe(true);
    expect(solveAnalogy(space, 'Man', 'King', 'Woman', { lowercaseFallback: false }).ok).toBe(false);
  });
});

describe('nearestNeighbours', () => {
  it('ranks whole words by cosine, excluding the word itself', () => {
    const space = handSpace();
    const result = nearestNeighbours(space, 'king', { k: 4 });
    if (!result.ok) throw new Error(result.error.message);
    const expected = HAND_WORDS.map(([word, x], row) => ({ word, row, score: cosine(x, vec('king')) }))
      .filter(({ word }) => !['king', '[PAD]', '[unused0]', '##s'].includes(word))
      .sort((p, q) => q.score - p.score || p.row - q.row)
      .slice(0, 4);
    expect(result.neighbours.map((n) => n.word)).toEqual(expected.map((e) => e.word));
    result.neighbours.forEach((n, i) => expect(n.score).toBeCloseTo(expected[i].score, 6));
  });
});
