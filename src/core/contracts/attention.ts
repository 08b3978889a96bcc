/**
 * The attention tool's contract: what the page asks for and what it gets back. Types and constants only
 * (no runtime imports), so the page, the stores, the worker and the engine can all import it without
 * pulling onnxruntime-web into the main-thread bundle.
 */
import type { HeadStability, HeadSummary } from '../attention';
import type { McDropoutSettings, McProgress } from './uncertainty';
import type { SettingRows } from '../workshop/state-table';

/** The four ways the attention tool draws the tensor (the view-state row and the tab strip read this list). */
export const ATTENTION_VIEW_NAMES = ['model', 'head', 'matrix', 'row'] as const;
export type AttentionViewName = (typeof ATTENTION_VIEW_NAMES)[number];

export interface AttentionDisplayOptions {
  hideSpecial: boolean;
  averageHeads: boolean;
  rollout: boolean;
}

export type AttentionMode = 'heads' | 'average' | 'rollout';

/** What the attention views draw: the tensor after the user's toggles, plus per-head statistics of the raw one. */
export interface AttentionView {
  tokens: string[];
  ids: number[];
  typeIds: number[];
  special: boolean[];
  continuation: boolean[];
  /** Original positions of the shown tokens. */
  positions: number[];
  /** [layers, heads or 1, shown, shown]. */
  probs: Float32Array;
  shape: [number, number, number, number];
  mode: AttentionMode;
  /** Statistics per (layer, head) of the unmodified attention. */
  summaries: HeadSummary[];
  /**
   * A causal decoder's attention: query i cannot attend to later keys, so every cell above the diagonal is
   * masked (exactly 0 by construction, not a measured weight) and is drawn as "cannot attend".
   */
  causal?: boolean;
  /** Plain-words notes on what was changed (renormalised rows, truncation). */
  notes: string[];
  untruncatedLength: number;
  maxPositions: number;
}

/** What the attention views show: the plain run (dropout off), or the statistics of MC-dropout samples of it. */
export const ATTENTION_DROPOUT_MODES = ['off', 'mc'] as const;
export type AttentionDropoutMode = (typeof ATTENTION_DROPOUT_MODES)[number];

/** The fewest and most samples of the MC mode (a spread needs two). */
export const MIN_MC_ATTENTION_SAMPLES = 2;
export const MAX_MC_ATTENTION_SAMPLES = 256;

/**
 * Memory the MC mode may take for its statistics: 24 bytes a weight (float64 running mean and M2, float32
 * mean and std), 4 for the dropout-off copy beside it and 4 for one sample as read from a run. At 512 tokens a
 * 12-layer, 12-head model has 37.7 M weights, 1.13 GB in all (2³⁰ bytes to a GB), so only the layers that fit around the chosen one
 * are sampled there; at 128 tokens (72 MB) every layer fits.
 */
export const MC_ATTENTION_MEMORY_BUDGET_BYTES = 512 * 2 ** 20;

export interface McAttentionRequest {
  text: string;
  pair: string | null;
  settings: McDropoutSettings;
  /** The layer the user looks at: kept when memory allows only some layers. */
  focusLayer: number;
}

/** The MC-dropout statistics of every sampled layer's attention, with the dropout-off attention beside them. */
export interface McAttentionView {
  tokens: string[];
  special: boolean[];
  continuation: boolean[];
  /** The model's layer index of each sampled layer (every layer unless memory allowed fewer). */
  layers: number[];
  /** [sampled layers, heads, seq, seq]. */
  shape: [number, number, number, number];
  /** Mean, sample std (÷ (T−1)) and the dropout-off attention, each [sampled layers, heads, seq, seq]. */
  mean: Float32Array;
  std: Float32Array;
  plain: Float32Array;
  /** Per (sampled layer, head), layer-major; `layer` is the model's layer index. */
  heads: HeadStability[];
  settings: McDropoutSettings;
  causal: boolean;
  memory: {
    /** Bytes every layer would need, bytes the sampled layers take, and the budget. */
    allLayersBytes: number;
    usedBytes: number;
    budgetBytes: number;
  };
  run: {
    mode: 'tiled' | 'batched';
    stochasticLayers: number[];
    graphRuns: number;
    chunkRows: number;
    milliseconds: number;
  };
  notes: string[];
  untruncatedLength: number;
  maxPositions: number;
}

export type McAttentionProgress = McProgress;

/** The attention tool's settings a user sets (remembered in the browser; most also travel in a link). */
export interface AttentionSettings {
  text: string;
  textB: string;
  pairMode: boolean;
  layer: number;
  head: number;
  view: AttentionViewName;
  hideSpecial: boolean;
  averageHeads: boolean;
  rollout: boolean;
  dropoutMode: AttentionDropoutMode;
  mcSamples: number;
  /** null: the model's config.json hidden dropout, as in the uncertainty tool. */
  mcDropout: number | null;
  mcAttentionSites: boolean;
  mcHiddenSites: boolean;
  /** Stochastic layers counted from the top; 0 = all. */
  mcLastK: number;
  mcSeed: number;
}

/** Longest sentence kept (the model reads at most its maximum positions anyway). */
export const MAX_ATTENTION_TEXT = 20_000;

/** Each setting's type, bounds and default: the store's defaults, its saved-value checks and the link's rows. */
export const ATTENTION_SETTINGS: SettingRows<AttentionSettings> = {
  text: {
    type: { kind: 'string', maxLength: MAX_ATTENTION_TEXT },
    defaultValue: 'The cat sat on the mat because it was tired.',
  },
  textB: { type: { kind: 'string', maxLength: MAX_ATTENTION_TEXT }, defaultValue: 'It fell asleep in the sun.' },
  pairMode: { type: { kind: 'bool' }, defaultValue: false },
  layer: { type: { kind: 'int', min: 0, max: 255 }, defaultValue: 0 },
  head: { type: { kind: 'int', min: 0, max: 255 }, defaultValue: 0 },
  view: { type: { kind: 'enum', values: ATTENTION_VIEW_NAMES }, defaultValue: 'model' },
  hideSpecial: { type: { kind: 'bool' }, defaultValue: false },
  averageHeads: { type: { kind: 'bool' }, defaultValue: false },
  rollout: { type: { kind: 'bool' }, defaultValue: false },
  dropoutMode: { type: { kind: 'enum', values: ATTENTION_DROPOUT_MODES }, defaultValue: 'off' },
  mcSamples: {
    type: { kind: 'int', min: MIN_MC_ATTENTION_SAMPLES, max: MAX_MC_ATTENTION_SAMPLES },
    defaultValue: 16,
  },
  mcDropout: { type: { kind: 'number', min: 0, max: 0.95 }, nullable: true, defaultValue: null },
  mcAttentionSites: { type: { kind: 'bool' }, defaultValue: true },
  mcHiddenSites: { type: { kind: 'bool' }, defaultValue: true },
  mcLastK: { type: { kind: 'int', min: 0, max: 255 }, defaultValue: 0 },
  mcSeed: { type: { kind: 'int', min: 0, max: 0xffffffff }, defaultValue: 1 },
};
