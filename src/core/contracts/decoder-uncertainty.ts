/**
 * The uncertainty tool's decoder settings (next token and continuation): each setting's type, bounds and
 * default, described once. The store's defaults, its saved-value checks (localStorage) and the link's rows
 * (src/state/view-state/decoder-uncertainty.ts) all read this table. Types only, no runtime imports.
 */
import type { SettingRows } from '../workshop/state-table';
import { BATCH_MEASURES, DEFAULT_DECODING, MAX_CONTINUATION_TOKENS, MAX_DROPOUT, MAX_SAMPLES } from './uncertainty';
import type { BatchMeasure } from './uncertainty';

/** 'batch': the next-token task on several prompts, ranked by uncertainty (the encoder tasks' batch mode). */
export const DECODER_MODES = ['next-token', 'continuation', 'batch'] as const;
export type DecoderMode = (typeof DECODER_MODES)[number];
/** What each generated token is coloured by. */
export const CONTINUATION_MEASURES = ['mutualInformation', 'predictiveEntropy'] as const;
export type ContinuationMeasure = (typeof CONTINUATION_MEASURES)[number];

export interface DecoderUncertaintySettings {
  mode: DecoderMode;
  prompt: string;
  samples: number;
  /** null: the model's config.json value (resid_pdrop / attention_dropout), else 0.1. */
  dropout: number | null;
  attentionSites: boolean;
  hiddenSites: boolean;
  seed: number;
  /** Next token: candidates shown. */
  topK: number;
  maxNewTokens: number;
  strategy: 'greedy' | 'sample';
  temperature: number;
  /** Sampling's top-k (0 = off); apart from `topK`, the candidates shown. */
  samplingTopK: number;
  topP: number;
  measure: ContinuationMeasure;
  /** Batch: one prompt a line. */
  batchPrompts: string;
  /** Batch: the measure the prompts are ranked by. */
  batchMeasure: BatchMeasure;
}

const MAX_STORED_PROMPT = 200_000;

export const DECODER_UNCERTAINTY_SETTINGS: SettingRows<DecoderUncertaintySettings> = {
  mode: { type: { kind: 'enum', values: DECODER_MODES }, defaultValue: 'next-token' },
  prompt: { type: { kind: 'string', maxLength: MAX_STORED_PROMPT }, defaultValue: 'The king and the queen sat on the' },
  samples: { type: { kind: 'int', min: 1, max: MAX_SAMPLES }, defaultValue: 16 },
  dropout: { type: { kind: 'number', min: 0, max: MAX_DROPOUT }, nullable: true, defaultValue: null },
  attentionSites: { type: { kind: 'bool' }, defaultValue: true },
  hiddenSites: { type: { kind: 'bool' }, defaultValue: true },
  seed: { type: { kind: 'int', min: 0, max: 0xffffffff }, defaultValue: 1 },
  topK: { type: { kind: 'int', min: 1, max: 50 }, defaultValue: 10 },
  maxNewTokens: { type: { kind: 'int', min: 1, max: MAX_CONTINUATION_TOKENS }, defaultValue: 24 },
  strategy: { type: { kind: 'enum', values: ['greedy', 'sample'] }, defaultValue: DEFAULT_DECODING.strategy },
  // The sampler takes temperatures above 0; below 0.01 every draw is the argmax anyway.
  temperature: { type: { kind: 'number', min: 0.01, max: 10 }, defaultValue: DEFAULT_DECODING.temperature },
  samplingTopK: { type: { kind: 'int', min: 0, max: 1_000_000 }, defaultValue: DEFAULT_DECODING.topK },
  topP: { type: { kind: 'number', min: 0.01, max: 1 }, defaultValue: DEFAULT_DECODING.topP },
  measure: { type: { kind: 'enum', values: CONTINUATION_MEASURES }, defaultValue: 'mutualInformation' },
  batchPrompts: {
    type: { kind: 'string', maxLength: MAX_STORED_PROMPT },
    // From a prompt with one likely answer to ones with none: the ranking has something to separate.
    defaultValue:
      'The king and the queen sat on the\nShe opened the box and found a\nOnce upon a\nOne, two, three, four,\nHis name was',
  },
  batchMeasure: { type: { kind: 'enum', values: BATCH_MEASURES }, defaultValue: 'mutualInformation' },
};
