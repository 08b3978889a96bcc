/**
 * The label audit's contract: settings and their defaults, progress, the audit output, and the packed
 * forms rows take across the worker boundary. Types and constants only (no runtime imports), so every
 * layer can import it without pulling in onnxruntime-web.
 */
import type { Delimiter } from '../labels/column-detection';
import type { ParsedLabeledText } from '../labels/ingest';
import type { SettingRows } from '../workshop/state-table';

/** What the audit's classifier reads, with its name in the settings panel; the list of choices is these keys. */
export const FEATURE_LABELS = { embeddings: 'Model embeddings', tfidf: 'TF-IDF words', both: 'Both' } as const;
export type FeatureChoice = keyof typeof FEATURE_LABELS;
export const FEATURE_CHOICES = Object.keys(FEATURE_LABELS) as readonly FeatureChoice[];

/**
 * Which rows are flagged (cleanlab's find_label_issues filter_by), each with what it flags (the settings panel's
 * hint); the first is the default. The list of methods is these keys, in this order.
 */
export const FILTER_HINTS = {
  prune_by_noise_rate:
    'per off-diagonal cell of the confident joint, remove the rows with the largest margin for the other class (default)',
  prune_by_class: 'per class, remove the rows with the lowest probability of their given label',
  both: 'rows flagged by both prune_by_noise_rate and prune_by_class',
  confident_learning: 'rows counted off-diagonal in the confident joint',
  predicted_neq_given: 'rows whose most probable class is not the given label',
  low_normalized_margin: 'rows with the lowest normalized margin',
  low_self_confidence: 'rows with the lowest self-confidence',
} as const;
export type FilterBy = keyof typeof FILTER_HINTS;
export const FILTER_METHODS = Object.keys(FILTER_HINTS) as readonly FilterBy[];

/** How flagged rows are ordered (cleanlab's rank_by); the first is the default. */
export const RANK_METHODS = ['self_confidence', 'normalized_margin', 'confidence_weighted_entropy'] as const;
export type RankBy = (typeof RANK_METHODS)[number];

export type AuditStage = 'embeddings' | 'tfidf' | 'cross-validation' | 'confident-learning';

export const STAGE_NAMES: Record<AuditStage, string> = {
  embeddings: 'Embedding the texts with the model',
  tfidf: 'Counting words (TF-IDF)',
  'cross-validation': 'Cross-validating logistic regression',
  'confident-learning': 'Finding label issues (confident learning)',
};

/**
 * How a text's token vectors become one sentence embedding. 'mean' (the default, for every model): the mean
 * over the text's tokens, as sentence-transformers pools encoders. For a causal decoder 'last' is the other
 * choice: only the last token has read the whole text, but its state is shaped to predict the next token,
 * and for language models not trained as embedders the mean over tokens classifies as well or better (the
 * SGPT and LLM2Vec papers report mean ≥ last without embedding training), so mean stays the default.
 */
export type SentencePooling = 'mean' | 'last';
export const SENTENCE_POOLINGS: readonly SentencePooling[] = ['mean', 'last'];
export const DEFAULT_POOLING: SentencePooling = 'mean';

export interface LabelAuditSettings {
  features: FeatureChoice;
  /** Sentence embeddings from the model: mean over tokens (default) or the last token (decoders). */
  pooling?: SentencePooling;
  folds: number;
  seed: number;
  filterBy: FilterBy;
  fracNoise: number;
  minExamplesPerClass: number;
  rankBy: RankBy;
  /** Inverse regularisation strength of the logistic regression (default 1, as scikit-learn). */
  C?: number;
  batchSize?: number;
  tfidfMaxFeatures?: number;
}

export const DEFAULT_AUDIT_SETTINGS: LabelAuditSettings = {
  features: 'embeddings',
  folds: 5,
  seed: 0,
  filterBy: 'prune_by_noise_rate',
  fracNoise: 1,
  minExamplesPerClass: 1,
  rankBy: 'self_confidence',
};

/**
 * Each audit setting's type and bounds: the settings panel's inputs, the link's rows and the check of
 * settings read back from IndexedDB or a session file all take them from here. An optional field stays
 * absent when nothing valid was saved (the engine applies its own default); the engine-only options
 * (batchSize, tfidfMaxFeatures) have no row, as nothing on the page sets them.
 */
export const LABEL_AUDIT_SETTINGS = {
  features: { type: { kind: 'enum', values: FEATURE_CHOICES }, defaultValue: DEFAULT_AUDIT_SETTINGS.features },
  pooling: { type: { kind: 'enum', values: SENTENCE_POOLINGS }, defaultValue: DEFAULT_POOLING },
  folds: { type: { kind: 'int', min: 2, max: 20 }, defaultValue: DEFAULT_AUDIT_SETTINGS.folds },
  seed: {
    type: { kind: 'int', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
    defaultValue: DEFAULT_AUDIT_SETTINGS.seed,
  },
  filterBy: { type: { kind: 'enum', values: FILTER_METHODS }, defaultValue: DEFAULT_AUDIT_SETTINGS.filterBy },
  fracNoise: { type: { kind: 'number', min: 0.01, max: 1 }, defaultValue: DEFAULT_AUDIT_SETTINGS.fracNoise },
  minExamplesPerClass: {
    type: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
    defaultValue: DEFAULT_AUDIT_SETTINGS.minExamplesPerClass,
  },
  rankBy: { type: { kind: 'enum', values: RANK_METHODS }, defaultValue: DEFAULT_AUDIT_SETTINGS.rankBy },
  C: { type: { kind: 'number', min: 1e-3, max: Number.MAX_VALUE }, defaultValue: 1 },
} satisfies SettingRows<LabelAuditSettings>;

export interface LabelAuditProgress {
  stage: AuditStage;
  /** Plain-English stage name. */
  label: string;
  /** 1-based position of the stage among `stages`. */
  step: number;
  stages: number;
  /** Share of this stage done, 0..1. */
  fraction: number;
  /** Share of the whole audit done, 0..1 (stages weighted by their usual cost). */
  overall: number;
  detail: string;
}

export interface LabelAuditOutput {
  classes: string[];
  rows: number;
  numClasses: number;
  givenLabels: Int32Array;
  /** Out-of-sample probabilities [rows × numClasses] row-major. */
  probabilities: Float64Array;
  suggestedLabels: Int32Array;
  suggestedProbabilities: Float64Array;
  qualityScores: Float64Array;
  /** 1 for a flagged row. */
  isIssue: Uint8Array;
  /** Flagged rows, most likely mislabeled first. */
  ranking: Int32Array;
  numIssues: number;
  /**
   * The estimated noise matrix: calibrated confident joint C[given][estimated true label] in row
   * counts (row k sums to the rows labelled k). Missing in results saved before it was kept: use noiseMatricesOf.
   */
  confidentJoint: number[][];
  /** Flagged rows only, by given label (rows) × suggested label (columns). */
  flaggedConfusion: number[][];
  /** Estimated joint Q[given][true] (sums to 1). */
  estimatedJoint: number[][];
  classSummaries: { label: number; rows: number; issues: number; issueRate: number; mostConfusedWith: number | null }[];
  settings: LabelAuditSettings;
  folds: number;
  featureDim: number;
  /** Rows whose text was cut to the model's maximum length. */
  truncatedRows: number[];
  cachedTexts: number;
  computedTexts: number;
  /** Milliseconds per stage. */
  timings: Partial<Record<AuditStage, number>>;
  notes: string[];
  modelLabel: string | null;
}

/**
 * A parse as it crosses to the page: 50,000 row objects cost the page hundreds of milliseconds to
 * receive, so the rows travel as one NUL-joined string (NUL never survives parsing) and typed arrays.
 */
export interface PackedParse {
  summary: Omit<ParsedLabeledText, 'rows' | 'labelIds'>;
  rowCount: number;
  /** Every row's text joined with "\0". */
  texts: string;
  labelIds: Int32Array;
  sourceRows: Int32Array;
  /** The decoded file text when bytes were parsed, else null. */
  text: string | null;
}

export const TEXT_SEPARATOR = '\u0000';

/** Rows for an audit as they cross from the page to the worker. */
export interface PackedRows {
  texts: string;
  count: number;
  labelIds: Int32Array;
  classes: string[];
}

/** How the user asked for the data to be read (the label tool's parse controls). */
export interface ParseSettings {
  format: 'auto' | 'delimited' | 'jsonl';
  delimiter: Delimiter | 'auto';
  header: 'auto' | 'yes' | 'no';
  /** Column index, or null for the detected one. */
  textColumn: number | null;
  labelColumn: number | null;
  /** The user agreed to leave out rows with an empty text or label. */
  excludeIncomplete: boolean;
}

/** The rows the last audit ran on (kept with the result so the table never mixes two datasets). */
export interface AuditedRows {
  /** Texts joined with NUL: one string is cheap to store and to pass around. */
  packedTexts: string;
  count: number;
  sourceRows: Int32Array;
}

/** How the label tool reads pasted data by default: everything detected. */
export const DEFAULT_PARSE: ParseSettings = {
  format: 'auto',
  delimiter: 'auto',
  header: 'auto',
  textColumn: null,
  labelColumn: null,
  excludeIncomplete: false,
};

export const PARSE_FORMATS = ['auto', 'delimited', 'jsonl'] as const satisfies readonly ParseSettings['format'][];
/**
 * The delimiter choices with their names in the data panel: 'auto' and every Delimiter the readers know
 * (column-detection.ts; the compiler checks that none is missing). The list of choices is these keys.
 */
export const DELIMITER_NAMES = {
  auto: 'detect',
  ',': 'comma',
  '\t': 'tab',
  ';': 'semicolon',
  '|': 'pipe',
} as const satisfies Record<ParseSettings['delimiter'], string>;
export const PARSE_DELIMITERS = Object.keys(DELIMITER_NAMES) as readonly ParseSettings['delimiter'][];
export const PARSE_HEADERS = ['auto', 'yes', 'no'] as const satisfies readonly ParseSettings['header'][];

/**
 * Each parse setting's type and bounds, for the check of parse settings read back from IndexedDB or a session
 * file (a column index past the data's columns is the reader's to report, as for one the user picked).
 */
export const LABEL_PARSE_SETTINGS = {
  format: { type: { kind: 'enum', values: PARSE_FORMATS }, defaultValue: DEFAULT_PARSE.format },
  delimiter: { type: { kind: 'enum', values: PARSE_DELIMITERS }, defaultValue: DEFAULT_PARSE.delimiter },
  header: { type: { kind: 'enum', values: PARSE_HEADERS }, defaultValue: DEFAULT_PARSE.header },
  textColumn: {
    type: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
    defaultValue: DEFAULT_PARSE.textColumn,
    nullable: true,
  },
  labelColumn: {
    type: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
    defaultValue: DEFAULT_PARSE.labelColumn,
    nullable: true,
  },
  excludeIncomplete: { type: { kind: 'bool' }, defaultValue: DEFAULT_PARSE.excludeIncomplete },
} satisfies SettingRows<ParseSettings>;
