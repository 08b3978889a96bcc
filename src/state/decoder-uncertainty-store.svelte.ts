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
  McDropoutSettings,
  McPredictionResult,
  McProgress,
} from '../core/contracts/uncertainty';
import { DEFAULT_DECODING, MAX_CONTINUATION_TOKENS, MAX_SAMPLES } from '../core/contracts/uncertainty';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LoadedModel } from './loaded-model';

export type DecoderClient = Pick<PlaygroundClient, 'newJobId' | 'cancel' | 'predict' | 'continue'>;
export type DecoderMode = 'next-token' | 'continuation';
export type ContinuationMeasure = 'predictiveEntropy' | 'mutualInformation';

const clampInt = (value: number, low: number, high: number, fallback: number) =>
  Number.isFinite(value) ? Math.min(high, Math.max(low, Math.round(value))) : fallback;

export class DecoderUncertaintyStore {
  mode = $state<DecoderMode>('next-token');
  prompt = $state('The king and the queen sat on the');
  samples = $state(16);
  /** null: the model's config.json value (resid_pdrop), else 0.1. */
  dropout = $state<number | null>(null);
  attentionSites = $state(true);
  hiddenSites = $state(true);
  seed = $state(1);
  topK = $state(10);
  maxNewTokens = $state(24);
  decoding = $state<ContinuationDecoding>({ ...DEFAULT_DECODING });
  measure = $state<ContinuationMeasure>('mutualInformation');
  selectedToken = $state<number | null>(null);
  private readonly nextTokenJob: Job<McPredictionResult, McProgress>;
  private readonly continuationJob: Job<ContinuationResult, ContinuationProgress>;

  constructor(
    private readonly client: DecoderClient,
    private readonly model: LoadedModel,
  ) {
    this.nextTokenJob = new Job(client, 'next-token', () => model.generation);
    this.continuationJob = new Job(client, 'continuation', () => model.generation);
  }

  get nextToken(): McPredictionResult | null {
    return this.nextTokenJob.result;
  }

  get continuation(): ContinuationResult | null {
    return this.continuationJob.result;
  }

  private get job(): Job<McPredictionResult, McProgress> | Job<ContinuationResult, ContinuationProgress> {
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
    const settings = this.settings();
    if (this.mode === 'next-token') {
      const request = { task: 'next-token' as const, text: this.prompt, topK: clampInt(this.topK, 1, 50, 10) };
      await this.nextTokenJob.start(({ jobId, onProgress }) =>
        this.client.predict(request, settings, onProgress, jobId),
      );
      return;
    }
    const request = {
      prompt: this.prompt,
      maxNewTokens: clampInt(this.maxNewTokens, 1, MAX_CONTINUATION_TOKENS, 24),
      decoding: { ...this.decoding },
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
