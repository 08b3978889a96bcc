import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import {
  AnalogyFileError,
  DEFAULT_SECTION,
  evaluateAnalogies,
  parseAnalogyFile,
  projectTo2D,
  solveAnalogy,
} from '../../../src/core/analogy';
import { handSpace, randomSpace } from './fixtures';

describe('parseAnalogyFile', () => {
  it('sections, comments, blank lines and a default section for questions before any header', () => {
    const file = parseAnalogyFile(
      '# comment\na b c d\n\n: family\nman woman king queen\r\n: capitals\n  athens greece oslo norway  \n: family\nboy girl man woman\n',
    );
    expect(file.questionCount).toBe(4);
    expect(file.sections.map((s) => [s.name, s.questions.length])).toEqual([
      [DEFAULT_SECTION, 1],
      ['family', 2],
      ['capitals', 1],
    ]);
    expect(file.sections[2].questions[0]).toEqual({ a: 'athens', b: 'greece', c: 'oslo', d: 'norway', line: 7 });
  });

  it('rejects lines with 3 or 5 words naming the line, and empty files', () => {
    expect(() => parseAnalogyFile(': s\na b c d\na b c\n')).toThrow(/Line 3: expected 4 words .* found 3/);
    expect(() => parseAnalogyFile(': s\na b c d e\n')).toThrow(/Line 2: .*found 5/);
    expect(() => parseAnalogyFile('')).toThrow(AnalogyFileError);
    expect(() => parseAnalogyFile('# only\n: header\n')).toThrow(/no questions/);
  });
});

describe('evaluateAnalogies', () => {
  it('hand-built space: accuracy per section, coverage and missing words', async () => {
    const file = parseAnalogyFile(
      ': royal\nman king woman queen\nwoman queen man king\n: people\nman woman boy girl\nman woman dog cat\n',
    );
    const result = await evaluateAnalogies(handSpace(), file);
    expect(result.overall).toMatchObject({ questions: 4, evaluated: 3, skipped: 1 });
    expect(result.coverage).toBe(0.75);
    expect(result.missingWords).toEqual([
      { word: 'cat', questions: 1 },
      { word: 'dog', questions: 1 },
    ]);
    expect(result.sections[0].accuracy).toEqual({ '3CosAdd': 1, '3CosMul': 1 });
    expect(result.sections[1]).toMatchObject({ evaluated: 1, skipped: 1, correct: { '3CosAdd': 1, '3CosMul': 1 } });
    expect(Array.from(result.predictions['3CosAdd']!)).toEqual([5, 4, 7, -1]);
  });

  it('a section with no covered question has no accuracy (shown as "not covered", not 0.0%)', async () => {
    const file = parseAnalogyFile(': royal\nman king woman queen\n: pets\nman woman dog cat\n');
    const result = await evaluateAnalogies(handSpace(), file);
    expect(result.sections[1]).toMatchObject({ questions: 1, evaluated: 0, skipped: 1, accuracy: {} });
    expect(result.sections[0].accuracy).toEqual({ '3CosAdd': 1, '3CosMul': 1 });
  });

  it('block evaluation equals one-at-a-time queries on random data (both methods, partial last block, odd and even D)', async () => {
    for (const dim of [23, 24]) {
      const space = randomSpace(11, 300, dim);
      const rng = createRng(5);
      const lines: string[] = [': random'];
      const questions: string[][] = [];
      for (let q = 0; q < 150; q++) {
        const words = Array.from({ length: 4 }, () => `w${rng.nextInt(320)}`); // some rows do not exist → OOV
        questions.push(words);
        lines.push(words.join(' '));
        if (q === 70) lines.push(': second');
      }
      const file = parseAnalogyFile(lines.join('\n'));
      const progress: number[] = [];
      const result = await evaluateAnalogies(space, file, { blockSize: 16, onProgress: (p) => progress.push(p.done) });
      expect(progress.at(-1)).toBe(result.overall.evaluated);
      let correctAdd = 0,
        correctMul = 0;
      questions.forEach(([a, b, c, d], i) => {
        for (const method of ['3CosAdd', '3CosMul'] as const) {
          const single = solveAnalogy(space, a, b, c, { method, k: 1 });
          const predicted = result.predictions[method]![i];
          if (!single.ok || space.index.get(d) === undefined) {
            expect(predicted).toBe(-1);
            continue;
          }
          expect(predicted).toBe(single.candidates[0].row);
          if (predicted === space.index.get(d)) method === '3CosAdd' ? correctAdd++ : correctMul++;
        }
      });
      expect(result.overall.correct).toEqual({ '3CosAdd': correctAdd, '3CosMul': correctMul });
      expect(result.overall.evaluated + result.overall.skipped).toBe(150);
      expect(result.overall.skipped).toBeGreaterThan(0);
    }
  });

  it('stops between blocks when cancelled', async () => {
    const space = randomSpace(3, 50, 8);
    const file = parseAnalogyFile(
      Array.from({ length: 40 }, (_, i) => `w${i} w${i + 1} w${i + 2} w${i + 3}`).join('\n'),
    );
    let blocks = 0;
    await expect(
      evaluateAnalogies(space, file, { blockSize: 8, onProgress: () => blocks++, isCancelled: () => blocks >= 2 }),
    ).rejects.toThrow(/Cancelled/);
    expect(blocks).toBe(2);
  });
});

describe('projectTo2D', () => {
  it('recovers axis-aligned spread with the sign convention and variance ratios', () => {
    const { points, components, explainedVarianceRatio } = projectTo2D([1, 0, -1, 0, 0, 0.5, 0, -0.5], 4, 2);
    expect(Array.from(components).map((x) => (Math.abs(x) < 1e-12 ? 0 : x))).toEqual([1, 0, 0, 1]);
    [1, 0, -1, 0, 0, 0.5, 0, -0.5].forEach((x, i) => expect(points[i]).toBeCloseTo(x, 12));
    expect(explainedVarianceRatio[0]).toBeCloseTo(0.8, 12);
    expect(explainedVarianceRatio[1]).toBeCloseTo(0.2, 12);
  });

  it('vectors in a 2-D subspace of R^6 keep their pairwise distances; components are unit and positive-led', () => {
    const rng = createRng(8);
    const basis = [
      Array.from({ length: 6 }, () => rng.nextNormal()),
      Array.from({ length: 6 }, () => rng.nextNormal()),
    ];
    const coords = Array.from({ length: 7 }, () => [rng.nextNormal(), rng.nextNormal()]);
    const vectors = coords.flatMap(([s, t]) => basis[0].map((b0, d) => s * b0 + t * basis[1][d] + 3));
    const { points, components, explainedVarianceRatio } = projectTo2D(vectors, 7, 6);
    expect(explainedVarianceRatio[0] + explainedVarianceRatio[1]).toBeCloseTo(1, 10);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        const original = Math.hypot(...Array.from({ length: 6 }, (_, d) => vectors[i * 6 + d] - vectors[j * 6 + d]));
        expect(Math.hypot(points[2 * i] - points[2 * j], points[2 * i + 1] - points[2 * j + 1])).toBeCloseTo(
          original,
          9,
        );
      }
    }
    for (let k = 0; k < 2; k++) {
      const row = Array.from(components.subarray(6 * k, 6 * k + 6));
      expect(Math.hypot(...row)).toBeCloseTo(1, 10);
      const largest = row.reduce((best, x, d) => (Math.abs(x) > Math.abs(row[best]) ? d : best), 0);
      expect(row[largest]).toBeGreaterThan(0);
    }
  });
});
