/**
 * The uncertainty tool's decoder modes: the next-token distribution after a prompt, and a continuation
 * whose every token carries its MC-dropout statistics. Built in app-stores.svelte.ts with the worker client
 * and the model store; one Job per mode (the latest run wins, Cancel lets go at once), and results belong
 * to the model generation that computed them (another model's vocabulary means nothing).
 */
import type {
  ContinuationDecoding,
  ContinuationProgress,
  ContinuationResult,
  McBatchResult,
  McDropoutSettings,
  McPredictionResult,
  McProgress,
} from '../core/contracts/uncertainty';
import { MAX_BATCH_INPUTS, MAX_CONTINUATION_TOKENS, MAX_SAMPLES } from '../core/contracts/uncertainty';
import type { BatchMeasure } from '../core/contracts/uncertainty';
import {
  DECODER_UNCERTAINTY_SETTINGS,
  type ContinuationMeasure,
  type DecoderMode,
} from '../core/contracts/decoder-uncertainty';
import { defaultsOf } from '../core/workshop/state-table';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

export type DecoderClient = Pick<PlaygroundClient, 'newJobId' | 'cancel' | 'predict' | 'continue' | 'predictBatch'>;
export type { ContinuationMeasure, DecoderMode };

const clampInt = (value: number, low: number, high: number, fallback: number) =>
  Number.isFinite(value) ? Math.min(high, Math.max(low, Math.round(value))) : fallback;

const KEY = 'decoder-uncertainty-inputs';
const DEFAULTS = defaultsOf(DECODER_UNCERTAINTY_SETTINGS);

export class DecoderUncertaintyStore {
  mode = $state<DecoderMode>(DEFAULTS.mode);
  prompt = $state(DEFAULTS.prompt);
  samples = $state(DEFAULTS.samples);
  /** null: the model's config.json value (resid_pdrop), else 0.1. */
  dropout = $state<number | null>(DEFAULTS.dropout);
  attentionSites = $state(DEFAULTS.attentionSites);
  hiddenSites = $state(DEFAULTS.hiddenSites);
  seed = $state(DEFAULTS.seed);
  topK = $state(DEFAULTS.topK);
  maxNewTokens = $state(DEFAULTS.maxNewTokens);
  strategy = $state<ContinuationDecoding['strategy']>(DEFAULTS.strategy);
  temperature = $state(DEFAULTS.temperature);
  samplingTopK = $state(DEFAULTS.samplingTopK);
  topP = $state(DEFAULTS.topP);
  measure = $state<ContinuationMeasure>(DEFAULTS.measure);
  batchPrompts = $state(DEFAULTS.batchPrompts);
  batchMeasure = $state<BatchMeasure>(DEFAULTS.batchMeasure);
  selectedToken = $state<number | null>(null);
  private readonly nextTokenJob: Job<McPredictionResult, McProgress>;
  private readonly continuationJob: Job<ContinuationResult, ContinuationProgress>;
  private readonly batchJob: Job<McBatchResult, McProgress>;

  constructor(
    private readonly client: DecoderClient,
    private readonly model: LoadedModel,
  ) {
    this.nextTokenJob = new Job(client, 'next-token', () => model.generation);
    this.continuationJob = new Job(client, 'continuation', () => model.generation);
    this.batchJob = new Job(client, 'next-token-batch', () => model.generation);
    restoreSettings(KEY, DECODER_UNCERTAINTY_SETTINGS, this);
  }

  /** How a continuation picks its tokens (the four decoding settings together). */
  get decoding(): ContinuationDecoding {
    return { strategy: this.strategy, temperature: this.temperature, topK: this.samplingTopK, topP: this.topP };
  }

  set decoding(value: ContinuationDecoding) {
    this.strategy = value.strategy;
    this.temperature = value.temperature;
    this.samplingTopK = value.topK;
    this.topP = value.topP;
  }

  persist(): void {
    saveSettings(KEY, DECODER_UNCERTAINTY_SETTINGS, this);
  }

  /**
   * Keeps the results aside while the guided tour runs its own prompt; the returned function puts them
   * back (each still reads null unless the model that computed it is loaded again).
   */
  lendToTour(): () => Promise<void> {
    const next = this.nextTokenJob.kept();
    const continuation = this.continuationJob.kept();
    const batch = this.batchJob.kept();
    const selected = this.selectedToken;
    return async () => {
      if (this.nextTokenJob.running) await this.nextTokenJob.cancel();
      if (this.continuationJob.running) await this.continuationJob.cancel();
      if (this.batchJob.running) await this.batchJob.cancel();
      this.batchJob.putBack(batch);
      this.nextTokenJob.putBack(next);
      this.continuationJob.putBack(continuation);
      this.selectedToken = selected;
    };
  }

  get nextToken(): McPredictionResult | null {
    return this.nextTokenJob.result;
  }

  get continuation(): ContinuationResult | null {
    return this.continuationJob.result;
  }

  /** Batch mode's ranking of the prompts, while the model that computed it is loaded. */
  get batch(): McBatchResult | null {
    return this.batchJob.result;
  }

  /** The prompts of batch mode: one a line, blank lines skipped, at most MAX_BATCH_INPUTS. */
  get prompts(): string[] {
    return this.batchPrompts
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .slice(0, MAX_BATCH_INPUTS);
  }

  private get job():
    | Job<McPredictionResult, McProgress>
    | Job<ContinuationResult, ContinuationProgress>
    | Job<McBatchResult, McProgress> {
    if (this.mode === 'batch') return this.batchJob;
    return this.mode === 'next-token' ? this.nextTokenJob : this.continuationJob;
  }

  get running(): boolean {
    return this.job.running;
  }

  get progress(): { done: number; total: number } | null {
    return this.job.progress;
  }

  get error(): string | null {
    return this.job.error;
  }

  get effectiveDropout(): number {
    return this.dropout ?? this.model.info?.dropoutDefaults.hidden ?? 0.1;
  }

  settings(): McDropoutSettings {
    const sites: McDropoutSettings['sites'] = [];
    if (this.attentionSites) sites.push('attention');
    if (this.hiddenSites) sites.push('hidden');
    return {
      samples: clampInt(this.samples, 1, MAX_SAMPLES, 16),
      dropout: this.effectiveDropout,
      sites,
      stochasticLayers: 'all',
      seed: clampInt(this.seed, 0, 0xffffffff, 1),
    };
  }

  async run(): Promise<void> {
    if (!this.model.info?.decoder) return;
    this.persist();
    const settings = this.settings();
    if (this.mode === 'next-token') {
      const request = { task: 'next-token' as const, text: this.prompt, topK: clampInt(this.topK, 1, 50, 10) };
      await this.nextTokenJob.start(({ jobId, onProgress }) =>
        this.client.predict(request, settings, onProgress, jobId),
      );
      return;
    }
    if (this.mode === 'batch') {
      const prompts = this.prompts;
      await this.batchJob.start(({ jobId, onProgress }) =>
        this.client.predictBatch(prompts, 'next-token', settings, onProgress, jobId),
      );
      return;
    }
    const request = {
      prompt: this.prompt,
      maxNewTokens: clampInt(this.maxNewTokens, 1, MAX_CONTINUATION_TOKENS, 24),
      decoding: this.decoding,
    };
    await this.continuationJob.start(
      ({ jobId, onProgress }) => this.client.continue(request, settings, onProgress, jobId),
      { apply: () => void (this.selectedToken = null) },
    );
  }

  cancel(): void {
    void this.job.cancel();
  }
}
