import { describe, expect, it } from 'vitest';
import {
  createVectorSpace,
  decodeFloat16,
  float16ToFloat32,
  fromCompactVectors,
  fromContextualVectors,
  fromTokenEmbeddings,
  isWholeWordToken,
  meanCentered,
  originalRow,
  parseWordVectorText,
  WordVectorTextParser,
} from '../../../src/core/analogy';

describe('float16 → float32', () => {
  it('decodes known bit patterns including subnormals, infinities and NaN', () => {
    const cases: Array<[number, number]> = [
      [0x0000, 0],
      [0x3c00, 1],
      [0xc000, -2],
      [0x3555, 0.333251953125],
      [0x7bff, 65504], // largest finite
      [0x0400, 2 ** -14], // smallest normal
      [0x0001, 2 ** -24], // smallest subnormal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x8001, -(2 ** -24)],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    for (const [bits, value] of cases) expect(float16ToFloat32(bits)).toBe(value);
    expect(Object.is(float16ToFloat32(0x8000), -0)).toBe(true);
    expect(float16ToFloat32(0x7e00)).toBeNaN();
    expect(float16ToFloat32(0xfc01)).toBeNaN();
  });

  it('reads little-endian bytes, also from an unaligned offset', () => {
    const bytes = Uint8Array.from([0xff, 0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00]);
    expect(Array.from(decodeFloat16(bytes, 3, 1))).toEqual([1, -2, 2 ** -24]);
    expect(() => decodeFloat16(bytes, 4, 1)).toThrow(/bytes/);
  });
});

describe('vector spaces', () => {
  it('normalises rows once and keeps the norms; zero rows stay zero', () => {
    const space = createVectorSpace(['a', 'b', 'c'], Float32Array.from([3, 4, 0, 0, 0, -2]));
    expect(Array.from(space.norms)).toEqual([5, 0, 2]);
    expect(Array.from(space.unit)).toEqual([0.6, 0.8, 0, 0, 0, -1].map(Math.fround));
    expect(Array.from(originalRow(space, 0))).toEqual([3, 4]);
  });

  it('token embeddings flag whole words; contextual vectors are all candidates', () => {
    const vocab = ['[PAD]', '[unused3]', '[CLS]', 'play', '##ing', '.', 'x'];
    const space = fromTokenEmbeddings(new Float32Array(vocab.length * 2).fill(1), vocab);
    expect(Array.from(space.wholeWord)).toEqual([0, 0, 0, 1, 0, 1, 1]);
    expect(space.kind).toBe('token-embeddings');
    expect(isWholeWordToken('[MASK]')).toBe(false);
    expect(Array.from(fromContextualVectors(['##a', '[X]'], Float32Array.from([1, 0, 0, 1])).wholeWord)).toEqual([
      1, 1,
    ]);
  });

  it('compact format: words.txt + float16 [count, dim]', () => {
    // 1, 0, −2, 0.5 as little-endian halves.
    const bytes = Uint8Array.from([0x00, 0x3c, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x38]);
    const space = fromCompactVectors('one\r\ntwo\n', bytes);
    expect([space.size, space.dim]).toEqual([2, 2]);
    expect(Array.from(space.norms)).toEqual([1, Math.fround(Math.hypot(2, 0.5))]);
    expect(space.index.get('two')).toBe(1);
    expect(() => fromCompactVectors('a\nb\nc\n', bytes)).toThrow(/not 3 words/);
    expect(() => fromCompactVectors('a\n\nb\n', bytes)).toThrow(/line 2 is empty/);
    expect(() => fromCompactVectors('', bytes)).toThrow(/empty/);
  });

  it('mean-centering subtracts the mean of the original vectors and renormalises, in a new space', () => {
    const space = createVectorSpace(['a', 'b'], Float32Array.from([2, 1, 2, -1]));
    const centered = meanCentered(space);
    expect(centered.centered).toBe(true);
    expect(Array.from(centered.unit)).toEqual([0, 1, 0, -1]);
    expect(Array.from(centered.norms)).toEqual([1, 1]);
    expect(Array.from(space.unit)).toEqual([2, 1, 2, -1].map((x) => Math.fround(x / Math.sqrt(5))));
  });
});

describe('word2vec / GloVe text', () => {
  it('parses with and without a header', async () => {
    const withHeader = await parseWordVectorText('3 2\nfoo 3 4\nbar 0 1\nbaz -1 0\n');
    const without = await parseWordVectorText('foo 3 4\nbar 0 1\r\nbaz -1 0');
    for (const space of [withHeader, without]) {
      expect(space.words).toEqual(['foo', 'bar', 'baz']);
      expect(space.dim).toBe(2);
      expect(Array.from(space.norms)).toEqual([5, 1, 1]);
    }
  });

  it('accepts lines split across chunks and reports progress', () => {
    const progress: number[] = [];
    const parser = new WordVectorTextParser((p) => progress.push(p.vectors));
    for (const chunk of ['foo 1 ', '2 3\nba', 'r 4 5 6\n', 'baz 7 8 9']) parser.push(chunk);
    const space = parser.finish();
    expect(space.words).toEqual(['foo', 'bar', 'baz']);
    expect(Array.from(originalRow(space, 2))).toEqual([7, 8, 9]);
    expect(progress).toEqual([0, 1, 2, 2]);
  });

  it('clear errors: inconsistent dimension names the line, non-numeric values, empty file, short file', async () => {
    await expect(parseWordVectorText('a 1 2 3\nb 1 2 3\nc 1 2\n')).rejects.toThrow(
      /Line 3: "c" has 2 numbers, expected 3/,
    );
    await expect(parseWordVectorText('2 3\na 1 2 3\nb 1 2\n')).rejects.toThrow(/Line 3/);
    await expect(parseWordVectorText('a 1 x 3\n')).rejects.toThrow(/Line 1: value 2 of "a" is "x"/);
    await expect(parseWordVectorText('')).rejects.toThrow(/empty/);
    await expect(parseWordVectorText('\n\n')).rejects.toThrow(/no vectors/);
    await expect(parseWordVectorText('3 2\na 1 2\n')).rejects.toThrow(/announces 3 vectors but the file holds 1/);
  });

  it('reads async chunk streams', async () => {
    async function* chunks() {
      yield 'x 1 0\n';
      yield 'y 0 1\n';
    }
    expect((await parseWordVectorText(chunks())).words).toEqual(['x', 'y']);
  });
});
