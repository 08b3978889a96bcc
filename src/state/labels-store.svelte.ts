/**
 * The label-audit tool's state: the pasted data and how to read it (LabelsReading), the audit settings, the
 * last result and the user's per-row decisions. Everything is kept in IndexedDB (LabelsAutosave) so a reload
 * finds it intact; parsing and the audit itself run in the worker.
 */
import {
  DEFAULT_AUDIT_SETTINGS,
  DEFAULT_PARSE,
  LABEL_AUDIT_SETTINGS,
  LABEL_PARSE_SETTINGS,
  TEXT_SEPARATOR,
  type AuditedRows,
  type LabelAuditOutput,
  type LabelAuditProgress,
  type LabelAuditSettings,
  type ParseSettings,
} from '../core/contracts/labels';
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
import { reviewOrder } from '../core/labels/review-order';
import type { SessionLabels } from '../core/workshop/session-file';
import { clampToRow } from '../core/workshop/state-table';
import { WorkerRestartedError } from '../worker/client';
import { Job } from './job.svelte';
import { LabelsAutosave } from './labels-autosave.svelte';
import { LabelsReading, type LabelsClient } from './labels-reading.svelte';
import { checkedSettings } from './settings';
import type { LoadedModel } from './loaded-model';

/** The audit settings typed as numbers in the settings panel. */
export type NumericAuditSetting = 'folds' | 'seed' | 'fracNoise' | 'minExamplesPerClass' | 'C';

const CANCELLED_NOTICE = 'The audit was cancelled. Your data and settings are kept.';

export { DECISION_ACCEPT, DECISION_KEEP, DECISION_NONE, DECISION_REMOVE, type Decision };
export type { AuditedRows, ParseSettings };
export type { LabelsClient, ParsedView } from './labels-reading.svelte';

export const EXAMPLE_URL = `${import.meta.env.BASE_URL}examples/wordnet-glosses-noisy.csv`;
const EXAMPLE_NAME = 'wordnet-glosses-noisy.csv';
/** Inputs longer than this are not shown in the text box (it would make typing slow). */
export const LARGE_INPUT_CHARS = 200_000;

export class LabelsStore extends LabelsReading {
  settings = $state<LabelAuditSettings>({ ...DEFAULT_AUDIT_SETTINGS });

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

  /** The audit itself. Its result is kept apart from the model generation: an audit stays valid for its data. */
  private readonly auditJob: Job<LabelAuditOutput, LabelAuditProgress>;
  private readonly autosave = new LabelsAutosave(this);

  constructor(client: LabelsClient, model: LoadedModel) {
    super(client, model);
    this.auditJob = new Job(client, 'labels', () => model.generation);
    if (this.autosave.available) void this.restore();
    else this.restored = true;
    // Text typed within the typing pause is written as the page goes (best effort: a write started while the
    // page unloads may not commit, which is why every other change is written at once).
    if (typeof window !== 'undefined')
      window.addEventListener('pagehide', () => void (this.typingTimer ? this.autosave.input() : undefined));
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
    if (!this.result) return new Int32Array(0);
    const filter = {
      flaggedOnly: this.flaggedOnly,
      given: this.givenFilter,
      suggested: this.suggestedFilter,
      search: this.search,
    };
    return reviewOrder(this.result, filter, () => this.lowerTexts);
  }

  /** Counts of decisions taken, for the summary line. */
  decisionCounts = $derived.by(() => {
    void this.decisionVersion;
    const counts = [0, 0, 0, 0];
    for (const d of this.decisions) counts[d]++;
    return { accepted: counts[DECISION_ACCEPT], kept: counts[DECISION_KEEP], removed: counts[DECISION_REMOVE] };
  });

  // ---------------------------------------------------------------- input (reading it: LabelsReading)

  protected dataChanged(): void {
    if (this.result) this.stale = true;
    this.autosave.inputNow();
  }

  protected get folds(): number {
    return this.settings.folds;
  }

  protected clearError(): void {
    this.error = null;
  }

  setSettings(patch: Partial<LabelAuditSettings>): void {
    this.settings = { ...this.settings, ...patch };
    if (patch.folds !== undefined) void this.parse();
    if (this.result) this.stale = true;
    this.autosave.inputNow();
  }

  /**
   * A number typed in the settings panel, brought within its row's bounds (rounded for a whole-number row). An
   * empty entry or zero falls back to the default, except for min_examples_per_class, where it means 0.
   */
  setNumber(key: NumericAuditSetting, value: number): void {
    const row = LABEL_AUDIT_SETTINGS[key];
    const fallback = key === 'minExamplesPerClass' ? 0 : row.defaultValue;
    this.setSettings({ [key]: clampToRow(value || fallback, row) ?? fallback });
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
          await this.autosave.result();
          await this.autosave.decisions();
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
    void this.autosave.deleteResult();
  }

  /**
   * Lends the tool to the guided tour: the user's data, audit and decisions are kept aside and nothing
   * the tour loads is saved. The returned function puts them back (and saves again from then on).
   */
  lendToTour(): () => Promise<void> {
    const own = this.sessionSnapshot();
    this.autosave.enabled = false;
    return async () => {
      this.autosave.enabled = true;
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
    void this.autosave.decisions();
  }

  /** Accept every flagged row's suggestion that has no decision yet. */
  acceptAllFlagged(): void {
    const result = this.result;
    if (!result) return;
    for (const row of result.ranking) if (this.decisions[row] === DECISION_NONE) this.decisions[row] = DECISION_ACCEPT;
    this.decisionVersion++;
    void this.autosave.decisions();
  }

  clearDecisions(): void {
    this.decisions = new Uint8Array(this.result?.rows ?? 0);
    this.decisionVersion++;
    void this.autosave.decisions();
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
    this.parseSettings = checkedSettings(session.parse, LABEL_PARSE_SETTINGS, DEFAULT_PARSE);
    this.settings = checkedSettings(session.settings, LABEL_AUDIT_SETTINGS, DEFAULT_AUDIT_SETTINGS);
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
    await Promise.all([this.autosave.all(), this.result ? this.autosave.result() : this.autosave.deleteResult()]);
  }

  // ---------------------------------------------------------------- persistence

  private async restore(): Promise<void> {
    try {
      const { input, result: saved, decisions, stale } = await this.autosave.load();
      if (input && typeof input.input === 'string' && this.input === '') {
        this.input = input.input;
        this.sourceName = input.sourceName ?? '';
        this.parseSettings = checkedSettings(input.parse, LABEL_PARSE_SETTINGS, DEFAULT_PARSE);
        this.settings = checkedSettings(input.settings, LABEL_AUDIT_SETTINGS, DEFAULT_AUDIT_SETTINGS);
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
}
