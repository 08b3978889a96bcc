import { describe, expect, it } from 'vitest';
import { reviewOrder, type ReviewFilter } from '../../../src/core/labels/review-order';

// Five rows: 3 and 1 flagged (3 most likely mislabeled), the rest by quality (4 lowest).
const result = {
  rows: 5,
  ranking: Int32Array.from([3, 1]),
  isIssue: Uint8Array.from([0, 1, 0, 1, 0]),
  qualityScores: Float64Array.from([0.9, 0.2, 0.5, 0.1, 0.3]),
  givenLabels: Int32Array.from([0, 1, 0, 1, 0]),
  suggestedLabels: Int32Array.from([0, 0, 0, 0, 1]),
};
const texts = ['Apple pie', 'banana', 'APPLE juice', 'cherry', 'grape'].map((t) => t.toLowerCase());
const all: ReviewFilter = { flaggedOnly: false, given: -1, suggested: -1, search: '' };

describe('review order', () => {
  it('shows flagged rows first in ranking order, then the rest by label quality', () => {
    expect([...reviewOrder(result, all, () => texts)]).toEqual([3, 1, 4, 2, 0]);
  });

  it('narrows to flagged rows, a given or suggested label, and a case-insensitive search', () => {
    expect([...reviewOrder(result, { ...all, flaggedOnly: true }, () => texts)]).toEqual([3, 1]);
    expect([...reviewOrder(result, { ...all, given: 0 }, () => texts)]).toEqual([4, 2, 0]);
    expect([...reviewOrder(result, { ...all, suggested: 1 }, () => texts)]).toEqual([4]);
    expect([...reviewOrder(result, { ...all, search: '  Apple ' }, () => texts)]).toEqual([2, 0]);
  });

  it('does not build the lower-cased texts without a search', () => {
    let built = false;
    reviewOrder(result, all, () => {
      built = true;
      return texts;
    });
    expect(built).toBe(false);
  });
});
