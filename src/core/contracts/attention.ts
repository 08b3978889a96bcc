/**
 * The attention tool's contract: what the page asks for and what it gets back. Types and constants only
 * (no runtime imports), so the page, the stores, the worker and the engine can all import it without
 * pulling onnxruntime-web into the main-thread bundle.
 */
import type { HeadSummary } from '../attention';

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
  /** Plain-words notes on what was changed (renormalised rows, truncation). */
  notes: string[];
  untruncatedLength: number;
  maxPositions: number;
}
