/**
 * The analogy tool's operations over the spaces of the loaded model, shaped as plain data for the UI:
 * one query in several spaces side by side (with the 2-D picture), nearest neighbours, and the evaluation
 * of an analogy file in several spaces.
 */
import {
  evaluateAnalogies,
  nearestNeighbours,
  parseAnalogyFile,
  projectTo2D,
  solveAnalogy,
  type ResolvedWord,
  type VectorSpace,
} from '../../analogy';
import { isCancelled, throwIfAborted } from '../../cancel';
import type { AnalogyProgressCallback, AnalogySpaceId } from '../../contracts/analogy';
import type { AnalogySpaces } from './analogy-spaces';
import {
  PICTURE_CANDIDATES,
  type AnalogyEvaluationOptions,
  type AnalogyNeighbourOptions,
  type AnalogyPicture,
  type AnalogyQueryOptions,
  type AnalogySpaceAnswer,
  type FileEvaluation,
  type NeighbourAnswer,
  type PicturePoint,
  type QueryWordInfo,
  type SpaceEvaluation,
  type SpaceLabels,
} from '../../contracts/analogy';
import { EMPTY_NEIGHBOUR_WORD, missingQueryWords } from '../../analogy/query-words';

export async function runAnalogyQuery(
  spaces: AnalogySpaces,
  ids: readonly AnalogySpaceId[],
  words: { a: string; b: string; c: string },
  options: AnalogyQueryOptions,
  onProgress?: AnalogyProgressCallback,
  signal?: AbortSignal,
): Promise<AnalogySpaceAnswer[]> {
  const missing = missingQueryWords(words);
  if (missing) throw new Error(missing);
  const labels = labelsOf(spaces);
  const triple = [words.a.trim(), words.b.trim(), words.c.trim()] as const;
  const answers: AnalogySpaceAnswer[] = [];
  for (const id of ids) {
    throwIfAborted(signal);
    const base = {
      space: id,
      label: labelWithLayer(labels, id, options.layer),
      method: options.method,
      centered: options.centered,
    };
    let space: VectorSpace;
    try {
      space = await spaces.get(id, {
        centered: options.centered,
        extraWords: triple,
        layer: options.layer,
        onProgress,
        signal,
      });
    } catch (error) {
      if (isCancelled(error)) throw error;
      answers.push({
        ...base,
        ok: false,
        error: (error as Error).message,
        size: 0,
        dim: 0,
        candidates: [],
        queryWords: [],
        usedPieceAverage: false,
        picture: null,
      });
      continue;
    }
    const empty = {
      ...base,
      size: space.size,
      dim: space.dim,
      candidates: [],
      queryWords: [],
      usedPieceAverage: false,
      picture: null,
    };
    const queries = triple.map((word) => spaces.queryWord(id, space, word));
    const missing = triple.find((_, i) => queries[i] === null);
    if (missing !== undefined) {
      answers.push({
        ...empty,
        ok: false,
        error: `"${missing}" cannot be represented in the ${labels[id].toLowerCase()} space (its pieces include an unknown token).`,
      });
      continue;
    }
    const outcome = solveAnalogy(space, queries[0]!.query, queries[1]!.query, queries[2]!.query, {
      method: options.method,
      k: options.k,
      includeQueryWords: options.includeQueryWords,
      wholeWordsOnly: options.wholeWordsOnly,
    });
    if (!outcome.ok) {
      answers.push({ ...empty, ok: false, error: outcome.error.message });
      continue;
    }
    const resolved = [outcome.query.a, outcome.query.b, outcome.query.c];
    const queryWords = (['a', 'b', 'c'] as const).map((role, i): QueryWordInfo => {
      const rank = outcome.queryWordRanks.find((r) => r.role === role);
      return {
        role,
        label: resolved[i].label,
        matched: resolved[i].matched,
        pieces: resolved[i].averagedPieces ? queries[i]!.pieces : null,
        score: rank?.score ?? null,
        rank: rank?.rank ?? null,
        excluded: !options.includeQueryWords,
      };
    });
    answers.push({
      ...empty,
      ok: true,
      error: null,
      candidates: outcome.candidates.map(({ word, score }) => ({ word, score })),
      queryWords,
      usedPieceAverage: outcome.usedPieceAverage,
      picture: picture(
        space,
        resolved,
        outcome.candidates.slice(0, PICTURE_CANDIDATES).map((c) => c.row),
      ),
    });
  }
  return answers;
}

/**
 * PCA of the unit vectors of a, b, c, the top candidates and the normalised 3CosAdd target b − a + c.
 * The first candidate is the answer (d); the parallelogram is a → b, c → d.
 */
export function picture(space: VectorSpace, resolved: ResolvedWord[], candidateRows: number[]): AnalogyPicture {
  const { dim, unit } = space;
  const labels: PicturePoint['role'][] = ['a', 'b', 'c'];
  const vectors: Float32Array[] = resolved.map((word) => word.vector);
  const names = resolved.map((word) => word.label);
  candidateRows.forEach((row, i) => {
    vectors.push(unit.subarray(row * dim, (row + 1) * dim));
    names.push(space.words[row]);
    labels.push(i === 0 ? 'answer' : 'candidate');
  });
  const target = new Float32Array(dim);
  let squares = 0;
  for (let d = 0; d < dim; d++) {
    target[d] = resolved[1].vector[d] - resolved[0].vector[d] + resolved[2].vector[d];
    squares += target[d] * target[d];
  }
  const norm = Math.sqrt(squares) || 1;
  for (let d = 0; d < dim; d++) target[d] /= norm;
  vectors.push(target);
  names.push('b − a + c');
  labels.push('target');
  const packed = new Float64Array(vectors.length * dim);
  vectors.forEach((vector, i) => packed.set(vector, i * dim));
  const projection = projectTo2D(packed, vectors.length, dim);
  return {
    points: names.map((label, i) => ({
      label,
      role: labels[i],
      x: projection.points[2 * i],
      y: projection.points[2 * i + 1],
    })),
    explained: projection.explainedVarianceRatio,
  };
}

export async function runNeighbours(
  spaces: AnalogySpaces,
  ids: readonly AnalogySpaceId[],
  word: string,
  options: AnalogyNeighbourOptions,
  onProgress?: AnalogyProgressCallback,
  signal?: AbortSignal,
): Promise<NeighbourAnswer[]> {
  const trimmed = word.trim();
  if (trimmed === '') throw new Error(EMPTY_NEIGHBOUR_WORD);
  const labels = labelsOf(spaces);
  const answers: NeighbourAnswer[] = [];
  for (const id of ids) {
    const base = {
      space: id,
      label: labelWithLayer(labels, id, options.layer),
      matched: null,
      pieces: null,
      neighbours: [],
    };
    let space: VectorSpace;
    try {
      space = await spaces.get(id, {
        centered: options.centered,
        extraWords: [trimmed],
        layer: options.layer,
        onProgress,
        signal,
      });
    } catch (error) {
      if (isCancelled(error)) throw error;
      answers.push({ ...base, ok: false, error: (error as Error).message });
      continue;
    }
    const query = spaces.queryWord(id, space, trimmed);
    const result = query
      ? nearestNeighbours(space, query.query, { k: options.k, wholeWordsOnly: options.wholeWordsOnly })
      : null;
    if (!result || !result.ok) {
      answers.push({
        ...base,
        ok: false,
        error: result ? result.error.message : `"${trimmed}" cannot be represented in this space.`,
      });
      continue;
    }
    answers.push({
      ...base,
      ok: true,
      error: null,
      matched: result.word.matched,
      pieces: result.word.averagedPieces ? query!.pieces : null,
      neighbours: result.neighbours.map(({ word: w, score }) => ({ word: w, score })),
    });
  }
  return answers;
}

const EVALUATION_RULES: Record<AnalogySpaceId, string> = {
  token: 'Words must be single vocabulary entries; a question with a word the tokenizer splits into pieces is skipped.',
  contextual:
    'Candidates are the whole-word tokens of the vocabulary plus every word of the file, each run through the model alone.',
  static: 'Words must be in the static vocabulary.',
  user: 'Words must be in your file.',
};

export async function runEvaluation(
  spaces: AnalogySpaces,
  ids: readonly AnalogySpaceId[],
  text: string,
  options: AnalogyEvaluationOptions,
  onProgress?: AnalogyProgressCallback,
  signal?: AbortSignal,
): Promise<FileEvaluation> {
  const file = parseAnalogyFile(text);
  const labels = labelsOf(spaces);
  const fileWords = [...new Set(file.sections.flatMap((s) => s.questions.flatMap((q) => [q.a, q.b, q.c, q.d])))];
  const results: SpaceEvaluation[] = [];
  for (const [i, id] of ids.entries()) {
    throwIfAborted(signal);
    const base = { space: id, label: labelWithLayer(labels, id, options.layer), rule: EVALUATION_RULES[id] };
    const stage = `${labels[id]} (${i + 1}/${ids.length})`;
    let space: VectorSpace;
    try {
      space = await spaces.get(id, {
        centered: options.centered,
        extraWords: id === 'contextual' ? fileWords : [],
        layer: options.layer,
        onProgress,
        signal,
      });
    } catch (error) {
      if (isCancelled(error)) throw error;
      results.push({ ...base, ok: false, error: (error as Error).message, result: null });
      continue;
    }
    const evaluation = await evaluateAnalogies(space, file, {
      methods: options.methods,
      wholeWordsOnly: options.wholeWordsOnly,
      blockSize: options.blockSize,
      signal,
      onProgress: ({ done, total }) => onProgress?.({ stage: `Evaluating in ${stage}`, done, total }),
    });
    const { predictions: _unused, ...rest } = evaluation;
    void _unused;
    results.push({ ...base, ok: true, error: null, result: rest });
  }
  return { questionCount: file.questionCount, sections: file.sections.map((s) => s.name), spaces: results };
}

function labelWithLayer(labels: SpaceLabels, id: AnalogySpaceId, layer: number | null | undefined): string {
  return id === 'contextual' ? `${labels[id]} (${layer ? `layer ${layer}` : 'last hidden state'})` : labels[id];
}

function labelsOf(spaces: AnalogySpaces): SpaceLabels {
  return Object.fromEntries(spaces.summaries().map((s) => [s.id, s.label])) as SpaceLabels;
}
