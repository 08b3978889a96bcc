import type { AttentionView, AttentionViewName } from '../../core/contracts/attention';
import type { AttentionViewWithSource } from '../../state/attention-store.svelte';

export interface ExportSelection {
  view: AttentionViewName;
  layer: number;
  head: number;
  row: number;
}

/** The exact numbers the current view shows, as long-format records: one per (layer, head, query, key). */
export function shownRecords(result: AttentionView, selection: ExportSelection) {
  const [layers, heads, seq] = result.shape;
  const records: {
    layer: number;
    head: number | 'mean';
    query: number;
    queryToken: string;
    key: number;
    keyToken: string;
    probability: number;
  }[] = [];
  const layerRange = selection.view === 'model' ? [...Array(layers).keys()] : [selection.layer];
  const headRange =
    selection.view === 'model' || selection.view === 'head'
      ? [...Array(heads).keys()]
      : [Math.min(selection.head, heads - 1)];
  const queryRange = selection.view === 'row' ? [selection.row] : [...Array(seq).keys()];
  for (const l of layerRange) {
    for (const h of headRange) {
      for (const i of queryRange) {
        for (let j = 0; j < seq; j++) {
          records.push({
            layer: l + 1,
            head: result.mode === 'heads' ? h + 1 : 'mean',
            query: result.positions[i],
            queryToken: result.tokens[i],
            key: result.positions[j],
            keyToken: result.tokens[j],
            probability: result.probs[((l * heads + h) * seq + i) * seq + j],
          });
        }
      }
    }
  }
  return records;
}

/** The shown numbers plus where they came from: the model and execution provider that computed them, not whatever is loaded now. */
export function shownTensorJson(
  result: AttentionViewWithSource,
  selection: ExportSelection,
  meta: { text: string; pair: string | null },
): string {
  const [layers, heads, seq] = result.shape;
  const records = shownRecords(result, selection);
  return JSON.stringify(
    {
      model: result.producedBy.model,
      executionProvider: result.producedBy.executionProvider,
      text: meta.text,
      pair: meta.pair,
      view: selection.view,
      mode: result.mode,
      // Causal decoders: values above the diagonal are the mask's exact zeros, not measured weights.
      causal: result.causal ?? false,
      layer: selection.view === 'model' ? null : selection.layer + 1,
      head:
        selection.view === 'model' || selection.view === 'head' || result.mode !== 'heads' ? null : selection.head + 1,
      tokens: result.tokens,
      positions: result.positions,
      fullShape: [layers, heads, seq, seq],
      notes: result.notes,
      values: records.map((r) => [r.layer, r.head, r.query, r.key, r.probability]),
      valueColumns: ['layer', 'head', 'query', 'key', 'probability'],
    },
    null,
    1,
  );
}
