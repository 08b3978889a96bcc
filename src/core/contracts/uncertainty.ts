/**
 * The MC-dropout tool's contract: settings, requests, progress, results and their limits. Types and
 * constants only (no runtime imports), so every layer can import it without pulling in onnxruntime-web.
 */
import type { DropoutSiteKind } from '../onnx/dropout';
import type { UncertaintyMeasure } from '../uncertainty';
import type { SettingRows } from '../workshop/state-table';

/** Most inputs the MC-dropout batch mode ranks at once. */
export const MAX_BATCH_INPUTS = 1000;

/** The batch inputs read from a file in the label tool's format (read in the worker, as the label tool's data). */
export interface BatchInputsRead {
  /** The first MAX_BATCH_INPUTS texts, whitespace collapsed. */
  texts: string[];
  /** The texts' given labels when every text had one, else null. */
  labels: string[] | null;
  /** Texts found in the file (before the cut to MAX_BATCH_INPUTS). */
  total: number;
  /** The name of the text column when the file had a header, else null. */
  textColumn: string | null;
  /** What the parse reported (shown when no text was found). */
  problems: string[];
}

/**
 * 'next-token': a decoder's distribution of the token after the text (its logits at the last position).
 * 'head': a head trained in the label tool ("Train a head") on the text's pooled sentence embedding.
 */
export type McTask = 'fill-mask' | 'classification' | 'next-token' | 'head';

/** The trained head a 'head' request runs through (kept in the worker since its training). */
export interface McHeadChoice {
  /** The id the worker gave the head (HeadTrainingResult.headIds). */
  id: string;
  /** Keep the head's own dropout on in every sample too (its run's p), besides the encoder's. */
  dropout: boolean;
}

export interface McDropoutSettings {
  /** Number of stochastic forward passes T, 1..256. */
  samples: number;
  /** Drop probability p in [0, 0.95]. */
  dropout: number;
  sites: DropoutSiteKind[];
  stochasticLayers: 'all' | { lastK: number };
  /** Unsigned 32-bit seed. */
  seed: number;
}

export interface McPredictRequest {
  task: McTask;
  text: string;
  pair?: string | null;
  /** Fill-mask: token position to mask (in the encoding of `text`); else the first [MASK] in the text. */
  maskPosition?: number | null;
  /** Fill-mask: how many candidates to report (default 10). */
  topK?: number;
  /** The 'head' task's head. */
  head?: McHeadChoice;
}

export interface McProgress {
  done: number;
  total: number;
  /** 'preparing': the dropout graph and its session are being built (first run with these sites/layers). */
  phase?: 'preparing' | 'sampling';
}

export type McProgressCallback = (progress: McProgress) => void;

export const MAX_SAMPLES = 256;

export const MAX_DROPOUT = 0.95;

/** The per-input statistics without the C- or V-sized arrays (for batch mode and fill-mask over the vocabulary). */
export interface McSummary {
  predictedIndex: number;
  predictedProbability: number;
  predictiveEntropy: number;
  expectedEntropy: number;
  mutualInformation: number;
  variationRatio: number;
  modalIndex: number;
  modalCount: number;
  deterministicIndex: number | null;
  deterministicProbability: number | null;
}

export interface McPredictionResult {
  task: McTask;
  tokens: string[];
  special: boolean[];
  /** Fill-mask: the masked token position; next-token: the last position (whose successor is predicted); null for classification. */
  maskPosition: number | null;
  settings: McDropoutSettings;
  /** What the per-class arrays refer to: class labels, or the top-k candidate tokens. */
  labels: string[];
  /** Class indices, or vocabulary ids of the candidates. */
  ids: number[];
  /** Per-sample probabilities of the shown classes/candidates, [T, labels.length]. */
  samples: Float64Array;
  /** Mean and sample std over T, per shown class/candidate. */
  mean: Float64Array;
  std: Float64Array;
  /** Dropout-off probability of each shown class/candidate. */
  deterministic: Float64Array;
  /** The dropout-off prediction's own top classes/tokens (fill-mask: its top k). */
  deterministicTop: { id: number; label: string; probability: number }[];
  /** Statistics over the full distribution (all classes, or the whole vocabulary). */
  summary: McSummary & {
    predictedLabel: string;
    modalLabel: string;
    deterministicLabel: string | null;
    classes: number;
  };
  /** Running estimates after t = 1..T samples (convergence plot), for the MC-predicted class/token. */
  running: {
    label: string;
    meanOfClass: Float64Array;
    predictiveEntropy: Float64Array;
    expectedEntropy: Float64Array;
    mutualInformation: Float64Array;
  };
  /**
   * How the rows ran: `graphRuns` session.run calls of at most `chunkRows` rows each, over T + 1 rows
   * (the dropout-off row first, then the samples).
   */
  run: {
    mode: 'tiled' | 'batched';
    stochasticLayers: number[];
    graphRuns: number;
    chunkRows: number;
    milliseconds: number;
  };
  notes: string[];
  /** The 'head' task's head, as requested. */
  head?: McHeadChoice;
}

export interface McBatchItem {
  index: number;
  text: string;
  error: string | null;
  summary: (McSummary & { predictedLabel: string; deterministicLabel: string | null }) | null;
}

export interface McBatchResult {
  task: McTask;
  settings: McDropoutSettings;
  items: McBatchItem[];
  /** Item indices most uncertain first, per measure; items that failed come last. */
  ranking: Record<UncertaintyMeasure, number[]>;
  milliseconds: number;
}

/** How a continuation chooses each token from the dropout-off distribution (as generate() does). */
export interface ContinuationDecoding {
  strategy: 'greedy' | 'sample';
  /** > 0, at most 10; 1 leaves the distribution as it is. */
  temperature: number;
  /** Keep the k most probable tokens; 0 = off. */
  topK: number;
  /** Nucleus: keep the most probable tokens up to this mass; 1 = off. */
  topP: number;
}

export const DEFAULT_DECODING: ContinuationDecoding = { strategy: 'greedy', temperature: 1, topK: 0, topP: 1 };

/** Most tokens one continuation generates. */
export const MAX_CONTINUATION_TOKENS = 256;

export interface ContinuationRequest {
  prompt: string;
  /** Tokens to generate, 1..MAX_CONTINUATION_TOKENS. */
  maxNewTokens: number;
  decoding: ContinuationDecoding;
  /** Candidates kept per generated token (default 10). */
  candidates?: number;
}

export interface ContinuationCandidateResult {
  id: number;
  label: string;
  /** MC mean probability and its sample std over T. */
  mean: number;
  std: number;
  /** Dropout-off probability. */
  deterministic: number;
}

export interface ContinuationTokenResult {
  id: number;
  label: string;
  /** Probability of the chosen token: dropout off, and the MC mean. */
  probability: number;
  meanProbability: number;
  predictiveEntropy: number;
  expectedEntropy: number;
  mutualInformation: number;
  variationRatio: number;
  candidates: ContinuationCandidateResult[];
}

export interface ContinuationResult {
  promptTokens: string[];
  promptSpecial: boolean[];
  tokens: ContinuationTokenResult[];
  /** The generated text, decoded by the tokenizer. */
  text: string;
  stoppedBy: 'length' | 'eos' | 'max-positions';
  settings: McDropoutSettings;
  decoding: ContinuationDecoding;
  run: {
    /**
     * 'kv-cache': one run per token, T + 1 rows each with its own cache (cache and merged exports);
     * 'fresh-run': the prefix rerun for every token (exports without a cache). See continuation-cache.ts.
     */
    reuse: 'kv-cache' | 'fresh-run';
    mode: 'tiled' | 'batched';
    graphRuns: number;
    milliseconds: number;
    millisecondsPerToken: number;
  };
  notes: string[];
}

export interface ContinuationProgress {
  /** Tokens generated so far, of at most `total`. */
  done: number;
  total: number;
  phase?: 'preparing' | 'generating';
  /** The tokens generated so far (for showing them as they come). */
  tokens?: ContinuationTokenResult[];
}

/** Where dropout can be kept on (src/core/onnx/dropout.ts finds these sites in a graph). */
export const DROPOUT_SITES = ['attention', 'hidden'] as const satisfies readonly DropoutSiteKind[];

export const MC_MODES = ['single', 'batch'] as const;
export type UncertaintyMode = (typeof MC_MODES)[number];
/** 'head' is offered only while the page has a trained head (the store falls back otherwise). */
export const MC_TASKS = ['fill-mask', 'classification', 'head'] as const satisfies readonly McTask[];
/** The measures batch mode ranks by (the keys of McBatchResult.ranking). */
export const BATCH_MEASURES = [
  'mutualInformation',
  'predictiveEntropy',
  'variationRatio',
] as const satisfies readonly UncertaintyMeasure[];
export type BatchMeasure = (typeof BATCH_MEASURES)[number];

/** The MC-dropout tool's settings a user sets (remembered in the browser; most also travel in a link). */
export interface UncertaintySettings {
  mode: UncertaintyMode;
  task: McTask;
  fillMaskText: string;
  classifyText: string;
  batchText: string;
  samples: number;
  /** null: use the model's config.json value. */
  dropout: number | null;
  attentionSites: boolean;
  hiddenSites: boolean;
  layerMode: 'all' | 'last';
  lastK: number;
  seed: number;
  topK: number;
  measure: BatchMeasure;
  /** The 'head' task: the trained head's own dropout on in the samples too. */
  headDropout: boolean;
}

const MAX_STORED_TEXT = 200_000;

/** Each setting's type, bounds and default: the store's defaults, its saved-value checks and the link's rows. */
export const UNCERTAINTY_SETTINGS: SettingRows<UncertaintySettings> = {
  mode: { type: { kind: 'enum', values: MC_MODES }, defaultValue: 'single' },
  task: { type: { kind: 'enum', values: MC_TASKS }, defaultValue: 'fill-mask' },
  fillMaskText: {
    type: { kind: 'string', maxLength: MAX_STORED_TEXT },
    defaultValue: 'The cat sat on the [MASK] and looked out of the window.',
  },
  classifyText: { type: { kind: 'string', maxLength: MAX_STORED_TEXT }, defaultValue: 'The horse ate the grass.' },
  batchText: {
    type: { kind: 'string', maxLength: MAX_STORED_TEXT },
    defaultValue:
      'A dog ran across the field.\nThe soup was too salty.\nShe planted roses in the garden.\nThe bridge crosses the river.\nHe hurt his knee.',
  },
  samples: { type: { kind: 'int', min: 1, max: MAX_SAMPLES }, defaultValue: 32 },
  dropout: { type: { kind: 'number', min: 0, max: MAX_DROPOUT }, nullable: true, defaultValue: null },
  attentionSites: { type: { kind: 'bool' }, defaultValue: true },
  hiddenSites: { type: { kind: 'bool' }, defaultValue: true },
  layerMode: { type: { kind: 'enum', values: ['all', 'last'] }, defaultValue: 'all' },
  lastK: { type: { kind: 'int', min: 1, max: 255 }, defaultValue: 1 },
  seed: { type: { kind: 'int', min: 0, max: 0xffffffff }, defaultValue: 1 },
  topK: { type: { kind: 'int', min: 1, max: 50 }, defaultValue: 10 },
  measure: { type: { kind: 'enum', values: BATCH_MEASURES }, defaultValue: 'mutualInformation' },
  headDropout: { type: { kind: 'bool' }, defaultValue: true },
};
