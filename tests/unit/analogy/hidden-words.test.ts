import { describe, expect, it } from 'vitest';
import {
  hideInAnswer,
  hideInNeighbours,
  MAX_HIDDEN_WORDS,
  parseHiddenWords,
  withoutHidden,
} from '../../../src/core/analogy/hidden-words';
import type { AnalogySpaceAnswer } from '../../../src/core/contracts/analogy';

const ranked = (...words: string[]) => words.map((word, i) => ({ word, score: 1 - i / 10 }));

describe('hidden words', () => {
  it('reads a typed list once per word, whatever the separators, case or spaces', () => {
    expect(parseHiddenWords(' Brute, fool;\nbrute \n\n FOOL,wretch,')).toEqual(['Brute', 'fool', 'wretch']);
    expect(parseHiddenWords('')).toEqual([]);
    const many = Array.from({ length: MAX_HIDDEN_WORDS + 5 }, (_, i) => `w${i}`).join(',');
    expect(parseHiddenWords(many)).toHaveLength(MAX_HIDDEN_WORDS);
  });

  it('leaves the hidden words out after ranking, keeps k shown and counts what it hid above the cut', () => {
    const list = ranked('queen', 'brute', 'princess', '##brute', 'lady', 'Fool', 'duchess');
    const { shown, hiddenCount } = withoutHidden(list, ['brute', 'fool'], 3);
    expect(shown.map((c) => c.word)).toEqual(['queen', 'princess', 'lady']);
    // brute and ##brute were above the third word shown; Fool was below it and is not counted.
    expect(hiddenCount).toBe(2);
    expect(shown.map((c) => c.score)).toEqual([1, 0.8, 0.6]);
    expect(withoutHidden(list, [], 3)).toEqual({ shown: list.slice(0, 3), hiddenCount: 0 });
  });

  it('takes hidden words out of the picture too, the first word left becoming d when the answer is hidden', () => {
    const answer: AnalogySpaceAnswer = {
      space: 'static',
      label: 'Static word vectors',
      ok: true,
      error: null,
      method: '3CosAdd',
      centered: false,
      size: 10,
      dim: 2,
      candidates: ranked('brute', 'queen', 'princess'),
      queryWords: [],
      usedPieceAverage: false,
      picture: {
        points: [
          { label: 'king', role: 'a', x: 0, y: 0 },
          { label: 'brute', role: 'answer', x: 1, y: 1 },
          { label: 'queen', role: 'candidate', x: 2, y: 2 },
          { label: 'b − a + c', role: 'target', x: 3, y: 3 },
        ],
        explained: [0.5, 0.3],
      },
    };
    const shown = hideInAnswer(answer, ['Brute'], 2);
    expect(shown.candidates.map((c) => c.word)).toEqual(['queen', 'princess']);
    expect(shown.hiddenCount).toBe(1);
    expect(shown.picture!.points.map((p) => [p.label, p.role])).toEqual([
      ['king', 'a'],
      ['queen', 'answer'],
      ['b − a + c', 'target'],
    ]);
    const neighbours = hideInNeighbours(
      {
        space: 'static',
        label: 'x',
        ok: true,
        error: null,
        matched: 'king',
        pieces: null,
        neighbours: ranked('brute', 'queen'),
      },
      ['brute'],
      5,
    );
    expect(neighbours.neighbours.map((n) => n.word)).toEqual(['queen']);
    expect(neighbours.hiddenCount).toBe(1);
  });
});
