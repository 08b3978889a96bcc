/**
 * The calibration mode's contract (issue 24): is the model's confidence on a text matched by how often it is
 * right, with dropout off, with MC dropout, and after temperature scaling; and does abstaining on the least
 * certain positions raise the accuracy of the rest? Types and constants only (no runtime imports).
 */
import type { SettingRows } from '../workshop/state-table';
import { MAX_DROPOUT, MAX_SAMPLES, type McDropoutSettings } from './uncertainty';

/** How a prediction's certainty is ranked for selective prediction and for telling wrong from right. */
export const CERTAINTY_MEASURES = ['maxProbability', 'predictiveEntropy', 'mutualInformation'] as const;
export type CertaintyMeasure = (typeof CERTAINTY_MEASURES)[number];

/** Which prediction a set of figures is about: dropout off, the MC-dropout mean, dropout off after temperature scaling. */
export const CALIBRATION_METHODS = ['off', 'mc', 'temperature'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

export const DEFAULT_CALIBRATION_BINS = 10;
export const MIN_CALIBRATION_BINS = 2;
export const MAX_CALIBRATION_BINS = 50;

/**
 * What is scored: 'text', every word piece of the text box (fill-mask or next-token); 'rows', the label tool's
 * rows through the model's classification head, each row's label read as a class name of config.json's id2label.
 */
export const CALIBRATION_SOURCES = ['text', 'rows'] as const;
export type CalibrationSource = (typeof CALIBRATION_SOURCES)[number];

/**
 * Where dropout is kept on for the MC figures. 'all-layers': every layer (the tool's usual setting; about a minute
 * for a 128-token window at T = 16 on the built-in encoder, docs/PERFORMANCE.md §10). 'last-layer': the last layer
 * only, so the deterministic prefix runs once per position and is tiled to the T + 1 rows (about 4× faster), but it
 * samples a different, narrower posterior: a different estimator, not a faster copy of the same one.
 */
export const CALIBRATION_ESTIMATORS = ['all-layers', 'last-layer'] as const;
export type CalibrationEstimator = (typeof CALIBRATION_ESTIMATORS)[number];

/** The calibration mode's settings a user sets (remembered in the browser; they also travel in a link). */
export interface CalibrationSettings {
  /** The calibration panel is open (the mode is in use). */
  open: boolean;
  source: CalibrationSource;
  estimator: CalibrationEstimator;
  text: string;
  samples: number;
  /** null: the model's config.json value, else 0.1. */
  dropout: number | null;
  seed: number;
  bins: number;
}

/**
 * Each setting's type, bounds and default, described once: the store's defaults, its saved-value checks
 * (localStorage) and the link's rows (src/state/view-state/calibration.ts) all read this table.
 */
export const CALIBRATION_SETTINGS: SettingRows<CalibrationSettings> = {
  open: { type: { kind: 'bool' }, defaultValue: false },
  source: { type: { kind: 'enum', values: CALIBRATION_SOURCES }, defaultValue: 'text' },
  estimator: { type: { kind: 'enum', values: CALIBRATION_ESTIMATORS }, defaultValue: 'all-layers' },
  text: { type: { kind: 'string', maxLength: 200_000 }, defaultValue: '' },
  samples: { type: { kind: 'int', min: 1, max: MAX_SAMPLES }, defaultValue: 16 },
  dropout: { type: { kind: 'number', min: 0, max: MAX_DROPOUT }, nullable: true, defaultValue: null },
  seed: { type: { kind: 'int', min: 0, max: 0xffffffff }, defaultValue: 1 },
  bins: {
    type: { kind: 'int', min: MIN_CALIBRATION_BINS, max: MAX_CALIBRATION_BINS },
    defaultValue: DEFAULT_CALIBRATION_BINS,
  },
};

/** The temperatures the fit searches, T in [min, max] (on log T). */
export const TEMPERATURE_RANGE = { min: 0.01, max: 100 } as const;

/** The fixed seed of the fit/test split of the positions (fixed, so the same text always splits the same way). */
export const CALIBRATION_SPLIT_SEED = 24;

/** Most positions scored in one run (each costs T + 1 model rows on an encoder). */
export const MAX_CALIBRATION_POSITIONS = 2048;
/** Most texts in one run (a decoder runs each text once). */
export const MAX_CALIBRATION_TEXTS = 200;
/**
 * Temperature scaling refits T from the dropout-off log-probabilities over the whole vocabulary, which are
 * the one per-position vector kept (float32); a run whose positions × vocabulary would exceed this is refused.
 */
export const MAX_CALIBRATION_LOGIT_BYTES = 128 * 2 ** 20;

/**
 * Predictions reduced to what the metrics need, one entry per position (or row), so a run's memory is
 * O(positions) apart from the dropout-off log-probabilities kept for temperature scaling.
 */
export interface PredictionColumns {
  /** Probability given to the true token (class). */
  trueProb: Float64Array;
  /** The largest probability (the confidence of the top-1 guess). */
  maxProb: Float64Array;
  /** The top-1 guess (ties → lower id). */
  top1: Int32Array;
  /** Entropy of the distribution in nats (the MC mean's: the predictive entropy). */
  entropy: Float64Array;
  /** Σ_k p_k², which gives the multi-class Brier score without one-hot vectors. */
  sumSquares: Float64Array;
}

/** MC-dropout predictions also carry the split of their entropy into the passes' own and their disagreement. */
export interface McPredictionColumns extends PredictionColumns {
  /** Mean entropy of the T sampled distributions (aleatoric part). */
  expectedEntropy: Float64Array;
  /** Predictive entropy − expected entropy (epistemic part, BALD). */
  mutualInformation: Float64Array;
}

/** One reliability bin: positions whose confidence falls in [lower, upper) (the last bin includes 1). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Fraction of the bin's positions whose top-1 guess was right; null for an empty bin. */
  accuracy: number | null;
  /** Mean confidence of the bin's positions; null for an empty bin. */
  confidence: number | null;
}

export interface CalibrationFigures {
  count: number;
  accuracy: number;
  meanConfidence: number;
  /** Expected calibration error over equal-width bins, and its bins (the reliability diagram). */
  eceWidth: number;
  widthBins: ReliabilityBin[];
  /** Expected calibration error over equal-mass bins (each about count / bins positions). */
  eceMass: number;
  massBins: ReliabilityBin[];
  /** Mean −log p(true), nats. */
  nll: number;
  /** Mean Σ_k (p_k − [k = true])². */
  brier: number;
}

/** Accuracy against coverage when abstaining on the least certain positions first. */
export interface SelectiveCurve {
  measure: CertaintyMeasure;
  /** accuracy[k − 1]: accuracy of the k most certain positions (coverage k / n), k = 1..n. */
  accuracy: Float64Array;
  /** Mean of accuracy over k = 1..n (the area under the accuracy-coverage curve). */
  area: number;
  /** AUROC of the measure for telling wrong (positive) from right; null when all are right or all wrong. */
  auroc: number | null;
}

export interface TemperatureFit {
  temperature: number;
  /** Mean NLL on the fit half at T = 1 and at the fitted T. */
  fitNllBefore: number;
  fitNllAfter: number;
  fitCount: number;
  /** The minimum lies at an end of TEMPERATURE_RANGE (e.g. every fit position right and sure). */
  atBound: boolean;
}

export interface CalibrationSummary {
  bins: number;
  /** Every position: dropout off and MC mean. */
  all: { off: CalibrationFigures; mc: CalibrationFigures };
  /** The test half only, so temperature scaling (fitted on the other half) is compared on the same positions. */
  test: Record<CalibrationMethod, CalibrationFigures>;
  temperature: TemperatureFit;
  /** Over every position; dropout off has no mutual information. */
  selective: {
    off: SelectiveCurve[];
    mc: SelectiveCurve[];
  };
}

/** One labelled row of the label tool: its text, and its label as written in the data. */
export interface CalibrationRow {
  text: string;
  label: string;
}

export interface CalibrationRequest {
  /** Texts to score; every word piece of each is one position. Ignored when `rows` is given. */
  texts: string[];
  /**
   * Labelled rows to score through the classification head instead (one position per row); a row whose label is
   * not a class of the model's id2label is left out and reported in the result's `unmatched`.
   */
  rows?: CalibrationRow[];
  settings: McDropoutSettings;
  /** Reliability bins (MIN..MAX_CALIBRATION_BINS), default DEFAULT_CALIBRATION_BINS. */
  bins?: number;
}

export interface CalibrationProgress {
  done: number;
  total: number;
  /** 'preparing': the dropout graph is being built. */
  phase?: 'preparing' | 'scoring';
}

export type CalibrationProgressCallback = (progress: CalibrationProgress) => void;

/** Every scored position: where it is, what the true token was, and each method's reduced prediction. */
export interface CalibrationPositions {
  text: Int32Array;
  /** Token index in the text's encoding (the masked position; for a decoder, the predicted token's). */
  position: Int32Array;
  token: string[];
  trueId: Int32Array;
  /** 1: in the half temperature scaling is fitted on; 0: in the test half. */
  fit: Uint8Array;
  off: PredictionColumns;
  mc: McPredictionColumns;
  /** Dropout off after temperature scaling (every position, though only the test half is scored). */
  temperature: PredictionColumns;
}

/** Rows whose label is not one of the model's classes: how many, which labels, a few of them to show. */
export interface UnmatchedRows {
  count: number;
  /** The distinct labels not found (the first MAX_UNMATCHED_EXAMPLES), in the order met. */
  labels: string[];
  /** The first few such rows (index in the rows given, counted from 0). */
  examples: { row: number; text: string; label: string }[];
}

export const MAX_UNMATCHED_EXAMPLES = 5;

export interface CalibrationResult {
  /**
   * 'fill-mask': each word piece masked in turn (encoder); 'next-token': each token from its prefix (decoder);
   * 'classification': each labelled row through the classification head (positions are rows).
   */
  task: 'fill-mask' | 'next-token' | 'classification';
  settings: McDropoutSettings;
  positions: CalibrationPositions;
  summary: CalibrationSummary;
  run: { graphRuns: number; milliseconds: number; mode: 'tiled' | 'batched' };
  notes: string[];
  /** Classification only: the rows left out because their label is not a class of the model (count 0: none). */
  unmatched?: UnmatchedRows;
  /** Classification only: the class names (id2label), so trueId and top1 can be read as labels. */
  classLabels?: string[];
}
