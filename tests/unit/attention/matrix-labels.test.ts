import { describe, expect, it } from 'vitest';
import { exportCellPx, labelledPositions, labelStride } from '../../../src/core/attention/matrix-labels';
import { topKeys } from '../../../src/core/attention/top-keys';

describe('heatmap labels at every length', () => {
  it('labels every token where a line of text fits in a cell, else every k-th', () => {
    expect(labelStride(22)).toBe(1);
    expect(labelStride(12)).toBe(1);
    expect(labelStride(4)).toBe(3);
    expect(labelStride(1)).toBe(11);
    expect(labelledPositions(5, 12)).toEqual([0, 1, 2, 3, 4]);
    const long = labelledPositions(512, 4);
    expect(long.slice(0, 4)).toEqual([0, 3, 6, 9]);
    expect(long.at(-1)).toBe(510);
    // Neighbouring labels never overlap: at least one line of text apart.
    for (let n = 1; n < long.length; n++) expect((long[n] - long[n - 1]) * 4).toBeGreaterThanOrEqual(6);
  });

  it('exports with cells large enough to read: 12 px up to 170 tokens, 4 px at 512', () => {
    expect(exportCellPx(65)).toBe(12);
    expect(exportCellPx(170)).toBe(12);
    expect(exportCellPx(256)).toBe(8);
    expect(exportCellPx(512)).toBe(4);
    expect(exportCellPx(4096)).toBe(2);
    for (const seq of [65, 128, 300, 512]) expect(2 * seq * exportCellPx(seq)).toBeLessThanOrEqual(4400);
  });
});

describe('top keys of a query token (the head view of a long input)', () => {
  it("keeps the heaviest keys over the heads shown, in position order, and says the rest's largest weight", () => {
    const seq = 4;
    // Two heads, query 1: head 0 looks at key 3, head 1 at key 0.
    const probs = new Float32Array(2 * seq * seq);
    probs.set([0.05, 0.05, 0.1, 0.8], (0 * seq + 1) * seq);
    probs.set([0.6, 0.3, 0.05, 0.05], (1 * seq + 1) * seq);
    expect(topKeys(probs, seq, 1, [true, true], 2)).toEqual({ keys: [0, 3], restMax: expect.closeTo(0.3, 6) });
    expect(topKeys(probs, seq, 1, [true, false], 2)).toEqual({ keys: [2, 3], restMax: expect.closeTo(0.05, 6) });
    expect(topKeys(probs, seq, 1, [true, true], 10)).toEqual({ keys: [0, 1, 2, 3], restMax: 0 });
  });
});
