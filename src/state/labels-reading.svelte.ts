/**
 * Reading the label tool's data: the pasted or dropped input, how to read it (format, columns, header),
 * and the worker's reading of it. The latest reading wins; a file that cannot be audited is not taken and
 * loses nothing the user had. The audit, the decisions and saving build on this in LabelsStore.
 */
import { untrack } from 'svelte';
import { DEFAULT_PARSE, TEXT_SEPARATOR, type PackedParse, type ParseSettings } from '../core/contracts/labels';
import type { LabeledRow, ParseLabeledTextOptions } from '../core/labels';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LoadedModel } from './loaded-model';

/** What the labels store needs of the worker client. */
export type LabelsClient = Pick<
  PlaygroundClient,
  'newJobId' | 'cancel' | 'parseLabeledData' | 'parseLabeledFile' | 'auditLabels' | 'clearEmbeddingCache'
>;

/** Typing pause before the data is read again. */
const TYPING_DELAY_MS = 300;

/** A packed parse with its rows as objects on demand (built on first access, then kept). */
export type ParsedView = PackedParse & { readonly rows: LabeledRow[] };

function viewOf(packed: PackedParse): ParsedView {
  let rows: LabeledRow[] | null = null;
  return Object.defineProperty(packed, 'rows', {
    enumerable: false,
    get() {
      if (!rows) {
        const texts = packed.rowCount === 0 ? [] : packed.texts.split(TEXT_SEPARATOR);
        rows = texts.map((text, i) => ({
          text,
          label: packed.summary.classes[packed.labelIds[i]],
          sourceRow: packed.sourceRows[i],
        }));
      }
      return rows;
    },
  }) as ParsedView;
}

export abstract class LabelsReading {
  input = $state('');
  sourceName = $state('');
  parseSettings = $state<ParseSettings>({ ...DEFAULT_PARSE });

  /** The current input as the worker read it; `rows` unpacks the rows when asked. */
  parsed = $state.raw<ParsedView | null>(null);
  parseError = $state<string | null>(null);
  /** The model (content digest) whose tokenizer and maximum length the current reading's long-text note used; null before any model. */
  private readWithModel: string | null = null;

  /** Reading the data in the worker: the latest reading wins (a file dropped while typed text is read, and so on). */
  private readonly parseJob: Job<PackedParse>;
  protected typingTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    protected readonly client: LabelsClient,
    protected readonly model: LoadedModel,
  ) {
    this.parseJob = new Job(client, 'labels-parse', () => model.generation);
  }

  /** The data or how to read it changed: what was computed from the old data is stale, and the change is saved. */
  protected abstract dataChanged(): void;
  /** The number of cross-validation folds the audit will use (the reading checks each class has enough rows). */
  protected abstract get folds(): number;
  /** A file is being loaded: the audit's last error no longer applies. */
  protected abstract clearError(): void;

  get parsing(): boolean {
    return this.parseJob.running;
  }

  setInput(text: string, sourceName = ''): void {
    this.input = text;
    this.sourceName = sourceName;
    this.parseSettings = { ...DEFAULT_PARSE };
    this.inputChanged();
  }

  setParse(patch: Partial<ParseSettings>): void {
    this.parseSettings = { ...this.parseSettings, ...patch };
    this.inputChanged();
  }

  /** The text box changed: the data is read again once typing pauses. */
  type(value: string): void {
    this.input = value;
    this.sourceName = '';
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.inputChanged(), TYPING_DELAY_MS);
  }

  /**
   * A dropped or picked file. It replaces what was typed: the pending re-read of the typed text must not run
   * after the file's and discard it. A file that was not loaded leaves the typed text in place: that is read
   * then, keeping the file's message.
   */
  async dropFile(file: File): Promise<void> {
    const typedText = this.typingTimer !== null;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    await this.loadFile(file);
    if (typedText && this.parseError) this.inputChanged({ keepFileError: true });
  }

  /**
   * Until the returned function is called (the tool's component follows while it is shown): reads the data
   * again when another model loads, since which texts get truncated depends on its tokenizer; and when the data
   * changes its number of columns, a column chosen for the old data falls back to detection rather than keep an
   * error the user did not cause.
   */
  follow(): () => void {
    let lastColumnCount: number | null = null;
    return $effect.root(() => {
      $effect(() => {
        void this.model.info?.contentDigest;
        untrack(() => this.modelChanged());
      });
      $effect(() => {
        const count = this.parsed?.summary.columns?.names.length ?? null;
        if (count === null) return;
        const previous = lastColumnCount;
        lastColumnCount = count;
        const { textColumn, labelColumn } = untrack(() => this.parseSettings);
        if (previous !== null && previous !== count && (textColumn !== null || labelColumn !== null)) {
          untrack(() => this.setParse({ textColumn: null, labelColumn: null }));
        }
      });
    });
  }

  /** Called when the text box changes (after the typing pause) or the parse settings do. */
  inputChanged(options: { keepFileError?: boolean } = {}): void {
    this.dataChanged();
    void this.parse(options);
  }

  async loadFile(file: File): Promise<void> {
    this.clearError();
    this.readWithModel = this.model.info?.contentDigest ?? null;
    const previousSettings = this.parseSettings;
    const outcome = await this.parseJob.start(
      // The File itself goes to the worker, which reads and decodes it: no file bytes on the page.
      ({ jobId }) => {
        this.parseSettings = { ...DEFAULT_PARSE, format: /\.jsonl?$/i.test(file.name) ? 'jsonl' : 'auto' };
        return this.client.parseLabeledFile(file, this.parseOptions(), jobId);
      },
      {
        clearError: false,
        apply: (parsed) => {
          // A file that cannot be audited at all is not taken: the data already here stays as it is.
          // (Rows that only need the user's consent to be left out do not block a file.)
          const blocking = parsed.summary.problems.filter(
            (p) => p.severity === 'error' && p.code !== 'incomplete-rows',
          );
          if (blocking.length > 0) {
            this.parseSettings = previousSettings;
            const kept = this.input.trim() !== '' ? ' Your previous data is kept.' : '';
            this.parseError = `${file.name} was not loaded: ${blocking.map((p) => p.message).join(' ')}${kept}`;
            return;
          }
          this.input = parsed.text ?? '';
          parsed.text = null;
          this.sourceName = file.name;
          this.parsed = viewOf(parsed);
          this.parseError = null;
          this.dataChanged();
        },
        describe: () => null,
      },
    );
    if (outcome.status === 'superseded') return;
    if (outcome.status === 'failed')
      this.parseError = `${file.name} could not be read: ${outcome.error.message}${this.input.trim() !== '' ? ' Your previous data is kept.' : ''}`;
    this.modelChanged(); // a model that loaded while this was read
  }

  private parseOptions(): ParseLabeledTextOptions {
    const p = this.parseSettings;
    return {
      format: p.format,
      delimiter: p.delimiter === 'auto' ? undefined : p.delimiter,
      hasHeader: p.header === 'auto' ? undefined : p.header === 'yes',
      textColumn: p.textColumn ?? undefined,
      labelColumn: p.labelColumn ?? undefined,
      folds: this.folds,
      excludeIncomplete: p.excludeIncomplete,
    };
  }

  /**
   * Reads the data again when a different model is loaded, since which texts get truncated depends on
   * its tokenizer and maximum length. A reload of the same model (after a worker restart) changes
   * nothing, so it must not re-read: that would also supersede a file being read at the time.
   */
  modelChanged(): void {
    const digest = this.model.info?.contentDigest ?? null;
    if (digest === null || digest === this.readWithModel || this.parsing || this.input.trim() === '') return;
    void this.parse({ keepFileError: true });
  }

  /**
   * Parses the input in the worker (large pastes never block the page). `keepFileError`: a re-read the
   * user did not ask for leaves the message about a file that was not loaded on screen.
   */
  async parse(options: { keepFileError?: boolean } = {}): Promise<void> {
    this.readWithModel = this.model.info?.contentDigest ?? null;
    if (this.input.trim() === '') {
      this.parseJob.supersede();
      this.parsed = null;
      return;
    }
    const input = this.input;
    const outcome = await this.parseJob.start(
      ({ jobId }) => this.client.parseLabeledData(input, this.parseOptions(), jobId),
      {
        clearError: false,
        apply: (parsed) => {
          this.parsed = viewOf(parsed);
          if (!options.keepFileError) this.parseError = null;
        },
        describe: () => null,
      },
    );
    if (outcome.status === 'superseded') return;
    if (outcome.status === 'failed') this.parseError = `The data could not be read: ${outcome.error.message}`;
    this.modelChanged(); // a model that loaded while this was read
  }
}
