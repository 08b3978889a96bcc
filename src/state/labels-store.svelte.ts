/**
 * The label-audit tool's state: the pasted data and how to read it, the audit settings, the last
 * result and the user's per-row decisions. Everything is kept in IndexedDB (idb-keyval) so a reload
 * finds it intact; parsing and the audit itself run in the worker.
 */
import { untrack } from 'svelte';
import {
  DEFAULT_AUDIT_SETTINGS,
  DEFAULT_PARSE,
  TEXT_SEPARATOR,
  type AuditedRows,
  type LabelAuditOutput,
  type LabelAuditProgress,
  type LabelAuditSettings,
  type PackedParse,
  type ParseSettings,
} from '../core/contracts/labels';
import type { LabeledRow, ParseLabeledTextOptions } from '../core/labels';
import {
  auditJson,
  cleanedCsv,
  DECISION_ACCEPT,
  DECISION_KEEP,
  DECISION_NONE,
  DECISION_REMOVE,
  finalLabel,
  type Decision,
} from '../core/labels/export';
import type { SessionLabels } from '../core/workshop/session-file';
import { WorkerRestartedError, type PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import { LabelsPersistence, type SavedInput, type SavedResult } from './labels-persistence';
import type { LoadedModel } from './loaded-model';

/** What the labels store needs of the worker client. */
export type LabelsClient = Pick<
  PlaygroundClient,
  'newJobId' | 'cancel' | 'parseLabeledData' | 'auditLabels' | 'clearEmbeddingCache'
>;

/** Typing pause before the data is read again. */
const TYPING_DELAY_MS = 300;
const CANCELLED_NOTICE = 'The audit was cancelled. Your data and settings are kept.';

export { DECISION_ACCEPT, DECISION_KEEP, DECISION_NONE, DECISION_REMOVE, type Decision };
export type { AuditedRows, ParseSettings };

export const EXAMPLE_URL = `${import.meta.env.BASE_URL}examples/wordnet-glosses-noisy.csv`;
const EXAMPLE_NAME = 'wordnet-glosses-noisy.csv';
/** Inputs longer than this are not shown in the text box (it would make typing slow). */
export const LARGE_INPUT_CHARS = 200_000;

export type SortKey = 'quality' | 'row';

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

export class LabelsStore {
  input = $state('');
  sourceName = $state('');
  parseSettings = $state<ParseSettings>({ ...DEFAULT_PARSE });
  settings = $state<LabelAuditSettings>({ ...DEFAULT_AUDIT_SETTINGS });

  /** The current input as the worker read it; `rows` unpacks the rows when asked. */
  parsed = $state.raw<ParsedView | null>(null);
  parseError = $state<string | null>(null);
  /** The model (content digest) whose tokenizer and maximum length the current reading's long-text note used; null before any model. */
  private readWithModel: string | null = null;

  result = $state.raw<LabelAuditOutput | null>(null);
  audited = $state.raw<AuditedRows | null>(null);
  /** The audited texts, one per row (split from `audited.packedTexts`). */
  auditedTexts = $derived(
    this.audited ? (this.audited.count === 0 ? [] : this.audited.packedTexts.split(TEXT_SEPARATOR)) : [],
  );
  /** The input or settings changed after the result was computed. */
  stale = $state(false);
  decisions = $state.raw<Uint8Array>(new Uint8Array(0));
  /** Bumped on every decision so views depending on `decisions` update. */
  decisionVersion = $state(0);

  notice = $state<string | null>(null);
  restored = $state(false);

  givenFilter = $state(-1);
  suggestedFilter = $state(-1);
  flaggedOnly = $state(false);
  search = $state('');

  /** Reading the data in the worker: the latest reading wins (a file dropped while typed text is read, and so on). */
  private readonly parseJob: Job<PackedParse>;
  /** The audit itself. Its result is kept apart from the model generation: an audit stays valid for its data. */
  private readonly auditJob: Job<LabelAuditOutput, LabelAuditProgress>;
  private readonly saved = new LabelsPersistence();
  /** False while the guided tour borrows the tool: what the tour loads is never saved over the user's data. */
  private saving = true;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly client: LabelsClient,
    private readonly model: LoadedModel,
  ) {
    this.parseJob = new Job(client, 'labels-parse', () => model.generation);
    this.auditJob = new Job(client, 'labels', () => model.generation);
    if (this.saved.available) void this.restore();
    else this.restored = true;
    // Text typed within the typing pause is written as the page goes (best effort: a write started while the
    // page unloads may not commit, which is why every other change is written at once).
    if (typeof window !== 'undefined')
      window.addEventListener('pagehide', () => void (this.typingTimer ? this.saveInput() : undefined));
  }

  get parsing(): boolean {
    return this.parseJob.running;
  }

  get running(): boolean {
    return this.auditJob.running;
  }

  get progress(): LabelAuditProgress | null {
    return this.auditJob.progress;
  }

  get error(): string | null {
    return this.auditJob.error;
  }

  set error(message: string | null) {
    this.auditJob.error = message;
  }

  /** Lower-cased texts for the search box (derived lazily: built on the first search). */
  private lowerTexts = $derived(this.auditedTexts.map((t) => t.toLowerCase()));

  /** Rows in review order: flagged first (most likely mislabeled first), then the rest by label quality. */
  order = $derived.by(() => this.computeOrder());

  private computeOrder(): Int32Array {
    const result = this.result;
    if (!result) return new Int32Array(0);
    const { ranking, qualityScores, isIssue, givenLabels, suggestedLabels } = result;
    const rest: number[] = [];
    for (let i = 0; i < result.rows; i++) if (!isIssue[i]) rest.push(i);
    rest.sort((a, b) => qualityScores[a] - qualityScores[b] || a - b);
    const all = [...ranking, ...(this.flaggedOnly ? [] : rest)];
    const given = this.givenFilter;
    const suggested = this.suggestedFilter;
    const needle = this.search.trim().toLowerCase();
    const texts = needle === '' ? [] : this.lowerTexts;
    const kept = all.filter(
      (i) =>
        (given < 0 || givenLabels[i] === given) &&
        (suggested < 0 || suggestedLabels[i] === suggested) &&
        (needle === '' || texts[i]?.includes(needle)),
    );
    return Int32Array.from(kept);
  }

  /** Counts of decisions taken, for the summary line. */
  decisionCounts = $derived.by(() => {
    void this.decisionVersion;
    const counts = [0, 0, 0, 0];
    for (const d of this.decisions) counts[d]++;
    return { accepted: counts[DECISION_ACCEPT], kept: counts[DECISION_KEEP], removed: counts[DECISION_REMOVE] };
  });

  // ---------------------------------------------------------------- input

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

  setSettings(patch: Partial<LabelAuditSettings>): void {
    this.settings = { ...this.settings, ...patch };
    if (patch.folds !== undefined) void this.parse();
    if (this.result) this.stale = true;
    this.saveInputNow();
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
    if (this.result) this.stale = true;
    void this.parse(options);
    this.saveInputNow();
  }

  /**
   * What loading the example would replace, as a phrase ("your 120 rows, their audit and 4 decisions"),
   * or null when there is nothing of the user's to lose (empty, or the unchanged example).
   */
  get replacedByExample(): string | null {
    const ownInput = this.input.trim() !== '' && this.sourceName !== EXAMPLE_NAME;
    const decided = this.decisionCounts.accepted + this.decisionCounts.kept + this.decisionCounts.removed;
    if (!ownInput && decided === 0) return null;
    const rows = this.parsed?.rowCount;
    const data = ownInput ? (rows ? `your ${rows.toLocaleString('en-US')} rows` : 'your data') : 'the example';
    const audit = this.result ? `, ${ownInput ? 'their' : 'its'} audit` : '';
    const decisions = decided > 0 ? ` and ${decided} decision${decided === 1 ? '' : 's'}` : '';
    return `${data}${audit}${decisions}`;
  }

  /** Replaces the data with the example; the audit of the data it replaces goes with it (it would be stale). */
  async loadExample(): Promise<void> {
    this.error = null;
    try {
      const response = await fetch(EXAMPLE_URL);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (this.running) await this.cancel();
      this.forgetAudit();
      this.setInput(text, EXAMPLE_NAME);
      this.notice =
        'Loaded the example: 360 WordNet noun glosses with 8 classes, some labels deliberately wrong. Press "Find label issues".';
    } catch (error) {
      this.error = `The example could not be loaded: ${(error as Error).message}`;
    }
  }

  async loadFile(file: File): Promise<void> {
    this.error = null;
    this.readWithModel = this.model.info?.contentDigest ?? null;
    const previousSettings = this.parseSettings;
    const outcome = await this.parseJob.start(
      async ({ jobId }) => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        this.parseSettings = { ...DEFAULT_PARSE, format: /\.jsonl?$/i.test(file.name) ? 'jsonl' : 'auto' };
        return this.client.parseLabeledData(bytes, this.parseOptions(), jobId);
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
          if (this.result) this.stale = true;
          this.saveInputNow();
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
      folds: this.settings.folds,
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

  // ---------------------------------------------------------------- audit

  canRun(): boolean {
    return !!this.parsed?.summary.ok && !this.running && (this.settings.features === 'tfidf' || !!this.model.info);
  }

  async run(): Promise<void> {
    const parsed = this.parsed;
    if (!parsed?.summary.ok) return;
    this.notice = null;
    const audited: AuditedRows = { packedTexts: parsed.texts, count: parsed.rowCount, sourceRows: parsed.sourceRows };
    const rows = {
      texts: parsed.texts,
      count: parsed.rowCount,
      labelIds: parsed.labelIds,
      classes: parsed.summary.classes,
    };
    const settings = $state.snapshot(this.settings);
    const outcome = await this.auditJob.start(
      ({ jobId, onProgress }) => this.client.auditLabels(rows, settings, onProgress, jobId),
      {
        apply: async (result) => {
          this.result = result;
          this.audited = audited;
          this.stale = false;
          this.decisions = new Uint8Array(result.rows);
          this.decisionVersion++;
          this.givenFilter = -1;
          this.suggestedFilter = -1;
          await this.saveResult();
          await this.saveDecisions();
        },
      },
    );
    // A worker restart mid-audit shows its own message and this note: the data and settings are still here.
    if (
      outcome.status === 'cancelled' ||
      (outcome.status === 'failed' && outcome.error instanceof WorkerRestartedError)
    )
      this.notice = CANCELLED_NOTICE;
  }

  async cancel(): Promise<void> {
    if (!this.running) return;
    this.notice = CANCELLED_NOTICE;
    // Cross-validation runs synchronously in the worker: a hard cancel restarts it if it does not stop.
    await this.auditJob.cancel();
  }

  /** Forgets the worker's cached sentence embeddings (the next audit embeds every text again). */
  clearEmbeddingCache(): Promise<void> {
    return this.client.clearEmbeddingCache();
  }

  private forgetAudit(): void {
    this.result = null;
    this.audited = null;
    this.stale = false;
    this.decisions = new Uint8Array(0);
    this.decisionVersion++;
    if (this.saving) void this.saved.deleteResult();
  }

  /**
   * Lends the tool to the guided tour: the user's data, audit and decisions are kept aside and nothing
   * the tour loads is saved. The returned function puts them back (and saves again from then on).
   */
  lendToTour(): () => Promise<void> {
    const own = this.sessionSnapshot();
    this.saving = false;
    return async () => {
      this.saving = true;
      this.notice = null;
      this.parseError = null;
      await this.applySession(own);
    };
  }

  // ---------------------------------------------------------------- decisions

  decide(row: number, decision: Decision): void {
    if (row < 0 || row >= this.decisions.length) return;
    this.decisions[row] = this.decisions[row] === decision ? DECISION_NONE : decision;
    this.decisionVersion++;
    void this.saveDecisions();
  }

  /** Accept every flagged row's suggestion that has no decision yet. */
  acceptAllFlagged(): void {
    const result = this.result;
    if (!result) return;
    for (const row of result.ranking) if (this.decisions[row] === DECISION_NONE) this.decisions[row] = DECISION_ACCEPT;
    this.decisionVersion++;
    void this.saveDecisions();
  }

  clearDecisions(): void {
    this.decisions = new Uint8Array(this.result?.rows ?? 0);
    this.decisionVersion++;
    void this.saveDecisions();
  }

  /** The label a row ends up with after its decision. */
  finalLabel(row: number): string {
    return finalLabel(this.result!, this.decisions, row);
  }

  // ---------------------------------------------------------------- export

  /** The cleaned dataset: removed rows left out, accepted suggestions applied (formula cells escaped by toCsv). */
  cleanedCsv(): string {
    return this.result ? cleanedCsv(this.result, this.auditedTexts, this.decisions) : '';
  }

  auditJson(): string {
    const { result, audited } = this;
    if (!result || !audited) return '{}';
    return auditJson({
      result,
      sourceRows: audited.sourceRows,
      texts: this.auditedTexts,
      decisions: this.decisions,
      source: this.sourceName || 'pasted data',
    });
  }

  // ---------------------------------------------------------------- session files

  /** Everything a session file keeps of this tool: the data as pasted, the settings, the audit and the decisions. */
  sessionSnapshot(): SessionLabels {
    return {
      input: this.input,
      sourceName: this.sourceName,
      parse: $state.snapshot(this.parseSettings),
      settings: $state.snapshot(this.settings),
      audit:
        this.result && this.audited
          ? {
              result: this.result,
              audited: this.audited,
              decisions: this.decisions.slice(),
              stale: this.stale,
            }
          : null,
    };
  }

  /** Replaces the tool's state with a session's (validated by decodeSession) and saves it. */
  async applySession(session: SessionLabels): Promise<void> {
    if (this.running) await this.cancel();
    this.input = session.input;
    this.sourceName = session.sourceName;
    this.parseSettings = { ...DEFAULT_PARSE, ...session.parse };
    this.settings = { ...DEFAULT_AUDIT_SETTINGS, ...session.settings };
    if (session.audit) {
      this.result = session.audit.result;
      this.audited = session.audit.audited;
      this.decisions = session.audit.decisions.slice();
      this.stale = session.audit.stale;
    } else {
      this.result = null;
      this.audited = null;
      this.decisions = new Uint8Array(0);
      this.stale = false;
    }
    this.decisionVersion++;
    void this.parse();
    await Promise.all([this.flush(), this.result ? this.saveResult() : this.saving && this.saved.deleteResult()]);
  }

  // ---------------------------------------------------------------- persistence

  private async restore(): Promise<void> {
    try {
      const { input, result: saved, decisions, stale } = await this.saved.load();
      if (input && typeof input.input === 'string' && this.input === '') {
        this.input = input.input;
        this.sourceName = input.sourceName ?? '';
        this.parseSettings = { ...DEFAULT_PARSE, ...input.parse };
        this.settings = { ...DEFAULT_AUDIT_SETTINGS, ...input.settings };
        void this.parse();
      }
      if (saved?.result && saved.audited?.sourceRows instanceof Int32Array && !this.result) {
        this.result = saved.result;
        this.audited = saved.audited;
        this.stale = stale === true;
        this.decisions =
          decisions instanceof Uint8Array && decisions.length === saved.result.rows
            ? decisions
            : new Uint8Array(saved.result.rows);
        this.decisionVersion++;
      }
    } catch {
      // No IndexedDB (private mode): the tool works, nothing is remembered.
    } finally {
      this.restored = true;
    }
  }

  /**
   * Writes the data, its settings and whether the audit is stale, now rather than after a pause: a write begun as the
   * page unloads may never commit, so a reload right after a change would lose it.
   */
  private saveInputNow(): void {
    void this.saveInput();
    if (this.result) void this.saveStale();
  }

  /** Writes everything now (a session file applied). */
  private async flush(): Promise<void> {
    await Promise.all([this.saveInput(), this.saveDecisions(), this.result ? this.saveStale() : undefined]);
  }

  private async saveInput(): Promise<void> {
    if (!this.saving) return;
    const value: SavedInput = {
      input: this.input,
      sourceName: this.sourceName,
      parse: $state.snapshot(this.parseSettings),
      settings: $state.snapshot(this.settings),
    };
    await this.saved.saveInput(value);
  }

  private async saveResult(): Promise<void> {
    if (!this.result || !this.audited || !this.saving) return;
    await this.saved.saveResult({ result: this.result, audited: this.audited } satisfies SavedResult);
    await this.saveStale();
  }

  private async saveStale(): Promise<void> {
    if (!this.saving) return;
    await this.saved.saveStale(this.stale);
  }

  private async saveDecisions(): Promise<void> {
    if (!this.saving) return;
    await this.saved.saveDecisions(this.decisions.slice());
  }
}
