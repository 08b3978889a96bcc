/**
 * The uncertainty tool's decoder modes: the next-token distribution after a prompt, and a continuation
 * whose every token carries its MC-dropout statistics. The worker client and the loaded model are given
 * to the constructor; the latest run wins (an earlier one is cancelled), and results belong to the model
 * that computed them (another model's vocabulary means nothing), so they read null after a model change.
 */
import type { ModelInfo } from '../core/contracts/model';
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
import { modelStore } from './model-store.svelte';

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

  running = $state(false);
  progress = $state<{ done: number; total: number } | null>(null);
  error = $state<string | null>(null);
  #nextToken = $state.raw<{ digest: string; value: McPredictionResult } | null>(null);
  #continuation = $state.raw<{ digest: string; value: ContinuationResult } | null>(null);
  private jobId: string | null = null;

  constructor(
    private readonly client: DecoderClient,
    private readonly info: () => ModelInfo | null,
  ) {}

  get nextToken(): McPredictionResult | null {
    const stamped = this.#nextToken;
    return stamped && stamped.digest === this.info()?.contentDigest ? stamped.value : null;
  }

  get continuation(): ContinuationResult | null {
    const stamped = this.#continuation;
    return stamped && stamped.digest === this.info()?.contentDigest ? stamped.value : null;
  }

  get effectiveDropout(): number {
    return this.dropout ?? this.info()?.dropoutDefaults.hidden ?? 0.1;
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
    const info = this.info();
    if (!info?.decoder) return;
    if (this.jobId) void this.client.cancel(this.jobId);
    const jobId = this.client.newJobId('decoder');
    this.jobId = jobId;
    this.running = true;
    this.error = null;
    this.progress = null;
    const onProgress = (progress: McProgress | ContinuationProgress) => {
      if (this.jobId === jobId) this.progress = { done: progress.done, total: progress.total };
    };
    try {
      if (this.mode === 'next-token') {
        const value = await this.client.predict(
          { task: 'next-token', text: this.prompt, topK: clampInt(this.topK, 1, 50, 10) },
          this.settings(),
          onProgress,
          jobId,
        );
        if (this.jobId === jobId) this.#nextToken = { digest: info.contentDigest, value };
      } else {
        const value = await this.client.continue(
          {
            prompt: this.prompt,
            maxNewTokens: clampInt(this.maxNewTokens, 1, MAX_CONTINUATION_TOKENS, 24),
            decoding: { ...this.decoding },
          },
          this.settings(),
          onProgress,
          jobId,
        );
        if (this.jobId === jobId) {
          this.#continuation = { digest: info.contentDigest, value };
          this.selectedToken = null;
        }
      }
    } catch (error) {
      const name = (error as Error).name;
      if (this.jobId === jobId && name !== 'CancelledError') this.error = (error as Error).message;
    } finally {
      if (this.jobId === jobId) {
        this.running = false;
        this.progress = null;
        this.jobId = null;
      }
    }
  }

  cancel(): void {
    if (!this.jobId) return;
    void this.client.cancel(this.jobId);
    this.jobId = null;
    this.running = false;
    this.progress = null;
  }
}

/** The page's instance, on the model store's client (as the other tool stores are made today). */
export const decoderUncertaintyStore = new DecoderUncertaintyStore(modelStore.client, () => modelStore.info);
