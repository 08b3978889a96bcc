/**
 * Word analogies a : b :: c : ? over a vector space of unit rows.
 *
 * 3CosAdd: argmax_x cos(x,b) − cos(x,a) + cos(x,c), computed as one dot product with b − a + c per row.
 * 3CosMul (Levy & Goldberg 2014): argmax_x cos'(x,b)·cos'(x,c) / (cos'(x,a) + ε) with cos' = (cos + 1)/2 in
 * [0, 1] and ε = 0.001; the three cosine vectors come from one pass over E.
 *
 * By default the rows of a, b and c are excluded from the answers (otherwise b or c usually wins) and only
 * whole words are candidates. The result always reports where each single-row query word WOULD rank among
 * the candidates, so the UI can show "king would be #1 but is excluded". Ties: lower row index first.
 */
import { cosAddTarget, cosMulScore, dotAll, dotAllThree } from './dot-kernels';
import { rankAmong, topKRows } from './ranking';
import {
  resolveWord,
  type LookupOptions,
  type OutOfVocabulary,
  type QueryWord,
  type ResolvedWord,
} from './query-words';
import type { VectorSpace } from './vector-space';

export type AnalogyMethod = '3CosAdd' | '3CosMul';
export const COSMUL_EPSILON = 0.001;

export interface AnalogyOptions extends LookupOptions {
  method?: AnalogyMethod;
  k?: number;
  /** Keep a, b, c (and their pieces) as possible answers. Default false. */
  includeQueryWords?: boolean;
  /** Only rows flagged whole words are candidates. Default true. */
  wholeWordsOnly?: boolean;
  epsilon?: number;
}

export interface ScoredWord {
  row: number;
  word: string;
  score: number;
}

export interface QueryWordRank {
  role: 'a' | 'b' | 'c';
  label: string;
  row: number;
  score: number;
  /** 1-based rank among the candidates if this word were allowed. */
  rank: number;
  excluded: boolean;
}

export interface AnalogyAnswer {
  ok: true;
  method: AnalogyMethod;
  candidates: ScoredWord[];
  query: { a: ResolvedWord; b: ResolvedWord; c: ResolvedWord };
  /** True when any query word is an average of word pieces. */
  usedPieceAverage: boolean;
  queryWordRanks: QueryWordRank[];
}

export type AnalogyOutcome = AnalogyAnswer | { ok: false; error: OutOfVocabulary };

export function solveAnalogy(
  space: VectorSpace,
  a: QueryWord,
  b: QueryWord,
  c: QueryWord,
  options: AnalogyOptions = {},
): AnalogyOutcome {
  const method = options.method ?? '3CosAdd';
  const resolved: ResolvedWord[] = [];
  for (const [role, word] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    const result = resolveWord(space, word, role, options);
    if (!result.ok) return result;
    resolved.push(result.word);
  }
  const [ra, rb, rc] = resolved;
  const eligible = candidateMask(space, options.wholeWordsOnly ?? true);
  // Score only the rows that can be answers, plus the query words' own rows (for their would-be rank).
  const scored = new Uint8Array(eligible);
  for (const word of resolved) if (word.row !== null) scored[word.row] = 1;
  const scores = analogyScores(
    space,
    ra.vector,
    rb.vector,
    rc.vector,
    method,
    options.epsilon ?? COSMUL_EPSILON,
    scored,
  );
  const queryRows = options.includeQueryWords ? [] : resolved.flatMap((word) => word.rows);
  for (const row of queryRows) eligible[row] = 0;
  const candidates = topKRows(scores, eligible, options.k ?? 10).map((row) => ({
    row,
    word: space.words[row],
    score: scores[row],
  }));
  const queryWordRanks: QueryWordRank[] = [];
  (['a', 'b', 'c'] as const).forEach((role, i) => {
    const { row, label } = resolved[i];
    if (row === null) return;
    queryWordRanks.push({
      role,
      label,
      row,
      score: scores[row],
      rank: rankAmong(scores, eligible, row),
      excluded: !options.includeQueryWords,
    });
  });
  return {
    ok: true,
    method,
    candidates,
    query: { a: ra, b: rb, c: rc },
    usedPieceAverage: resolved.some((word) => word.averagedPieces),
    queryWordRanks,
  };
}

/**
 * Score of every row for one query; with `rows`, only rows flagged there are computed and every other row
 * scores NaN (never ranked: topKRows skips NaN, and NaN is never ahead of anything).
 */
export function analogyScores(
  space: VectorSpace,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  method: AnalogyMethod,
  epsilon = COSMUL_EPSILON,
  rows?: Uint8Array,
): Float64Array {
  const { unit, size, dim } = space;
  const scores = new Float64Array(size);
  if (rows) scores.fill(NaN);
  if (method === '3CosAdd') return dotAll(unit, size, dim, cosAddTarget(a, b, c), scores, rows);
  const cosA = new Float64Array(size),
    cosB = new Float64Array(size),
    cosC = new Float64Array(size);
  dotAllThree(unit, size, dim, a, b, c, cosA, cosB, cosC, rows);
  for (let v = 0; v < size; v++) if (!rows || rows[v]) scores[v] = cosMulScore(cosA[v], cosB[v], cosC[v], epsilon);
  return scores;
}

/** Fresh eligibility mask: whole words only, or every row. */
export function candidateMask(space: VectorSpace, wholeWordsOnly: boolean): Uint8Array {
  return wholeWordsOnly ? new Uint8Array(space.wholeWord) : new Uint8Array(space.size).fill(1);
}

export interface NeighbourOptions extends LookupOptions {
  k?: number;
  wholeWordsOnly?: boolean;
}

/** The k rows most cosine-similar to one word, excluding the word itself (and its pieces). */
export function nearestNeighbours(
  space: VectorSpace,
  word: QueryWord,
  options: NeighbourOptions = {},
): { ok: true; word: ResolvedWord; neighbours: ScoredWord[] } | { ok: false; error: OutOfVocabulary } {
  const resolved = resolveWord(space, word, 'word', options);
  if (!resolved.ok) return resolved;
  const eligible = candidateMask(space, options.wholeWordsOnly ?? true);
  const scores = dotAll(
    space.unit,
    space.size,
    space.dim,
    resolved.word.vector,
    new Float64Array(space.size).fill(NaN),
    eligible,
  );
  for (const row of resolved.word.rows) eligible[row] = 0;
  const neighbours = topKRows(scores, eligible, options.k ?? 10).map((row) => ({
    row,
    word: space.words[row],
    score: scores[row],
  }));
  return { ok: true, word: resolved.word, neighbours };
}
