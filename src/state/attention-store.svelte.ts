import { ATTENTION_VIEW_NAMES, type AttentionView, type AttentionViewName } from '../core/contracts/attention';
import type { ExecutionProviderName } from '../core/runtime/execution-provider';
import { modelStore } from './model-store.svelte';
import { readPersisted, writePersisted } from './persisted';

export type { AttentionViewName };

interface AttentionInputs {
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

/** Which loaded model computed a result: a result from an earlier model must never pass for the current one. */
export interface AttentionSource {
  model: string;
  executionProvider: ExecutionProviderName;
  /** modelStore.generation when the run was asked for. */
  generation: number;
}

export type AttentionViewWithSource = AttentionView & { producedBy: AttentionSource };

const KEY = 'attention-inputs';
const DEFAULTS: AttentionInputs = {
  text: 'The cat sat on the mat because it was tired.',
  textB: 'It fell asleep in the sun.',
  pairMode: false,
  layer: 0,
  head: 0,
  view: 'model',
  hideSpecial: false,
  averageHeads: false,
  rollout: false,
};

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

  private latest = $state.raw<AttentionViewWithSource | null>(null);
  running = $state(false);
  error = $state<string | null>(null);
  private job: string | null = null;

  constructor() {
    const saved = readPersisted<Partial<AttentionInputs>>(KEY);
    if (saved) Object.assign(this, sanitize(saved));
  }

  /**
   * The last result, only while the model (and execution provider) that computed it is still the loaded one.
   * After a model change it reads null until the tool's rerun for the new model arrives.
   */
  get result(): AttentionViewWithSource | null {
    const latest = this.latest;
    return latest && latest.producedBy.generation === modelStore.generation ? latest : null;
  }

  persist(): void {
    const { text, textB, pairMode, layer, head, view, hideSpecial, averageHeads, rollout } = this;
    writePersisted(KEY, { text, textB, pairMode, layer, head, view, hideSpecial, averageHeads, rollout });
  }

  async run(): Promise<void> {
    const info = modelStore.info;
    if (!info) return;
    const producedBy: AttentionSource = {
      model: info.label,
      executionProvider: info.executionProvider,
      generation: modelStore.generation,
    };
    if (this.job) void modelStore.client.cancel(this.job);
    const jobId = modelStore.client.newJobId('attention');
    this.job = jobId;
    this.running = true;
    try {
      const display = { hideSpecial: this.hideSpecial, averageHeads: this.averageHeads, rollout: this.rollout };
      const result = await modelStore.client.attention(this.text, this.pairMode ? this.textB : null, display, jobId);
      if (this.job !== jobId) return;
      const [layers, heads, seq] = result.shape;
      this.latest = { ...result, producedBy };
      this.error = null;
      this.layer = Math.min(this.layer, layers - 1);
      this.head = Math.min(this.head, heads - 1);
      if (this.activeHeads.length !== heads) this.activeHeads = Array.from({ length: heads }, () => true);
      if (this.focusToken !== null && this.focusToken >= seq) this.focusToken = null;
      if (this.selectedRow === null || this.selectedRow >= seq) this.selectedRow = Math.min(1, seq - 1);
    } catch (error) {
      if (this.job === jobId) this.error = (error as Error).message;
    } finally {
      if (this.job === jobId) {
        this.running = false;
        this.job = null;
      }
    }
  }

  open(layer: number, head: number, view: AttentionViewName = 'matrix'): void {
    this.layer = layer;
    this.head = head;
    this.view = view;
    this.persist();
  }
}

function sanitize(saved: Partial<AttentionInputs>): Partial<AttentionInputs> {
  const clean: Partial<AttentionInputs> = {};
  if (typeof saved.text === 'string') clean.text = saved.text.slice(0, 20_000);
  if (typeof saved.textB === 'string') clean.textB = saved.textB.slice(0, 20_000);
  if (typeof saved.pairMode === 'boolean') clean.pairMode = saved.pairMode;
  if (Number.isInteger(saved.layer) && saved.layer! >= 0) clean.layer = saved.layer;
  if (Number.isInteger(saved.head) && saved.head! >= 0) clean.head = saved.head;
  if (saved.view && ATTENTION_VIEW_NAMES.includes(saved.view)) clean.view = saved.view;
  for (const flag of ['hideSpecial', 'averageHeads', 'rollout'] as const)
    if (typeof saved[flag] === 'boolean') clean[flag] = saved[flag];
  return clean;
}

export const attentionStore = new AttentionStore();
export { DEFAULTS as ATTENTION_DEFAULTS };
