/**
 * The word-analogy tool's contract: the spaces, query options, answers and progress. Types and constants
 * only (no runtime imports), so every layer can import it without pulling in onnxruntime-web.
 */
import type { AnalogyEvaluation, AnalogyMethod } from '../analogy';
import type { SettingRows } from '../workshop/state-table';

/** How many words a presenter can hide, and how long each (see core/analogy/hidden-words.ts). */
export const MAX_HIDDEN_WORDS = 200;
export const MAX_HIDDEN_WORD_LENGTH = 100;

export type AnalogySpaceId = 'token' | 'contextual' | 'static' | 'user';

export const ANALOGY_SPACE_IDS: readonly AnalogySpaceId[] = ['token', 'contextual', 'static', 'user'];

export interface AnalogySpaceSummary {
  id: AnalogySpaceId;
  label: string;
  available: boolean;
  /** Why it is unavailable, or what it is made of (plain words). */
  note: string;
  /** Rows and dimension once built (null before the first use). */
  size: number | null;
  dim: number | null;
  /** Contextual space only: layers (1-based) whose hidden states can be chosen; the last one is the default. */
  layers?: number[];
}

/** Progress of a long analogy step (fetching static vectors, embedding words, parsing a file, evaluating). */
export interface AnalogyProgress {
  stage: string;
  done: number;
  total: number | null;
}

export type AnalogyProgressCallback = (progress: AnalogyProgress) => void;

export interface AnalogyQueryOptions {
  method: AnalogyMethod;
  k: number;
  includeQueryWords: boolean;
  wholeWordsOnly: boolean;
  centered: boolean;
  /** Contextual space: layer (1-based) to read hidden states from; null or absent = the last hidden state. */
  layer?: number | null;
}

export interface QueryWordInfo {
  role: 'a' | 'b' | 'c';
  label: string;
  /** The vocabulary entry used, or the pieces joined with spaces. */
  matched: string;
  /** Word pieces when the word was averaged from several pieces. */
  pieces: string[] | null;
  /** Score and 1-based rank the word would have among the candidates (single-row words only). */
  score: number | null;
  rank: number | null;
  excluded: boolean;
}

export interface PicturePoint {
  label: string;
  role: 'a' | 'b' | 'c' | 'answer' | 'candidate' | 'target';
  x: number;
  y: number;
}

export interface AnalogyPicture {
  points: PicturePoint[];
  /** Share of the variance of these vectors along the two axes. */
  explained: [number, number];
}

export interface AnalogySpaceAnswer {
  space: AnalogySpaceId;
  label: string;
  ok: boolean;
  /** Out-of-vocabulary or unavailable space, in plain words. */
  error: string | null;
  method: AnalogyMethod;
  centered: boolean;
  size: number;
  dim: number;
  candidates: { word: string; score: number }[];
  queryWords: QueryWordInfo[];
  usedPieceAverage: boolean;
  picture: AnalogyPicture | null;
}

export interface NeighbourAnswer {
  space: AnalogySpaceId;
  label: string;
  ok: boolean;
  error: string | null;
  matched: string | null;
  pieces: string[] | null;
  neighbours: { word: string; score: number }[];
}

export type SpaceLabels = Record<AnalogySpaceId, string>;

export interface AnalogyNeighbourOptions {
  k: number;
  wholeWordsOnly: boolean;
  centered: boolean;
  layer?: number | null;
}

export interface AnalogyEvaluationOptions {
  methods: AnalogyMethod[];
  centered: boolean;
  wholeWordsOnly: boolean;
  blockSize?: number;
  layer?: number | null;
}

/** How many of the top candidates the picture shows (besides a, b, c and the b − a + c target). */
export const PICTURE_CANDIDATES = 5;

export interface SpaceEvaluation {
  space: AnalogySpaceId;
  label: string;
  ok: boolean;
  error: string | null;
  /** The evaluation without per-question predictions. */
  result: Omit<AnalogyEvaluation, 'predictions'> | null;
  /** How the candidates were chosen in this space, for the table's footnote. */
  rule: string;
}

export interface FileEvaluation {
  questionCount: number;
  sections: string[];
  spaces: SpaceEvaluation[];
}

export const ANALOGY_METHODS = ['3CosAdd', '3CosMul'] as const satisfies readonly AnalogyMethod[];

/** The analogy tool's settings a user sets (remembered in the browser; most also travel in a link). */
export interface AnalogySettings {
  a: string;
  b: string;
  c: string;
  method: AnalogyMethod;
  k: number;
  spaces: AnalogySpaceId[];
  pictureSpace: AnalogySpaceId;
  includeQueryWords: boolean;
  wholeWordsOnly: boolean;
  centered: boolean;
  /** Contextual space: hidden-state layer (1-based); null = the last hidden state. */
  layer: number | null;
  neighbourWord: string;
  /**
   * Words a presenter keeps out of every answer list and picture (kept in this browser only: a link would
   * spell them out in the address bar).
   */
  hiddenWords: string[];
}

const word = (defaultValue: string) => ({ type: { kind: 'string', maxLength: 100 }, defaultValue }) as const;

/** Each setting's type, bounds and default: the store's defaults, its saved-value checks and the link's rows. */
export const ANALOGY_SETTINGS: SettingRows<AnalogySettings> = {
  a: word('man'),
  b: word('woman'),
  c: word('king'),
  method: { type: { kind: 'enum', values: ANALOGY_METHODS }, defaultValue: '3CosAdd' },
  k: { type: { kind: 'int', min: 1, max: 100 }, defaultValue: 10 },
  spaces: {
    type: { kind: 'list', maxItems: ANALOGY_SPACE_IDS.length, values: ANALOGY_SPACE_IDS },
    defaultValue: ['token', 'static'],
  },
  pictureSpace: { type: { kind: 'enum', values: ANALOGY_SPACE_IDS }, defaultValue: 'token' },
  includeQueryWords: { type: { kind: 'bool' }, defaultValue: false },
  wholeWordsOnly: { type: { kind: 'bool' }, defaultValue: true },
  centered: { type: { kind: 'bool' }, defaultValue: false },
  layer: { type: { kind: 'int', min: 1, max: 255 }, nullable: true, defaultValue: null },
  neighbourWord: word('king'),
  hiddenWords: {
    type: { kind: 'list', maxItems: MAX_HIDDEN_WORDS, maxItemLength: MAX_HIDDEN_WORD_LENGTH },
    defaultValue: [],
  },
};
