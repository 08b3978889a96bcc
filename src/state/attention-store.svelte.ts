import { ATTENTION_SETTINGS, type AttentionView, type AttentionViewName } from '../core/contracts/attention';
import { defaultsOf } from '../core/workshop/state-table';
import type { ExecutionProviderName } from '../core/runtime/execution-provider';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

/** What the attention store needs of the worker client. */
export type AttentionClient = Pick<PlaygroundClient, 'newJobId' | 'cancel' | 'attention'>;

export type { AttentionViewName };

/** Which loaded model computed a result: a result from an earlier model must never pass for the current one. */
export interface AttentionSource {
  model: string;
  executionProvider: ExecutionProviderName;
  /** modelStore.generation when the run was asked for. */
  generation: number;
}

export type AttentionViewWithSource = AttentionView & { producedBy: AttentionSource };

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
  activeHeads = $state<boolean[]>([]);
  focusToken = $state<number | null>(null);
  selectedRow = $state<number | null>(null);

  private readonly job: Job<AttentionViewWithSource>;

  constructor(
    private readonly client: AttentionClient,
    private readonly model: LoadedModel,
  ) {
    this.job = new Job(client, 'attention', () => model.generation);
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
        const inputs = [this.text, this.textB, this.pairMode, this.hideSpecial, this.averageHeads, this.rollout];
        void inputs;
        if (!this.model.info?.tools.attention.available) return;
        const timer = setTimeout(() => {
          this.persist();
          void this.run();
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
    const display = { hideSpecial: this.hideSpecial, averageHeads: this.averageHeads, rollout: this.rollout };
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

  open(layer: number, head: number, view: AttentionViewName = 'matrix'): void {
    this.layer = layer;
    this.head = head;
    this.view = view;
    this.persist();
  }
}
