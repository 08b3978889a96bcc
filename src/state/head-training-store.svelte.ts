/**
 * "Train a head" in the label tool: the settings (remembered, and carried in a link), one training call in the
 * worker for two runs side by side (A and B differ only in their dropout and weight decay), their live curves,
 * pause / resume / cancel, and the table of every finished run. The curves belong to the model and the data
 * they were trained on: another model or other rows hide them (and stop a training still running on the old).
 * The worker keeps each finished run's head, so the uncertainty tool can run MC dropout through the transformer
 * and that head; this store says which of them still exist (`heads`): only those trained on the loaded model
 * and the label tool's current rows, in this page.
 */
import { untrack } from 'svelte';
import {
  HEAD_SETTINGS,
  type HeadModelKind,
  type HeadOptimiser,
  type HeadRegularisation,
  type HeadRunCurve,
  type HeadSettings,
  type HeadTrainingProgress,
  type HeadTrainingRequest,
  type HeadTrainingResult,
} from '../core/contracts/head';
import type { PackedRows } from '../core/contracts/labels';
import { regulariserText, tableCsv, tableJson, tableRowsOf, type HeadTableRow } from '../core/head/runs-table';
import { defaultsOf } from '../core/workshop/state-table';
import { WorkerRestartedError, type PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LabelsStore } from './labels-store.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

/** What the head store needs of the worker client. */
export type HeadClient = Pick<PlaygroundClient, 'newJobId' | 'cancel' | 'trainHeads' | 'pause'>;

/** What the head store reads of the label tool: its current rows and how it pools embeddings. */
export type HeadLabels = Pick<LabelsStore, 'parsed' | 'sourceName' | 'settings'>;

const KEY = 'head-training-settings';
const DEFAULTS = defaultsOf(HEAD_SETTINGS);
const CANCELLED_NOTICE = 'The training was cancelled. The settings and the table are kept.';

/** A trained head the uncertainty tool can use: the worker's id, with what the page says about it. */
export interface TrainedHeadChoice {
  /** The worker's id of the head. */
  id: string;
  /** Its row in the runs table. */
  row: number;
  /** "#2 run B: MLP (128 hidden), input p 0.5, hidden p 0.5" */
  label: string;
  /** Whether the run trained with dropout (so the head has a dropout of its own to keep on). */
  hasDropout: boolean;
  /** A text to try it on: the first held-out row. */
  example: string | null;
}

/** A kept head with what it belongs to: the rows (dataKeyOf) and the model generation it was trained on. */
interface KeptHeadRef extends TrainedHeadChoice {
  data: string;
  generation: number;
}

/** The rows as a key: the same texts with the same labels are the same data. */
function dataKeyOf(labels: HeadLabels): string | null {
  const parsed = labels.parsed;
  if (!parsed?.summary.ok) return null;
  return `${parsed.summary.classes.join('\u0001')}\u0002${Array.from(parsed.labelIds).join(',')}\u0002${parsed.texts}`;
}

export class HeadTrainingStore implements HeadSettings {
  model = $state<HeadModelKind>(DEFAULTS.model);
  hiddenWidth = $state(DEFAULTS.hiddenWidth);
  optimiser = $state<HeadOptimiser>(DEFAULTS.optimiser);
  learningRate = $state(DEFAULTS.learningRate);
  epochs = $state(DEFAULTS.epochs);
  batchSize = $state(DEFAULTS.batchSize);
  seed = $state(DEFAULTS.seed);
  dataPercent = $state(DEFAULTS.dataPercent);
  heldOutPercent = $state(DEFAULTS.heldOutPercent);
  inputDropoutA = $state(DEFAULTS.inputDropoutA);
  hiddenDropoutA = $state(DEFAULTS.hiddenDropoutA);
  weightDecayA = $state(DEFAULTS.weightDecayA);
  inputDropoutB = $state(DEFAULTS.inputDropoutB);
  hiddenDropoutB = $state(DEFAULTS.hiddenDropoutB);
  weightDecayB = $state(DEFAULTS.weightDecayB);

  /** Held between epochs in the worker (see PauseGates). */
  paused = $state(false);
  notice = $state<string | null>(null);
  /** Every finished run, oldest first. */
  table = $state.raw<HeadTableRow[]>([]);

  private readonly job: Job<HeadTrainingResult, HeadTrainingProgress>;
  /** The data the last result was trained on (see dataKeyOf). */
  #trainedOn = $state<string | null>(null);
  /** Every finished run's head the worker keeps, oldest first (whether it still applies: `heads`). */
  #kept = $state.raw<KeptHeadRef[]>([]);
  /** The label tool's rows as a key, computed once per change of the rows (it joins every text). */
  #dataKey = $derived.by(() => dataKeyOf(this.labels));
  /** The data and model the running call trains on, to stop it when either changes. */
  private runningOn: { data: string; digest: string | null } | null = null;

  constructor(
    private readonly client: HeadClient,
    private readonly loaded: LoadedModel,
    private readonly labels: HeadLabels,
  ) {
    this.job = new Job(client, 'head', () => loaded.generation);
    restoreSettings(KEY, HEAD_SETTINGS, this);
  }

  get running(): boolean {
    return this.job.running;
  }

  get progress(): HeadTrainingProgress | null {
    return this.job.progress;
  }

  get error(): string | null {
    return this.job.error;
  }

  /** The last finished training, while its model is loaded and the label tool still has its rows. */
  get result(): HeadTrainingResult | null {
    const result = this.job.result;
    return result && this.#trainedOn !== null && this.#trainedOn === this.#dataKey ? result : null;
  }

  /**
   * The trained heads the uncertainty tool may use, newest first: those trained on the loaded model (its
   * generation: a reload after a worker restart counts as another model, the worker lost them) and on the
   * label tool's current rows. A page reload starts with none.
   */
  get heads(): TrainedHeadChoice[] {
    const data = this.#dataKey;
    const generation = this.loaded.generation;
    return this.#kept
      .filter((kept) => kept.data === data && kept.generation === generation)
      .map(({ id, row, label, hasDropout, example }) => ({ id, row, label, hasDropout, example }))
      .reverse();
  }

  /** The head of a runs-table row, while it still applies (see `heads`). */
  headOfRow(row: number): TrainedHeadChoice | null {
    return this.heads.find((head) => head.row === row) ?? null;
  }

  /** The curves to draw: the running call's so far, else the last result's. */
  get curves(): HeadRunCurve[] {
    if (this.running) return this.progress?.runs ?? [];
    return this.result?.runs ?? [];
  }

  /** Why the train button is off, in words; null when training can start. */
  get blocker(): string | null {
    if (!this.loaded.info) return 'Load a model first: the head learns from its sentence embeddings.';
    const parsed = this.labels.parsed;
    if (!parsed) return 'Paste data or load the example first.';
    if (!parsed.summary.ok) return 'The data has problems to fix first (see above).';
    if (parsed.rowCount < 4) return 'Training a head needs at least 4 rows.';
    return null;
  }

  get regularisations(): HeadRegularisation[] {
    return [
      {
        name: 'A',
        inputDropout: this.inputDropoutA,
        hiddenDropout: this.hiddenDropoutA,
        weightDecay: this.weightDecayA,
      },
      {
        name: 'B',
        inputDropout: this.inputDropoutB,
        hiddenDropout: this.hiddenDropoutB,
        weightDecay: this.weightDecayB,
      },
    ];
  }

  request(): HeadTrainingRequest {
    return {
      options: {
        model: this.model,
        hiddenWidth: this.hiddenWidth,
        optimiser: this.optimiser,
        learningRate: this.learningRate,
        epochs: this.epochs,
        batchSize: this.batchSize,
        seed: this.seed,
        heldOutFraction: this.heldOutPercent / 100,
        dataFraction: this.dataPercent / 100,
        standardize: true,
      },
      runs: this.regularisations,
      pooling: this.labels.settings.pooling,
    };
  }

  /** Trains run A and run B side by side on the label tool's current rows. */
  async train(): Promise<void> {
    const parsed = this.labels.parsed;
    const data = this.#dataKey;
    if (this.blocker || !parsed || data === null) return;
    this.notice = null;
    this.paused = false;
    const rows: PackedRows = {
      texts: parsed.texts,
      count: parsed.rowCount,
      labelIds: parsed.labelIds,
      classes: parsed.summary.classes,
    };
    const request = this.request();
    const dataName = `${this.labels.sourceName || 'pasted data'} (${parsed.rowCount} rows)`;
    this.runningOn = { data, digest: this.loaded.info?.contentDigest ?? null };
    const outcome = await this.job.start(
      ({ jobId, onProgress }) => this.client.trainHeads(rows, request, onProgress, jobId),
      {
        progress: {
          stage: 'embeddings',
          fraction: 0,
          detail: 'Starting',
          epoch: 0,
          epochs: request.options.epochs,
          runs: [],
        },
        apply: (result) => {
          this.#trainedOn = data;
          const rows = tableRowsOf(result, dataName, this.table.length + 1);
          this.table = [...this.table, ...rows];
          this.keepHeads(result, rows, data);
        },
      },
    );
    if (outcome.status !== 'superseded') {
      this.paused = false;
      this.runningOn = null;
    }
    if (
      outcome.status === 'cancelled' ||
      (outcome.status === 'failed' && outcome.error instanceof WorkerRestartedError)
    )
      this.notice = CANCELLED_NOTICE;
  }

  private keepHeads(result: HeadTrainingResult, rows: HeadTableRow[], data: string): void {
    const generation = this.loaded.generation;
    const kept = result.headIds.map((id, k): KeptHeadRef => {
      const row = rows[k];
      return {
        id,
        row: row.id,
        label: `#${row.id} run ${row.run}: ${row.head}, ${regulariserText(row)}, ${row.dataPercent}% of the rows`,
        hasDropout: row.inputDropout > 0 || row.hiddenDropout > 0,
        example: result.heldOutExample,
        data,
        generation,
      };
    });
    this.#kept = [...this.#kept, ...kept];
  }

  /** Holds the training after the epoch in progress (the worker waits; nothing is lost). */
  async pause(): Promise<void> {
    const jobId = this.job.jobId;
    if (!jobId || this.paused) return;
    this.paused = true;
    await this.client.pause(jobId, true);
  }

  async resume(): Promise<void> {
    const jobId = this.job.jobId;
    if (!jobId || !this.paused) return;
    this.paused = false;
    await this.client.pause(jobId, false);
  }

  async cancel(): Promise<void> {
    if (!this.running) return;
    this.notice = CANCELLED_NOTICE;
    this.paused = false;
    await this.job.cancel();
  }

  /**
   * Keeps the runs table and the last training aside while the guided tour trains its own heads; the
   * returned function stops a tour training still running and puts them back.
   */
  lendToTour(): () => Promise<void> {
    const [table, result, trainedOn, kept] = [this.table, this.job.result, this.#trainedOn, this.#kept];
    return async () => {
      if (this.running) await this.job.cancel();
      this.paused = false;
      this.notice = null;
      this.table = table;
      this.job.restore(result);
      this.#trainedOn = trainedOn;
      this.#kept = kept;
    };
  }

  /** Empties the runs table; its heads go with it (the uncertainty tool offers the table's heads). */
  clearTable(): void {
    this.table = [];
    this.#kept = [];
  }

  tableCsv() {
    return tableCsv(this.table);
  }

  tableJson(): string {
    return tableJson(this.table);
  }

  persist(): void {
    saveSettings(KEY, HEAD_SETTINGS, this);
  }

  /**
   * While the panel is shown: saves the settings when they change, and stops a training whose model or rows
   * are no longer the label tool's (its curves would describe data that is not on screen).
   */
  follow(): () => void {
    return $effect.root(() => {
      $effect(() => {
        for (const field of Object.keys(HEAD_SETTINGS) as (keyof HeadSettings)[]) void this[field];
        untrack(() => this.persist());
      });
      $effect(() => {
        const data = this.#dataKey;
        const digest = this.loaded.info?.contentDigest ?? null;
        untrack(() => this.inputsChanged(data, digest));
      });
    });
  }

  private inputsChanged(data: string | null, digest: string | null): void {
    const on = this.runningOn;
    if (!on || !this.running || (on.data === data && on.digest === digest)) return;
    this.job.supersede();
    this.runningOn = null;
    this.paused = false;
    this.notice =
      on.digest !== digest
        ? 'Another model was loaded, so the training on the previous one was stopped.'
        : 'The data changed, so the training on the previous rows was stopped.';
  }
}
