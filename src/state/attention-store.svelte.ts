import {
  ATTENTION_SETTINGS,
  type AttentionDropoutMode,
  type AttentionView,
  type AttentionViewName,
  type McAttentionProgress,
  type McAttentionView,
} from '../core/contracts/attention';
import type { McDropoutSettings } from '../core/contracts/uncertainty';
import { defaultsOf } from '../core/workshop/state-table';
import type { ExecutionProviderName } from '../core/runtime/execution-provider';
import type { PlaygroundClient } from '../worker/client';
import { untrack } from 'svelte';
import { Job } from './job.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

/** What the attention store needs of the worker client. */
export type AttentionClient = Pick<PlaygroundClient, 'newJobId' | 'cancel' | 'attention' | 'mcAttention'>;

export type { AttentionViewName };

/** Which loaded model computed a result: a result from an earlier model must never pass for the current one. */
export interface AttentionSource {
  model: string;
  executionProvider: ExecutionProviderName;
  /** modelStore.generation when the run was asked for. */
  generation: number;
}

export type AttentionViewWithSource = AttentionView & { producedBy: AttentionSource };
/** `requestKey`: the text, pair and dropout settings the samples were taken for. */
export type McAttentionViewWithSource = McAttentionView & { producedBy: AttentionSource; requestKey: string };

const KEY = 'attention-inputs';
/** Typing pause before the rerun. */
const RERUN_DELAY_MS = 250;
const DEFAULTS = defaultsOf(ATTENTION_SETTINGS);

/** The attention tool's inputs (remembered across reloads) and its last result. */
export class AttentionStore {
  text = $state(DEFAULTS.text);
  textB = $state(DEFAULTS.textB);
  pairMode = $state(DEFAULTS.pairMode);
  layer = $state(DEFAULTS.layer);
  head = $state(DEFAULTS.head);
  view = $state<AttentionViewName>(DEFAULTS.view);
  hideSpecial = $state(DEFAULTS.hideSpecial);
  averageHeads = $state(DEFAULTS.averageHeads);
  rollout = $state(DEFAULTS.rollout);
  dropoutMode = $state<AttentionDropoutMode>(DEFAULTS.dropoutMode);
  mcSamples = $state(DEFAULTS.mcSamples);
  mcDropout = $state<number | null>(DEFAULTS.mcDropout);
  mcAttentionSites = $state(DEFAULTS.mcAttentionSites);
  mcHiddenSites = $state(DEFAULTS.mcHiddenSites);
  mcLastK = $state(DEFAULTS.mcLastK);
  mcSeed = $state(DEFAULTS.mcSeed);
  activeHeads = $state<boolean[]>([]);
  focusToken = $state<number | null>(null);
  selectedRow = $state<number | null>(null);

  private readonly job: Job<AttentionViewWithSource>;
  private readonly mcJob: Job<McAttentionViewWithSource, McAttentionProgress>;

  constructor(
    private readonly client: AttentionClient,
    private readonly model: LoadedModel,
  ) {
    this.job = new Job(client, 'attention', () => model.generation);
    this.mcJob = new Job(client, 'mc-attention', () => model.generation);
    restoreSettings(KEY, ATTENTION_SETTINGS, this);
  }

  /**
   * The last result, only while the model (and execution provider) that computed it is still the loaded one.
   * After a model change it reads null until the tool's rerun for the new model arrives.
   */
  get result(): AttentionViewWithSource | null {
    return this.job.result;
  }

  get running(): boolean {
    return this.job.running;
  }

  get error(): string | null {
    return this.job.error;
  }

  set error(message: string | null) {
    this.job.error = message;
  }

  /** The last MC-dropout attention, only while the model that computed it is loaded. */
  get mcResult(): McAttentionViewWithSource | null {
    return this.mcJob.result;
  }

  get mcRunning(): boolean {
    return this.mcJob.running;
  }

  get mcProgress(): McAttentionProgress | null {
    return this.mcJob.progress;
  }

  get mcError(): string | null {
    return this.mcJob.error;
  }

  /**
   * No text to look at: the model would see only the tokens it adds itself ([CLS] [SEP]), a 2 × 2 map that
   * says nothing about attention, so the tool asks for a sentence instead of drawing it.
   */
  get textIsEmpty(): boolean {
    return this.text.trim() === '' && (!this.pairMode || this.textB.trim() === '');
  }

  /** The drop probability used: the user's, else config.json's hidden dropout (as in the uncertainty tool). */
  get effectiveMcDropout(): number {
    return this.mcDropout ?? this.model.info?.dropoutDefaults.hidden ?? 0.1;
  }

  get mcSettings(): McDropoutSettings {
    const layers = this.model.info?.layers ?? 1;
    return {
      samples: this.mcSamples,
      dropout: this.effectiveMcDropout,
      sites: [
        ...(this.mcAttentionSites ? (['attention'] as const) : []),
        ...(this.mcHiddenSites ? (['hidden'] as const) : []),
      ],
      stochasticLayers: this.mcLastK === 0 ? 'all' : { lastK: Math.max(1, Math.min(layers, this.mcLastK)) },
      seed: this.mcSeed >>> 0,
    };
  }

  /** What the MC samples depend on besides the model: text, pair and dropout settings. */
  get mcRequestKey(): string {
    return JSON.stringify([this.text, this.pairMode ? this.textB : null, this.mcSettings]);
  }

  /** True when the MC result was taken for another text or other settings than the current ones. */
  get mcStale(): boolean {
    const result = this.mcResult;
    return result !== null && result.requestKey !== this.mcRequestKey;
  }

  /** The chosen layer when memory allowed only a window of layers and it lies outside it, else null. */
  readonly mcLayerOutsideWindow = $derived.by(() => {
    const result = this.mcResult;
    return result && !result.layers.includes(this.layer) ? this.layer : null;
  });

  persist(): void {
    saveSettings(KEY, ATTENTION_SETTINGS, this);
  }

  /**
   * Reruns whenever the model, the text or a display toggle changes (typing debounced by 250 ms), until the
   * returned function is called: the tool's component follows while it is shown.
   */
  follow(): () => void {
    return $effect.root(() => {
      $effect(() => {
        void this.model.generation;
        const inputs = [
          this.text,
          this.textB,
          this.pairMode,
          this.hideSpecial,
          this.averageHeads,
          this.rollout,
          this.dropoutMode,
        ];
        void inputs;
        if (!this.model.info?.tools.attention.available) return;
        const timer = setTimeout(() => {
          this.persist();
          void this.run();
        }, RERUN_DELAY_MS);
        return () => clearTimeout(timer);
      });
      // MC mode samples again when the text, a dropout setting or the model changes, and when the user looks
      // at a layer outside the window that memory allowed at this length.
      $effect(() => {
        void this.model.generation;
        if (this.dropoutMode !== 'mc' || !this.model.info?.tools.attention.available) return;
        const key = this.mcRequestKey;
        const outside = this.mcLayerOutsideWindow;
        const last = untrack(() => this.mcResult);
        if (last && last.requestKey === key && outside === null) return;
        const timer = setTimeout(() => {
          this.persist();
          void this.runMc();
        }, RERUN_DELAY_MS);
        return () => clearTimeout(timer);
      });
    });
  }

  async run(): Promise<void> {
    const info = this.model.info;
    if (!info) return;
    const producedBy: AttentionSource = {
      model: info.label,
      executionProvider: info.executionProvider,
      generation: this.model.generation,
    };
    // The MC views show every head of the raw attention, so the tokens, layers and heads the controls offer must be
    // those of the raw attention too: the display toggles apply with dropout off only.
    const display =
      this.dropoutMode === 'mc'
        ? { hideSpecial: false, averageHeads: false, rollout: false }
        : { hideSpecial: this.hideSpecial, averageHeads: this.averageHeads, rollout: this.rollout };
    const text = this.text;
    const pair = this.pairMode ? this.textB : null;
    // The error of the last run stays on screen until this one ends (a rerun while typing must not flash it away).
    await this.job.start(
      async ({ jobId }) => ({ ...(await this.client.attention(text, pair, display, jobId)), producedBy }),
      {
        clearError: false,
        apply: (result) => {
          const [layers, heads, seq] = result.shape;
          this.layer = Math.min(this.layer, layers - 1);
          this.head = Math.min(this.head, heads - 1);
          if (this.activeHeads.length !== heads) this.activeHeads = Array.from({ length: heads }, () => true);
          if (this.focusToken !== null && this.focusToken >= seq) this.focusToken = null;
          if (this.selectedRow === null || this.selectedRow >= seq) this.selectedRow = Math.min(1, seq - 1);
        },
      },
    );
  }

  /** T attention samples with dropout on, their statistics and the dropout-off attention beside them. */
  async runMc(): Promise<void> {
    const info = this.model.info;
    if (!info) return;
    const producedBy: AttentionSource = {
      model: info.label,
      executionProvider: info.executionProvider,
      generation: this.model.generation,
    };
    const text = this.text;
    const pair = this.pairMode ? this.textB : null;
    const settings = this.mcSettings;
    const request = { text, pair, settings, focusLayer: this.layer };
    const requestKey = this.mcRequestKey;
    await this.mcJob.start(
      async ({ jobId, onProgress }) => ({
        ...(await this.client.mcAttention(request, onProgress, jobId)),
        producedBy,
        requestKey,
      }),
      {
        progress: { done: 0, total: settings.samples },
        apply: (result) => {
          const heads = result.shape[1];
          this.head = Math.min(this.head, heads - 1);
          this.layer = Math.min(this.layer, info.layers - 1);
        },
      },
    );
  }

  /** The user's Cancel of the sampling: stops between graph runs (the worker restarts if it does not). */
  async cancelMc(): Promise<void> {
    await this.mcJob.cancel();
  }

  newMcSeed(): void {
    this.mcSeed = (Math.random() * 0x100000000) >>> 0;
    this.persist();
  }

  open(layer: number, head: number, view: AttentionViewName = 'matrix'): void {
    this.layer = layer;
    this.head = head;
    this.view = view;
    this.persist();
  }
}
