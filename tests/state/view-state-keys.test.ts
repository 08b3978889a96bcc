import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseStateHash, parseStateParams } from '../../src/core/workshop/state-table';
import { createAppStores, installAppStores } from '../../src/state/app-stores.svelte';
import { currentViewHash, applyViewHash } from '../../src/state/view-link.svelte';
import { ANALOGY_VIEW_STATE } from '../../src/state/view-state/analogy';
import { ATTENTION_VIEW_STATE } from '../../src/state/view-state/attention';
import { HEAD_VIEW_STATE } from '../../src/state/view-state/head';
import { LABELS_VIEW_STATE } from '../../src/state/view-state/labels';
import { UNCERTAINTY_VIEW_STATE } from '../../src/state/view-state/uncertainty';
import { DECODER_UNCERTAINTY_VIEW_STATE } from '../../src/state/view-state/decoder-uncertainty';
import { CALIBRATION_VIEW_STATE } from '../../src/state/view-state/calibration';
import { WORKSHOP_VIEW_STATE } from '../../src/state/view-state/workshop';
import type { PlaygroundClient } from '../../src/worker/client';
import { TOUR_STEPS } from '../../src/core/workshop/tour';
import { VIEW_STATE } from '../../src/tools';
import { FakeClient, memoryStorage } from './fake-client';

const ROWS = [
  ...WORKSHOP_VIEW_STATE,
  ...ATTENTION_VIEW_STATE,
  ...UNCERTAINTY_VIEW_STATE,
  ...DECODER_UNCERTAINTY_VIEW_STATE,
  ...CALIBRATION_VIEW_STATE,
  ...ANALOGY_VIEW_STATE,
  ...LABELS_VIEW_STATE,
  ...HEAD_VIEW_STATE,
];

describe('view-state rows', () => {
  it('give every setting its own link key, former keys included (a shared key would set two settings from one value)', () => {
    const keys = ROWS.flatMap((row) => [row.key, ...(row.formerKey ? [row.formerKey.key] : [])]);
    const repeated = keys.filter((key, i) => keys.indexOf(key) !== i);
    expect(repeated).toEqual([]);
  });

  it("read every tour step's settings without a problem (a step naming a former key would be read as an old link)", () => {
    for (const step of TOUR_STEPS) {
      expect(parseStateParams(Object.entries(step.state), VIEW_STATE.rows).problems, step.id).toEqual([]);
      for (const key of Object.keys(step.state))
        expect(
          ROWS.some((row) => row.key === key),
          `${step.id}: ${key}`,
        ).toBe(true);
    }
  });
});

describe('layer and head in links count from 1, as on screen', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  const stores = () => installAppStores(createAppStores(new FakeClient() as unknown as PlaygroundClient));

  it('writes the layer and head the screen shows', () => {
    const { attention } = stores();
    attention.layer = 2;
    attention.head = 1;
    const hash = currentViewHash();
    expect(hash).toMatch(/(^|&)attnLayer=3(&|$)/);
    expect(hash).toMatch(/(^|&)attnHead=2(&|$)/);
    expect(hash).not.toMatch(/(^|&)(layer|head)=/);
    // Layer 1, head 1 are the defaults and are left out of the link.
    attention.layer = 0;
    attention.head = 0;
    expect(currentViewHash()).not.toMatch(/attnLayer|attnHead/);
  });

  it('opens a new link on the layer and head it names', () => {
    const { attention } = stores();
    applyViewHash('#tool=attention&attnLayer=4&attnHead=2');
    expect([attention.layer, attention.head]).toEqual([3, 1]);
  });

  it('still opens an old link (layer=, head= from 0) on the view it showed', () => {
    const { attention, workshop } = stores();
    applyViewHash('#tool=attention&layer=3&head=1');
    expect([attention.layer, attention.head]).toEqual([3, 1]);
    expect(workshop.problems).toEqual([]);
    // Written back in the new form: the same view, counted from 1.
    expect(currentViewHash()).toMatch(/attnLayer=4&attnHead=2/);
  });

  it('prefers the new key when a link has both, and names a bad old value by its own key', () => {
    expect(parseStateHash('head=5&attnHead=2', VIEW_STATE.rows).values).toEqual({ attnHead: 2 });
    expect(parseStateHash('attnHead=2&head=5', VIEW_STATE.rows).values).toEqual({ attnHead: 2 });
    expect(parseStateHash('layer=-4', VIEW_STATE.rows).problems).toEqual([
      'Layer (layer): "-4" is not a whole number from 0 to 255; the default is used.',
    ]);
    expect(parseStateHash('attnLayer=0', VIEW_STATE.rows).problems).toEqual([
      'Layer (attnLayer): "0" is not a whole number from 1 to 256; the default is used.',
    ]);
  });
});
