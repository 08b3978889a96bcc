import { describe, expect, it } from 'vitest';
import { ANALOGY_VIEW_STATE } from '../../src/state/view-state/analogy';
import { ATTENTION_VIEW_STATE } from '../../src/state/view-state/attention';
import { HEAD_VIEW_STATE } from '../../src/state/view-state/head';
import { LABELS_VIEW_STATE } from '../../src/state/view-state/labels';
import { UNCERTAINTY_VIEW_STATE } from '../../src/state/view-state/uncertainty';
import { WORKSHOP_VIEW_STATE } from '../../src/state/view-state/workshop';

describe('view-state rows', () => {
  it('give every setting its own link key (a shared key would set two settings from one value)', () => {
    const keys = [
      ...WORKSHOP_VIEW_STATE,
      ...ATTENTION_VIEW_STATE,
      ...UNCERTAINTY_VIEW_STATE,
      ...ANALOGY_VIEW_STATE,
      ...LABELS_VIEW_STATE,
      ...HEAD_VIEW_STATE,
    ].map((row) => row.key);
    const repeated = keys.filter((key, i) => keys.indexOf(key) !== i);
    expect(repeated).toEqual([]);
  });
});
