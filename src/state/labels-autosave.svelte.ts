/**
 * When the label tool writes what to IndexedDB: every change at once (a write begun as the page unloads may
 * never commit, so a reload right after a change would lose it), and nothing while the guided tour borrows
 * the tool. LabelsPersistence does the storing itself.
 */
import type { AuditedRows, LabelAuditOutput, LabelAuditSettings, ParseSettings } from '../core/contracts/labels';
import { LabelsPersistence, type SavedInput, type SavedLabels, type SavedResult } from './labels-persistence';

/** The parts of the label tool's state that are saved. */
export interface LabelsSaved {
  readonly input: string;
  readonly sourceName: string;
  readonly parseSettings: ParseSettings;
  readonly settings: LabelAuditSettings;
  readonly result: LabelAuditOutput | null;
  readonly audited: AuditedRows | null;
  readonly stale: boolean;
  readonly decisions: Uint8Array;
}

export class LabelsAutosave {
  /** False while the guided tour borrows the tool: what the tour loads is never saved over the user's data. */
  enabled = true;
  private readonly saved = new LabelsPersistence();

  constructor(private readonly state: LabelsSaved) {}

  get available(): boolean {
    return this.saved.available;
  }

  load(): Promise<SavedLabels> {
    return this.saved.load();
  }

  /** Writes the data, its settings and whether the audit is stale, now rather than after a pause. */
  inputNow(): void {
    void this.input();
    if (this.state.result) void this.stale();
  }

  /** Writes everything now (a session file applied). */
  async all(): Promise<void> {
    await Promise.all([this.input(), this.decisions(), this.state.result ? this.stale() : undefined]);
  }

  async input(): Promise<void> {
    if (!this.enabled) return;
    const value: SavedInput = {
      input: this.state.input,
      sourceName: this.state.sourceName,
      parse: $state.snapshot(this.state.parseSettings),
      settings: $state.snapshot(this.state.settings),
    };
    await this.saved.saveInput(value);
  }

  async result(): Promise<void> {
    const { result, audited } = this.state;
    if (!result || !audited || !this.enabled) return;
    await this.saved.saveResult({ result, audited } satisfies SavedResult);
    await this.stale();
  }

  async stale(): Promise<void> {
    if (!this.enabled) return;
    await this.saved.saveStale(this.state.stale);
  }

  async decisions(): Promise<void> {
    if (!this.enabled) return;
    await this.saved.saveDecisions(this.state.decisions.slice());
  }

  async deleteResult(): Promise<void> {
    if (!this.enabled) return;
    await this.saved.deleteResult();
  }
}
