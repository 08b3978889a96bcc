import {
  MAX_BATCH_INPUTS,
  UNCERTAINTY_SETTINGS,
  type BatchInputsRead,
  type BatchMeasure,
  type McBatchResult,
  type McDropoutSettings,
  type McPredictionResult,
  type McProgress,
  type McTask,
  type UncertaintyMode,
} from '../core/contracts/uncertainty';
import { clampToRow, defaultsOf } from '../core/workshop/state-table';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { HeadTrainingStore, TrainedHeadChoice } from './head-training-store.svelte';
import type { LabelsStore } from './labels-store.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

/** What the uncertainty store needs of the worker client. */
export type UncertaintyClient = Pick<
  PlaygroundClient,
  'newJobId' | 'cancel' | 'predict' | 'predictBatch' | 'readBatchInputs'
>;

type McOutcome = { mode: 'single'; result: McPredictionResult } | { mode: 'batch'; result: McBatchResult };

/** A value with the model generation it belongs to: it reads null once another model is loaded. */
interface Stamped<T> {
  value: T;
  generation: number;
}

export type { BatchMeasure, UncertaintyMode };

const KEY = 'uncertainty-inputs';
const DEFAULTS = defaultsOf(UNCERTAINTY_SETTINGS);

/** The MC-dropout tool's inputs (remembered across reloads), its running job and its last results. */
export class UncertaintyStore {
  mode = $state<UncertaintyMode>(DEFAULTS.mode);
  task = $state<McTask>(DEFAULTS.task);
  fillMaskText = $state(DEFAULTS.fillMaskText);
  classifyText = $state(DEFAULTS.classifyText);
  batchText = $state(DEFAULTS.batchText);
  samples = $state(DEFAULTS.samples);
  dropout = $state<number | null>(DEFAULTS.dropout);
  attentionSites = $state(DEFAULTS.attentionSites);
  hiddenSites = $state(DEFAULTS.hiddenSites);
  layerMode = $state<'all' | 'last'>(DEFAULTS.layerMode);
  lastK = $state(DEFAULTS.lastK);
  seed = $state(DEFAULTS.seed);
  topK = $state(DEFAULTS.topK);
  measure = $state<BatchMeasure>(DEFAULTS.measure);
  headDropout = $state(DEFAULTS.headDropout);
  /** The trained head of the 'head' task (a worker id: it lives in this page only, so it is neither saved nor linked). */
  headId = $state<string | null>(null);
  /** Why the 'head' task was left (no head in this page, or the chosen one no longer applies). */
  headNotice = $state<string | null>(null);
  /** Given labels of the batch inputs when they came from a labelled file (shown beside the ranking). */
  batchLabels = $state<string[] | null>(null);
  batchNotice = $state<string | null>(null);

  #single = $state.raw<Stamped<McPredictionResult> | null>(null);
  #batch = $state.raw<Stamped<McBatchResult> | null>(null);
  /** Counts batch files read, so a slower earlier file never replaces a later one. */
  #batchFileRequest = 0;
  /** Fill-mask: a clicked token position to mask instead of a [MASK] in the text (positions belong to one model). */
  #mask = $state<Stamped<number> | null>(null);
  private readonly job: Job<McOutcome, McProgress>;

  constructor(
    private readonly client: UncertaintyClient,
    private readonly model: LoadedModel,
    /** The label tool's data, offered as batch inputs. */
    private readonly labels: Pick<LabelsStore, 'parsed' | 'sourceName'> | null = null,
    /** The heads trained in the label tool (the 'head' task runs through one). */
    private readonly trainedHeads: Pick<HeadTrainingStore, 'heads'> | null = null,
  ) {
    this.job = new Job(client, 'uncertainty', () => model.generation);
    restoreSettings(KEY, UNCERTAINTY_SETTINGS, this);
  }

  /** The last single-input result, while the model that computed it is loaded (old classes or vocabulary mean nothing). */
  get result(): McPredictionResult | null {
    return this.fresh(this.#single);
  }

  set result(value: McPredictionResult | null) {
    this.#single = this.stamp(value);
  }

  /** The last batch result, while the model that computed it is loaded. */
  get batch(): McBatchResult | null {
    return this.fresh(this.#batch);
  }

  set batch(value: McBatchResult | null) {
    this.#batch = this.stamp(value);
  }

  get maskPosition(): number | null {
    return this.fresh(this.#mask);
  }

  set maskPosition(position: number | null) {
    this.#mask = this.stamp(position);
  }

  get running(): boolean {
    return this.job.running;
  }

  get progress(): McProgress | null {
    return this.job.progress;
  }

  get error(): string | null {
    return this.job.error;
  }

  set error(message: string | null) {
    this.job.error = message;
  }

  /**
   * Keeps the results aside while the guided tour runs its own sentences; the returned function puts
   * them back (each still reads null if another model was loaded meanwhile).
   */
  lendToTour(): () => Promise<void> {
    const [single, batch, mask] = [this.#single, this.#batch, this.#mask];
    return async () => {
      if (this.running) await this.job.cancel();
      [this.#single, this.#batch, this.#mask] = [single, batch, mask];
    };
  }

  private fresh<T>(stamped: Stamped<T> | null): T | null {
    return stamped && stamped.generation === this.model.generation ? stamped.value : null;
  }

  private stamp<T>(value: T | null): Stamped<T> | null {
    return value === null ? null : { value, generation: this.model.generation };
  }

  /** The heads trained in this page that still apply (the loaded model, the label tool's rows), newest first. */
  get heads(): TrainedHeadChoice[] {
    return this.trainedHeads?.heads ?? [];
  }

  /** The chosen trained head, while it applies. */
  get head(): TrainedHeadChoice | null {
    return this.heads.find((head) => head.id === this.headId) ?? null;
  }

  /**
   * The label tool's "Open in uncertainty (MC)": the 'head' task on that head, with a text to try (the first
   * held-out row) in the sentence box. It does not run: the user sees the settings first.
   */
  openHead(head: TrainedHeadChoice): void {
    this.task = 'head';
    this.mode = 'single';
    this.headId = head.id;
    this.headNotice = null;
    if (head.example) this.classifyText = head.example;
    this.persist();
  }

  /**
   * The 'head' task never points at a head that is not there: a link or a reload (heads live in the page that
   * trained them) takes the newest head of this page if there is one, else leaves the task with a message; a
   * chosen head whose model or rows changed is dropped the same way. Returns whether the task can run.
   */
  checkHead(): boolean {
    if (this.task !== 'head' || this.head) return true;
    const chosen = this.headId;
    if (chosen === null && this.heads.length > 0) {
      this.headId = this.heads[0].id;
      return true;
    }
    const info = this.model.info;
    this.task = info && !info.classLabels?.length && info.maskToken ? 'fill-mask' : 'classification';
    this.headId = null;
    this.headNotice =
      chosen === null
        ? `The trained-head task needs a head trained in this page: heads trained in the label tool's "Train a head" panel live only in the page that trained them, so a link or a reloaded page has none. Train one there and open it from its runs table. The task is back to ${this.task}.`
        : `The trained head was dropped: another model was loaded or the label tool's rows changed since it was trained. Train it again in the label tool. The task is back to ${this.task}.`;
    return false;
  }

  get text(): string {
    return this.task === 'fill-mask' ? this.fillMaskText : this.classifyText;
  }

  set text(value: string) {
    if (this.task === 'fill-mask') this.fillMaskText = value;
    else this.classifyText = value;
  }

  /** The drop probability used: the user's, else config.json's hidden_dropout_prob. */
  get effectiveDropout(): number {
    return this.dropout ?? this.model.info?.dropoutDefaults.hidden ?? 0.1;
  }

  get settings(): McDropoutSettings {
    const layers = this.model.info?.layers ?? 1;
    return {
      samples: this.samples,
      dropout: this.effectiveDropout,
      sites: [
        ...(this.attentionSites ? (['attention'] as const) : []),
        ...(this.hiddenSites ? (['hidden'] as const) : []),
      ],
      stochasticLayers: this.layerMode === 'all' ? 'all' : { lastK: Math.max(1, Math.min(layers, this.lastK)) },
      seed: this.seed >>> 0,
    };
  }

  persist(): void {
    saveSettings(KEY, UNCERTAINTY_SETTINGS, this);
  }

  /** A numeric input as the user typed it, kept within its setting's bounds (the last-k layers also within the model's). */
  setNumber(key: 'samples' | 'dropout' | 'lastK' | 'seed' | 'topK', value: number): void {
    const layers = key === 'lastK' ? (this.model.info?.layers ?? Infinity) : Infinity;
    const clamped = clampToRow(value, UNCERTAINTY_SETTINGS[key], layers);
    if (clamped === null) return;
    this[key] = clamped;
    this.persist();
  }

  /** Keeps the task on one the loaded model supports, until the returned function is called. */
  follow(): () => void {
    return $effect.root(() => {
      $effect(() => {
        const info = this.model.info;
        if (!info) return;
        const canFillMask = Boolean(info.maskToken);
        const canClassify = Boolean(info.classLabels?.length);
        if (this.task === 'fill-mask' && !canFillMask && canClassify) this.task = 'classification';
        if (this.task === 'classification' && !canClassify && canFillMask) this.task = 'fill-mask';
      });
      $effect(() => {
        if (this.model.info) this.checkHead();
      });
    });
  }

  newSeed(): void {
    this.seed = (Math.random() * 0x100000000) >>> 0;
    this.persist();
  }

  async run(): Promise<void> {
    if (!this.model.info || !this.checkHead()) return;
    this.persist();
    const settings = this.settings;
    const task = this.task;
    const single = this.mode === 'single';
    const head = task === 'head' && this.headId ? { id: this.headId, dropout: this.headDropout } : undefined;
    const request = {
      task,
      text: this.text,
      maskPosition: task === 'fill-mask' ? this.maskPosition : null,
      topK: this.topK,
      ...(head ? { head } : {}),
    };
    const texts = this.batchText
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    await this.job.start(
      async ({ jobId, onProgress }): Promise<McOutcome> =>
        single
          ? { mode: 'single', result: await this.client.predict(request, settings, onProgress, jobId) }
          : {
              mode: 'batch',
              result: await this.client.predictBatch(texts, task, settings, onProgress, jobId, head),
            },
      {
        progress: { done: 0, total: this.samples + 1 },
        apply: (outcome) => {
          if (outcome.mode === 'single') this.result = outcome.result;
          else this.batch = outcome.result;
        },
      },
    );
  }

  /** The user's Cancel: stops between chunks, restarting the worker if it does not stop. */
  async cancel(): Promise<void> {
    await this.job.cancel();
  }

  /** Masks a clicked token of the last fill-mask input and runs again. */
  maskToken(position: number): void {
    this.maskPosition = position;
    void this.run();
  }

  /** Rows the label tool has read (its pasted or loaded dataset), 0 when none. */
  get labelToolRows(): number {
    return this.labels?.parsed?.rows.length ?? 0;
  }

  /** The label tool's dataset as batch inputs, with its labels shown beside the ranking. */
  useLabelToolData(): void {
    const rows = this.labels?.parsed?.rows ?? [];
    if (rows.length === 0) return;
    const kept = rows.slice(0, MAX_BATCH_INPUTS);
    this.batchText = kept.map((row) => row.text.replace(/\s+/g, ' ').trim()).join('\n');
    this.batchLabels = kept.map((row) => row.label);
    this.batchNotice = `${kept.length} texts taken from the label tool${this.labels?.sourceName ? ` (${this.labels.sourceName})` : ''}${rows.length > kept.length ? `; only the first ${MAX_BATCH_INPUTS} of ${rows.length}` : ''}.`;
    this.persist();
  }

  /**
   * Texts of a CSV/TSV/JSON-lines file in the label tool's format (text and label columns), one input each.
   * The worker reads and parses the file, as it does the label tool's data; only the latest file is taken.
   */
  async importLabeledFile(source: Blob | string, fileName: string): Promise<void> {
    const request = ++this.#batchFileRequest;
    let read: BatchInputsRead;
    try {
      read = await this.client.readBatchInputs(source);
    } catch (error) {
      if (request === this.#batchFileRequest) this.batchNotice = `${fileName}: ${(error as Error).message}`;
      return;
    }
    if (request !== this.#batchFileRequest) return;
    if (read.total === 0) {
      this.batchNotice = `${fileName}: no texts found. ${read.problems.join(' ')}`.trim();
      return;
    }
    this.batchText = read.texts.join('\n');
    this.batchLabels = read.labels;
    this.batchNotice = `${fileName}: ${read.texts.length} texts loaded from the ${read.textColumn !== null ? `"${read.textColumn}"` : 'text'} column${read.total > read.texts.length ? ` (only the first ${MAX_BATCH_INPUTS} of ${read.total})` : ''}.`;
    this.persist();
  }
}
