/**
 * The label tool's data in IndexedDB (idb-keyval): the pasted input with its settings, the last audit
 * with the rows it ran on, the decisions and whether the audit is stale. Where the browser has no
 * IndexedDB (or refuses it, as private modes may), nothing is kept and the tool still works.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { AuditedRows, LabelAuditOutput, LabelAuditSettings, ParseSettings } from '../core/contracts/labels';

export interface SavedInput {
  input: string;
  sourceName: string;
  parse: ParseSettings;
  settings: LabelAuditSettings;
}

export interface SavedResult {
  result: LabelAuditOutput;
  audited: AuditedRows;
}

export interface SavedLabels {
  input?: SavedInput;
  result?: SavedResult;
  decisions?: Uint8Array;
  stale?: boolean;
}

export class LabelsPersistence {
  private db: UseStore | null = null;

  get available(): boolean {
    return typeof indexedDB !== 'undefined';
  }

  /** Everything saved (each part checked by the caller); empty without IndexedDB. */
  async load(): Promise<SavedLabels> {
    if (!this.available) return {};
    const [input, result, decisions, stale] = await Promise.all([
      get<SavedInput>('input', this.store()),
      get<SavedResult>('result', this.store()),
      get<Uint8Array>('decisions', this.store()),
      get<boolean>('stale', this.store()),
    ]);
    return { input, result, decisions, stale };
  }

  saveInput(input: SavedInput): Promise<void> {
    return this.write('input', input);
  }

  saveResult(result: SavedResult): Promise<void> {
    return this.write('result', result);
  }

  saveStale(stale: boolean): Promise<void> {
    return this.write('stale', stale);
  }

  saveDecisions(decisions: Uint8Array): Promise<void> {
    return this.write('decisions', decisions);
  }

  async deleteResult(): Promise<void> {
    if (!this.available) return;
    await del('result', this.store()).catch(() => undefined);
  }

  private store(): UseStore {
    this.db ??= createStore('transformer-playground-labels', 'state');
    return this.db;
  }

  private async write(key: string, value: unknown): Promise<void> {
    if (!this.available) return;
    await set(key, value, this.store()).catch(() => undefined);
  }
}
