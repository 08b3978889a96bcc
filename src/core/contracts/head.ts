/**
 * The "train a head" contract (label tool): a small classifier trained in the worker on the frozen sentence
 * embeddings of the label tool's rows, two runs side by side that differ only in their regularisation (dropout
 * on the inputs and the hidden layer, L2 weight decay), so the gap between their curves is the lesson.
 * Types and constants only (no runtime imports), so every layer can import it.
 */
import type { SettingRows } from '../workshop/state-table';
import type { SentencePooling } from './labels';

export const HEAD_MODELS = ['logistic', 'mlp'] as const;
export type HeadModelKind = (typeof HEAD_MODELS)[number];
export const HEAD_OPTIMISERS = ['sgd', 'adam'] as const;
export type HeadOptimiser = (typeof HEAD_OPTIMISERS)[number];
/** The small-data switch: the share of the training rows a run learns from (the held-out rows never change). */
export const DATA_PERCENTS = [5, 10, 25, 100] as const;
export const HEAD_RUN_NAMES = ['A', 'B'] as const;
export type HeadRunName = (typeof HEAD_RUN_NAMES)[number];

export const MAX_HEAD_EPOCHS = 1000;
export const MAX_HIDDEN_WIDTH = 1024;
export const MAX_HEAD_DROPOUT = 0.9;

/** What the two runs share: the same split, initial weights and batch order, so only the regulariser differs. */
export interface HeadTrainingOptions {
  model: HeadModelKind;
  /** Units of the MLP's hidden layer (ReLU); ignored by logistic regression. */
  hiddenWidth: number;
  optimiser: HeadOptimiser;
  learningRate: number;
  epochs: number;
  /** Rows per mini-batch; at least the training rows is full-batch gradient descent. */
  batchSize: number;
  /** Seeds the held-out split, the initial weights, the batch order and the dropout masks. */
  seed: number;
  /** Share of the rows held out for evaluation (stratified by label), 0.1..0.5. */
  heldOutFraction: number;
  /** Share of the remaining training rows used (nested: the 5% rows are among the 10% rows). */
  dataFraction: number;
  /** Z-score each feature with the training rows' mean and spread (the engine always does; tests may not). */
  standardize: boolean;
  /** Passes of MC dropout on the trained head (default HEAD_MC_SAMPLES). */
  mcSamples?: number;
}

/** What makes run A and run B different. */
export interface HeadRegularisation {
  name: HeadRunName;
  /** Inverted dropout on the input features: drop probability, 0 = off. */
  inputDropout: number;
  /** Inverted dropout on the hidden layer (MLP only), 0 = off. */
  hiddenDropout: number;
  /** L2 penalty λ/2·‖W‖² on the weights (not the biases), added to the gradient. */
  weightDecay: number;
}

/** Figures after one epoch, all with dropout off (so training and held-out figures are comparable). */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  heldOutLoss: number;
  heldOutAccuracy: number;
}

export interface HeadRunCurve {
  regularisation: HeadRegularisation;
  epochs: EpochMetrics[];
  /** The epoch (1-based) with the lowest held-out loss so far; 0 before any epoch. */
  bestEpoch: number;
  /**
   * After the last epoch, for a run with dropout: held-out figures of MC dropout on the head (the class
   * probabilities averaged over `samples` passes with the run's dropout kept on). Null without dropout or before the end.
   */
  mcHeldOut: { samples: number; loss: number; accuracy: number } | null;
}

/** Passes MC dropout averages on the trained head. */
export const HEAD_MC_SAMPLES = 32;

export interface HeadTrainingProgress {
  stage: 'embeddings' | 'training';
  /** Share of the whole call done, 0..1. */
  fraction: number;
  detail: string;
  /** Epochs done (the runs advance together), of `epochs`. */
  epoch: number;
  epochs: number;
  /** Every run's curve so far (the page redraws from these; a dropped report loses nothing). */
  runs: HeadRunCurve[];
}

export interface HeadTrainingResult {
  runs: HeadRunCurve[];
  options: HeadTrainingOptions;
  classes: string[];
  totalRows: number;
  trainRows: number;
  heldOutRows: number;
  featureDim: number;
  /** Texts whose embedding came from the worker's cache / was computed now. */
  cachedTexts: number;
  computedTexts: number;
  modelLabel: string | null;
  milliseconds: number;
  /** The worker keeps each run's trained head under this id (same order as `runs`), for the uncertainty tool. */
  headIds: string[];
  /** The first held-out row's text: a text the heads never learnt from, to try them on. */
  heldOutExample: string | null;
}

/** The settings a user sets in the panel (remembered in the browser and carried in a link). */
export interface HeadSettings {
  model: HeadModelKind;
  hiddenWidth: number;
  optimiser: HeadOptimiser;
  learningRate: number;
  epochs: number;
  batchSize: number;
  seed: number;
  dataPercent: number;
  heldOutPercent: number;
  inputDropoutA: number;
  hiddenDropoutA: number;
  weightDecayA: number;
  inputDropoutB: number;
  hiddenDropoutB: number;
  weightDecayB: number;
}

const dropoutRow = (defaultValue: number) =>
  ({ type: { kind: 'number', min: 0, max: MAX_HEAD_DROPOUT }, defaultValue }) as const;
const decayRow = (defaultValue: number) => ({ type: { kind: 'number', min: 0, max: 1 }, defaultValue }) as const;

/** Each setting's type, bounds and default: the store's defaults, its saved-value checks and the link's rows. */
export const HEAD_SETTINGS: SettingRows<HeadSettings> = {
  model: { type: { kind: 'enum', values: HEAD_MODELS }, defaultValue: 'mlp' },
  hiddenWidth: { type: { kind: 'int', min: 1, max: MAX_HIDDEN_WIDTH }, defaultValue: 128 },
  optimiser: { type: { kind: 'enum', values: HEAD_OPTIMISERS }, defaultValue: 'adam' },
  learningRate: { type: { kind: 'number', min: 1e-6, max: 10 }, defaultValue: 0.001 },
  epochs: { type: { kind: 'int', min: 1, max: MAX_HEAD_EPOCHS }, defaultValue: 60 },
  batchSize: { type: { kind: 'int', min: 1, max: 100_000 }, defaultValue: 32 },
  seed: { type: { kind: 'int', min: 0, max: 4_294_967_295 }, defaultValue: 0 },
  dataPercent: { type: { kind: 'int', min: 1, max: 100 }, defaultValue: 100 },
  heldOutPercent: { type: { kind: 'int', min: 10, max: 50 }, defaultValue: 30 },
  inputDropoutA: dropoutRow(0),
  hiddenDropoutA: dropoutRow(0),
  weightDecayA: decayRow(0),
  inputDropoutB: dropoutRow(0.5),
  hiddenDropoutB: dropoutRow(0.5),
  weightDecayB: decayRow(0),
};

/** The request one "Train both" press sends with the rows. */
export interface HeadTrainingRequest {
  options: HeadTrainingOptions;
  runs: HeadRegularisation[];
  /** How the label tool pools token vectors into a sentence embedding (its own setting). */
  pooling?: SentencePooling;
}
