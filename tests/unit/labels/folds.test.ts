import { describe, expect, it } from 'vitest';
import {
  crossValPredictProba,
  FoldError,
  stratifiedFoldAssignment,
  type FeatureMatrix,
} from '../../../src/core/labels';
import { createRng } from '../../../src/core/random';

function labelsWithCounts(counts: number[], seed: number): number[] {
  const labels = counts.flatMap((c, k) => new Array<number>(c).fill(k));
  const rng = createRng(seed);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return labels;
}

describe('stratified K-fold', () => {
  it.each([
    [[50, 30, 20], 5],
    [[7, 13, 101, 5], 5],
    [[1000, 3], 3],
    [[9, 9, 9], 4],
  ])('counts %j in %i folds: each fold holds each class within ±1 of proportional', (counts, folds) => {
    const labels = labelsWithCounts(counts, 11);
    const assignment = stratifiedFoldAssignment(labels, counts.length, { folds, seed: 3 });
    const n = labels.length;
    const foldSizes = new Array<number>(folds).fill(0);
    for (let f = 0; f < folds; f++) {
      for (let k = 0; k < counts.length; k++) {
        const inFold = labels.filter((y, i) => y === k && assignment[i] === f).length;
        expect(Math.abs(inFold - counts[k] / folds)).toBeLessThanOrEqual(1);
      }
      foldSizes[f] = Array.from(assignment).filter((a) => a === f).length;
    }
    expect(Math.max(...foldSizes) - Math.min(...foldSizes)).toBeLessThanOrEqual(1);
    expect(foldSizes.reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('is reproducible for a seed and changes with the seed', () => {
    const labels = labelsWithCounts([40, 40], 1);
    const a = stratifiedFoldAssignment(labels, 2, { seed: 5 });
    expect(stratifiedFoldAssignment(labels, 2, { seed: 5 })).toEqual(a);
    expect(stratifiedFoldAssignment(labels, 2, { seed: 6 })).not.toEqual(a);
  });

  it('names the class that has fewer rows than folds, or lowers the fold count when asked', () => {
    const labels = labelsWithCounts([20, 3, 20], 2);
    const X: FeatureMatrix = {
      data: Float64Array.from(labels, (y, i) => y + (i % 3) * 0.1),
      rows: labels.length,
      cols: 1,
    };
    expect(() => crossValPredictProba(X, labels, { folds: 5 })).toThrow(FoldError);
    expect(() => crossValPredictProba(X, labels, { folds: 5 })).toThrow(/class 1 has 3/);
    const reduced = crossValPredictProba(X, labels, { folds: 5, smallClassPolicy: 'reduce-folds' });
    expect(reduced.folds).toBe(3);
    expect(reduced.notes.join(' ')).toMatch(/Class 1 has only 3 rows.*used 3 folds/);
    for (const row of reduced.probabilityRows) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('reports progress per fold and can be cancelled between folds', () => {
    const labels = labelsWithCounts([30, 30], 4);
    const X: FeatureMatrix = { data: Float64Array.from(labels, (y, i) => y + ((i * 7) % 5) * 0.3), rows: 60, cols: 1 };
    const fractions: number[] = [];
    crossValPredictProba(X, labels, { onProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
    const signal = { aborted: false };
    expect(() =>
      crossValPredictProba(X, labels, {
        signal,
        onProgress: (p) => {
          if (p.fraction >= 0.4) signal.aborted = true;
        },
      }),
    ).toThrow(/abort/i);
  });
});
