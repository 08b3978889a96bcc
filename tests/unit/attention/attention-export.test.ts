import { describe, expect, it } from 'vitest';
import type { AttentionViewWithSource } from '../../../src/state/attention-store.svelte';
import { shownTensorJson } from '../../../src/ui/attention/attention-export';

/** A 2-layer, 2-head attention over 3 tokens whose every probability is distinct, so misplaced numbers show. */
function attentionFrom(executionProvider: 'webgpu' | 'wasm'): AttentionViewWithSource {
  const [layers, heads, seq] = [2, 2, 3];
  const probs = Float32Array.from({ length: layers * heads * seq * seq }, (_, i) => i / 100);
  return {
    tokens: ['[CLS]', 'cat', '[SEP]'],
    ids: [2, 10, 3],
    typeIds: [0, 0, 0],
    special: [true, false, true],
    continuation: [false, false, false],
    positions: [0, 1, 2],
    probs,
    shape: [layers, heads, seq, seq],
    mode: 'heads',
    summaries: [],
    notes: [],
    untruncatedLength: seq,
    maxPositions: 32,
    producedBy: { model: 'tests/tiny-bert', executionProvider, generation: 4 },
  };
}

describe('attention JSON export', () => {
  it('names the model and execution provider that computed the numbers', () => {
    for (const provider of ['webgpu', 'wasm'] as const) {
      const exported = JSON.parse(
        shownTensorJson(
          attentionFrom(provider),
          { view: 'model', layer: 0, head: 0, row: 0 },
          { text: 'cat', pair: null },
        ),
      );
      expect(exported.executionProvider).toBe(provider);
      expect(exported.model).toBe('tests/tiny-bert');
    }
  });

  it('exports every (layer, head, query, key) of the model view with its probability', () => {
    const attention = attentionFrom('wasm');
    const exported = JSON.parse(
      shownTensorJson(attention, { view: 'model', layer: 0, head: 0, row: 0 }, { text: 'cat', pair: null }),
    );
    expect(exported.fullShape).toEqual([2, 2, 3, 3]);
    expect(exported.values).toHaveLength(2 * 2 * 3 * 3);
    // Layer 2, head 1, query 3, key 2 (1-based layer and head, positions as shown).
    const record = exported.values.find(
      (row: number[]) => row[0] === 2 && row[1] === 1 && row[2] === 2 && row[3] === 1,
    );
    expect(record[4]).toBeCloseTo(attention.probs[((1 * 2 + 0) * 3 + 2) * 3 + 1], 7);
  });
});
