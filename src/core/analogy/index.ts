/**
 * Word analogies over an embedding matrix: vector spaces (token embeddings, fp16 compact files,
 * word2vec/GloVe text, caller-supplied vectors), mean-centering, 3CosAdd / 3CosMul queries, nearest
 * neighbours, 2-D PCA for the parallelogram picture, and blocked evaluation of analogy test files.
 */
export type { VectorSpace, VectorSpaceKind, VectorSpaceOptions } from './vector-space';
export { createVectorSpace, fromTokenEmbeddings, fromContextualVectors, originalRow } from './vector-space';
export { isWholeWordToken } from './whole-word';
export { float16ToFloat32, decodeFloat16 } from './fp16';
export { fromCompactVectors, parseWordList } from './compact-vectors';
export type { TextParseProgress } from './word-vector-text';
export { WordVectorTextParser, parseWordVectorText } from './word-vector-text';
export { meanCentered } from './centering';
export type { QueryWord, ResolvedWord, OutOfVocabulary, Resolution, LookupOptions } from './query-words';
export { resolveWord, findRow } from './query-words';
export type {
  AnalogyMethod,
  AnalogyOptions,
  AnalogyAnswer,
  AnalogyOutcome,
  ScoredWord,
  QueryWordRank,
  NeighbourOptions,
} from './analogy-search';
export { solveAnalogy, analogyScores, nearestNeighbours, candidateMask, COSMUL_EPSILON } from './analogy-search';
export { topKRows, rankAmong, ranksAhead } from './ranking';
export {
  dot,
  dot3,
  dot4,
  dotRows4,
  dotRowsAt4,
  dot3Rows2,
  dotAll,
  dotAllThree,
  cosAddTarget,
  cosMulScore,
} from './dot-kernels';
export { allocateMatrix, wasmKernelsAvailable } from './wasm-dot';
export type { Projection2D } from './pca';
export { projectTo2D, symmetricEigen } from './pca';
export type { AnalogyFile, AnalogySection, AnalogyQuestion } from './analogy-file';
export { parseAnalogyFile, AnalogyFileError, DEFAULT_SECTION } from './analogy-file';
export type { EvaluationOptions, SectionScore, AnalogyEvaluation } from './analogy-evaluation';
export { evaluateAnalogies } from './analogy-evaluation';
