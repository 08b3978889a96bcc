import { DEFAULT_AUDIT_SETTINGS, type LabelAuditSettings } from '../../src/core/contracts/labels';
import type { ParsedView } from '../../src/state/labels-store.svelte';

/** The label tool's rows as the head store reads them, as runes (a follow() effect sees new data). */
export class ReactiveLabels {
  parsed = $state.raw<ParsedView | null>(null);
  sourceName = $state('example.csv');
  settings = $state<LabelAuditSettings>({ ...DEFAULT_AUDIT_SETTINGS });

  setRows(texts: string[], labelIds: number[], classes = ['a', 'b']): void {
    this.parsed = {
      summary: { ok: true, classes, problems: [], columns: null },
      rowCount: texts.length,
      texts: texts.join('\u0000'),
      labelIds: Int32Array.from(labelIds),
      sourceRows: Int32Array.from(texts, (_, i) => i + 1),
      text: null,
      rows: [],
    } as unknown as ParsedView;
  }
}
