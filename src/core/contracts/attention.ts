/**
 * The attention tool's contract: what the page asks for and what it gets back. Types and constants only
 * (no runtime imports), so the page, the stores, the worker and the engine can all import it without
 * pulling onnxruntime-web into the main-thread bundle.
 */
import type { HeadSummary } from '../attention';
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
};
