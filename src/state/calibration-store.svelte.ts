/**
 * The uncertainty tool's calibration mode (issue 24): the user's text (or the built-in sample) scored word piece
 * by word piece, or the label tool's labelled rows through the classification head, with dropout off and with MC
 * dropout, one Job (the latest run wins, Cancel lets go at once), the
 * result belonging to the model generation that computed it. Built in app-stores.svelte.ts.
 */
import {
  CALIBRATION_SETTINGS,
  DEFAULT_CALIBRATION_BINS,
  MAX_CALIBRATION_BINS,
  MIN_CALIBRATION_BINS,
  type CalibrationProgress,
  type CalibrationResult,
} from '../core/contracts/calibration';
import { MAX_SAMPLES, type McDropoutSettings } from '../core/contracts/uncertainty';
import { defaultsOf } from '../core/workshop/state-table';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LabelsStore } from './labels-store.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

export type CalibrationClient = Pick<PlaygroundClient, 'newJobId' | 'cancel' | 'calibrate'>;

/** The built-in sample text (public/examples/calibration-sample.md says where it comes from). */
export const CALIBRATION_SAMPLE_URL = `${import.meta.env.BASE_URL}examples/calibration-sample.txt`;

const clampInt = (value: number, low: number, high: number, fallback: number) =>
  Number.isFinite(value) ? Math.min(high, Math.max(low, Math.round(value))) : fallback;

/** Paragraphs (blank-line separated) are scored as separate texts, so each fits the model's window. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
}

const KEY = 'calibration-inputs';
const DEFAULTS = defaultsOf(CALIBRATION_SETTINGS);

export class CalibrationStore {
  /** The calibration panel is open: part of the view, so a link or a reload shows the mode again. */
  open = $state(DEFAULTS.open);
  /** 'text': the text box's word pieces; 'rows': the label tool's rows through the classification head. */
  source = $state(DEFAULTS.source);
  /** Dropout in every layer (default), or in the last layer only with the prefix reused (faster, another estimator). */
  estimator = $state(DEFAULTS.estimator);
  text = $state(DEFAULTS.text);
  samples = $state(DEFAULTS.samples);
  /** null: the model's config.json value, else 0.1. */
  dropout = $state<number | null>(DEFAULTS.dropout);
  seed = $state(DEFAULTS.seed);
  bins = $state(DEFAULTS.bins);
  private readonly job: Job<CalibrationResult, CalibrationProgress>;

  constructor(
    private readonly client: CalibrationClient,
    private readonly model: LoadedModel,
    private readonly labels: Pick<LabelsStore, 'parsed' | 'sourceName'> | null = null,
  ) {
    this.job = new Job(client, 'calibration', () => model.generation);
    restoreSettings(KEY, CALIBRATION_SETTINGS, this);
  }

  persist(): void {
    saveSettings(KEY, CALIBRATION_SETTINGS, this);
  }

  get result(): CalibrationResult | null {
    return this.job.result;
  }

  get running(): boolean {
    return this.job.running;
  }

  get progress(): CalibrationProgress | null {
    return this.job.progress;
  }

  get error(): string | null {
    return this.job.error;
  }

  /** Rows the label tool has read (its pasted or loaded dataset), 0 when none. */
  get labelToolRows(): number {
    return this.labels?.parsed?.rows.length ?? 0;
  }

  /** The model has a classification head with named classes, so labelled rows can be scored. */
  get canScoreRows(): boolean {
    return (this.model.info?.classLabels?.length ?? 0) > 0;
  }

  settings(): McDropoutSettings {
    return {
      samples: clampInt(this.samples, 1, MAX_SAMPLES, 16),
      dropout: this.dropout ?? this.model.info?.dropoutDefaults.hidden ?? 0.1,
      sites: ['attention', 'hidden'],
      stochasticLayers: this.estimator === 'last-layer' ? { lastK: 1 } : 'all',
      seed: clampInt(this.seed, 0, 0xffffffff, 1),
    };
  }

  async run(): Promise<void> {
    this.persist();
    if (!this.model.info) return;
    const rows =
      this.source === 'rows'
        ? (this.labels?.parsed?.rows ?? []).map((row) => ({ text: row.text, label: row.label }))
        : undefined;
    const request = {
      texts: rows ? [] : splitParagraphs(this.text),
      ...(rows ? { rows } : {}),
      settings: this.settings(),
      bins: clampInt(this.bins, MIN_CALIBRATION_BINS, MAX_CALIBRATION_BINS, DEFAULT_CALIBRATION_BINS),
    };
    await this.job.start(({ jobId, onProgress }) => this.client.calibrate(request, onProgress, jobId));
  }

  /** Puts the built-in sample in the text box (the user's own text is replaced only on request). */
  async useSample(fetchImpl: typeof fetch = fetch): Promise<void> {
    const response = await fetchImpl(CALIBRATION_SAMPLE_URL);
    if (!response.ok) throw new Error(`The sample text could not be read (HTTP ${response.status}).`);
    this.text = await response.text();
    this.persist();
  }

  cancel(): void {
    void this.job.cancel();
  }

  /** The tour borrows the mode: the user's last result is kept aside and comes back when the tour closes. */
  lendToTour(): () => Promise<void> {
    const kept = this.job.kept();
    return async () => {
      if (this.job.running) await this.job.cancel();
      this.job.putBack(kept);
    };
  }
}
