/**
 * (b) Static word vectors in the project's compact format: `words.txt` (one word per line, row order) and a
 * binary file of little-endian float16 values, row-major [count, dim], no header. Half precision halves the
 * download; values are widened to float32 on load.
 */
import { decodeFloat16 } from './fp16';
import { createVectorSpace, type VectorSpace } from './vector-space';

/** Splits words.txt into words: \n or \r\n line ends, one trailing newline allowed, empty lines rejected. */
export function parseWordList(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error('words.txt is empty.');
  lines.forEach((word, i) => {
    if (word.length === 0) throw new Error(`words.txt line ${i + 1} is empty; every line must hold one word.`);
  });
  return lines;
}

export function fromCompactVectors(wordsText: string, binary: ArrayBuffer | Uint8Array, dim?: number): VectorSpace {
  const words = parseWordList(wordsText);
  const bytes = binary instanceof Uint8Array ? binary : new Uint8Array(binary);
  if (bytes.length % 2 !== 0)
    throw new Error(`The vector file has ${bytes.length} bytes, not a whole number of float16 values.`);
  const values = bytes.length / 2;
  const count = words.length;
  const width = dim ?? values / count;
  if (!Number.isInteger(width) || width <= 0 || width * count !== values) {
    throw new Error(
      `The vector file holds ${values} float16 values, which is not ${count} words × ${dim ?? 'a whole dimension'}.`,
    );
  }
  return createVectorSpace(words, decodeFloat16(bytes, values), { kind: 'static', inPlace: true });
}
