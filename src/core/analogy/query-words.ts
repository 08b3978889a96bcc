/**
 * Turning query words into unit vectors. A word is either a label looked up in the space, or a word the
 * tokenizer split into several pieces, given by the caller as row ids: its vector is the mean of the pieces'
 * ORIGINAL (un-normalised) vectors, then normalised, i.e. mean-pooling of the model's input embeddings.
 */
import type { VectorSpace } from './vector-space';

export type QueryWord = string | { label: string; pieces: readonly number[] };

export interface ResolvedWord {
  /** What the caller asked for. */
  label: string;
  /** Row in the space when the word is a single row; null for a piece average. */
  row: number | null;
  /** The label actually matched (differs when the lower-case fallback was used). */
  matched: string;
  /** True when the vector is an average of several pieces; the UI should say so. */
  averagedPieces: boolean;
  /** Rows this word occupies (one row, or its pieces); excluded from the answers by default. */
  rows: number[];
  vector: Float32Array;
}

export interface OutOfVocabulary {
  kind: 'out-of-vocabulary';
  word: string;
  role: string;
  message: string;
}

export type Resolution = { ok: true; word: ResolvedWord } | { ok: false; error: OutOfVocabulary };

export interface LookupOptions {
  /** When the exact label is missing, try its lower-case form (uncased vocabularies). Default true. */
  lowercaseFallback?: boolean;
}

export function findRow(space: VectorSpace, label: string, options: LookupOptions = {}): number | undefined {
  const exact = space.index.get(label);
  if (exact !== undefined || options.lowercaseFallback === false) return exact;
  return space.index.get(label.toLowerCase());
}

export function resolveWord(
  space: VectorSpace,
  word: QueryWord,
  role = 'query',
  options: LookupOptions = {},
): Resolution {
  if (typeof word === 'string') {
    const row = findRow(space, word, options);
    if (row === undefined)
      return outOfVocabulary(word, role, `"${word}" (${role}) is not in the vocabulary of this space.`);
    return {
      ok: true,
      word: {
        label: word,
        row,
        matched: space.words[row],
        averagedPieces: false,
        rows: [row],
        vector: space.unit.slice(row * space.dim, (row + 1) * space.dim),
      },
    };
  }
  const { label, pieces } = word;
  if (pieces.length === 0) return outOfVocabulary(label, role, `"${label}" (${role}) has no pieces to average.`);
  const bad = pieces.find((id) => !Number.isInteger(id) || id < 0 || id >= space.size);
  if (bad !== undefined)
    return outOfVocabulary(
      label,
      role,
      `"${label}" (${role}): piece id ${bad} is outside the vocabulary (0..${space.size - 1}).`,
    );
  if (pieces.length === 1) {
    const row = pieces[0];
    return {
      ok: true,
      word: {
        label,
        row,
        matched: space.words[row],
        averagedPieces: false,
        rows: [row],
        vector: space.unit.slice(row * space.dim, (row + 1) * space.dim),
      },
    };
  }
  const { dim, unit, norms } = space;
  const sum = new Float64Array(dim);
  for (const id of pieces) for (let d = 0; d < dim; d++) sum[d] += unit[id * dim + d] * norms[id];
  let squares = 0;
  for (let d = 0; d < dim; d++) squares += sum[d] * sum[d];
  const norm = Math.sqrt(squares);
  const vector = Float32Array.from(sum, (x) => (norm > 0 ? x / norm : 0));
  return {
    ok: true,
    word: {
      label,
      row: null,
      matched: pieces.map((id) => space.words[id]).join(' '),
      averagedPieces: true,
      rows: [...new Set(pieces)],
      vector,
    },
  };
}

function outOfVocabulary(word: string, role: string, message: string): Resolution {
  return { ok: false, error: { kind: 'out-of-vocabulary', word, role, message } };
}

export interface AnalogyWords {
  a: string;
  b: string;
  c: string;
}

/** Why the query cannot be asked: the words left empty, named. Null when all three are given. */
export function missingQueryWords(words: AnalogyWords): string | null {
  const empty = (['a', 'b', 'c'] as const).filter((key) => words[key].trim() === '');
  if (empty.length === 0) return null;
  const names = empty.length === 1 ? empty[0] : `${empty.slice(0, -1).join(', ')} and ${empty.at(-1)}`;
  return `Fill in all three words: ${names} ${empty.length === 1 ? 'is' : 'are'} empty.`;
}

/**
 * What a query whose words repeat really asks. With a = b the offset b − a is zero, and with a = c
 * 3CosAdd's b − a + c is b (3CosMul reduces the same way), so the answers are plain neighbours of one word.
 */
export function repeatedWordsNote(words: AnalogyWords): string | null {
  const [a, b, c] = [words.a.trim(), words.b.trim(), words.c.trim()];
  if (a === '' || b === '' || c === '') return null;
  if (a === b && b === c)
    return `a, b and c are all "${a}": there is no analogy to complete, so the answers are simply the words nearest to "${a}".`;
  if (a === b)
    return `a and b are both "${a}", so the offset b − a is zero: the answers are simply the words nearest to "${c}".`;
  if (a === c)
    return `a and c are both "${a}", so b − a + c is b itself: the answers are simply the words nearest to "${b}".`;
  return null;
}

export const EMPTY_NEIGHBOUR_WORD = 'Type a word to find its neighbours.';
