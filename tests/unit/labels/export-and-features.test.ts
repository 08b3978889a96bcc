import { describe, expect, it } from 'vitest';
import {
  concatFeatureBlocks,
  l2NormalizeRows,
  objectsToCsv,
  parseLabeledText,
  tfidfFeatures,
  tokenize,
} from '../../../src/core/labels';

describe('objectsToCsv', () => {
  it('escapes formula starts in text cells with a single quote and quotes per RFC 4180', () => {
    const rows = [
      { text: '=SUM(A1:A2)', label: 'neg', score: -0.5 },
      { text: '+1 555 call me', label: '@home', score: 1 },
      { text: '-rm -rf', label: 'x', score: 0 },
      { text: '\tindented', label: '\rcr', score: 2 },
      { text: 'say "hi", then\nleave', label: 'pos', score: 3 },
      { text: ' padded ', label: 'ok', score: Number.NaN },
    ];
    const csv = objectsToCsv(rows, ['text', 'label', 'score']);
    expect(csv.split('\r\n')).toEqual([
      'text,label,score',
      "'=SUM(A1:A2),neg,-0.5",
      "'+1 555 call me,'@home,1",
      "'-rm -rf,x,0",
      `'\tindented,"'\rcr",2`,
      '"say ""hi"", then\nleave",pos,3',
      '" padded ",ok,',
      '',
    ]);
  });

  it('round-trips through the parser (apart from the escape quote) with explicit columns and tabs', () => {
    const rows = [
      { t: 'a, b and "c"', y: 'one' },
      { t: 'plain text', y: 'two' },
      { t: 'line\nbreak', y: 'one' },
    ];
    const csv = objectsToCsv(
      rows,
      [
        { header: 'text', value: (r) => r.t },
        { header: 'label', value: (r) => r.y },
      ],
      { delimiter: '\t' },
    );
    const parsed = parseLabeledText(csv);
    expect(parsed.rows.map((r) => [r.text, r.label])).toEqual(rows.map((r) => [r.t, r.y]));
  });
});

describe('tfidfFeatures', () => {
  it('matches scikit-learn TfidfVectorizer defaults on a small corpus', () => {
    // sklearn: TfidfVectorizer().fit_transform(["The cat sat", "the dog sat down", "a cat and a dog"])
    const texts = ['The cat sat', 'the dog sat down', 'a cat and a dog'];
    const r = tfidfFeatures(texts);
    expect(r.vocabulary).toEqual(['and', 'cat', 'dog', 'down', 'sat', 'the']);
    const idf = (df: number) => Math.log(4 / (1 + df)) + 1;
    expect(Array.from(r.idf)).toEqual(
      [idf(1), idf(2), idf(2), idf(1), idf(2), idf(2)].map((v) => expect.closeTo(v, 12)),
    );
    // Row 0: cat, sat, the each once, equal idf -> 1/sqrt(3) each.
    const row0 = Array.from(r.features.subarray(0, 6));
    expect(row0).toEqual(
      [0, 1 / Math.sqrt(3), 0, 0, 1 / Math.sqrt(3), 1 / Math.sqrt(3)].map((v) => expect.closeTo(v, 6)),
    );
    // Values printed by scikit-learn 1.2.1 (rounded to 8 decimals).
    const sklearn = [
      [0.0, 0.57735027, 0.0, 0.0, 0.57735027, 0.57735027],
      [0.0, 0.0, 0.45985353, 0.60465213, 0.45985353, 0.45985353],
      [0.68091856, 0.51785612, 0.51785612, 0.0, 0.0, 0.0],
    ];
    expect(Array.from(r.features)).toEqual(sklearn.flat().map((v) => expect.closeTo(v, 6)));
    for (let i = 0; i < 3; i++) {
      const row = r.features.subarray(i * 6, (i + 1) * 6);
      expect(row.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    }
  });

  it('tokenizes lower-case words of 2+ characters, including non-Latin letters', () => {
    expect(tokenize("It's a Déjà-vu: 42 x_y 東京")).toEqual(['it', 'déjà', 'vu', '42', 'x_y', '東京']);
  });

  it('applies maxFeatures (most frequent), minDf and sublinear tf', () => {
    const texts = ['apple apple apple banana', 'apple cherry', 'banana cherry date', 'apple'];
    expect(tfidfFeatures(texts, { maxFeatures: 2 }).vocabulary).toEqual(['apple', 'banana']);
    expect(tfidfFeatures(texts, { minDf: 2 }).vocabulary).toEqual(['apple', 'banana', 'cherry']);
    expect(tfidfFeatures(texts, { minDf: 0.5 }).vocabulary).toEqual(['apple', 'banana', 'cherry']);
    const raw = tfidfFeatures(texts, { minDf: 2 });
    const sub = tfidfFeatures(texts, { minDf: 2, sublinearTf: true });
    // Row 0: apple ×3, banana ×1. Sublinear tf gives apple 1 + ln 3 instead of 3.
    const ratio = (f: Float32Array) => f[0] / f[1];
    expect(ratio(raw.features) / ratio(sub.features)).toBeCloseTo(3 / (1 + Math.log(3)), 5);
    // scikit-learn: TfidfVectorizer(sublinear_tf=True, min_df=2)
    expect(Array.from(sub.features)).toEqual(
      [0.86180477, 0.50724012, 0, 0.62922751, 0, 0.77722116, 0, 0.70710678, 0.70710678, 1, 0, 0].map((v) =>
        expect.closeTo(v, 6),
      ),
    );
    expect(Array.from(tfidfFeatures(['', 'x'], {}).features)).toEqual([]);
  });
});

describe('feature blocks', () => {
  it('L2-normalises rows and concatenates blocks with weights', () => {
    const a = { rows: 2, cols: 2, data: Float32Array.from([3, 4, 0, 0]) };
    const b = { rows: 2, cols: 1, data: Float32Array.from([2, -5]) };
    expect(Array.from(l2NormalizeRows(a).data)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
    const both = concatFeatureBlocks([a, b], { weights: [1, 0.5] });
    expect(both.cols).toBe(3);
    expect(Array.from(both.data)).toEqual([0.6000000238418579, 0.800000011920929, 0.5, 0, 0, -0.5]);
    expect(() => concatFeatureBlocks([a, { rows: 3, cols: 1, data: new Float32Array(3) }])).toThrow(
      /block 1 has 3 rows/,
    );
  });
});
