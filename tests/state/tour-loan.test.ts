/**
 * The guided tour works on a loan: its examples replace the user's texts, label data and results only
 * while it runs, and closing it puts everything back (nothing of the tour is saved over the user's data).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStores, installAppStores } from '../../src/state/app-stores.svelte';
import { closeTour, openTourStep, TOUR_RETURN_NOTICE } from '../../src/state/tour-runner';
import type { PlaygroundClient } from '../../src/worker/client';
import { TOUR_STEPS } from '../../src/core/workshop/tour';
import { FakeClient, fakeInfo, memoryStorage, settle } from './fake-client';

function packed(texts: string[], classes = ['a', 'b']) {
  return {
    summary: { ok: true, classes, problems: [], columns: null },
    rowCount: texts.length,
    texts: texts.join('\u0000'),
    labelIds: Int32Array.from(texts, (_, i) => i % classes.length),
    sourceRows: Int32Array.from(texts, (_, i) => i + 1),
    text: null,
  };
}

/** Answers the worker calls the tour's steps make: the label example is read and audited, the rest fail. */
function answerTourCalls(client: FakeClient): void {
  for (const call of client.calls) {
    if (call.method === 'parseLabeledData')
      call.resolve(packed(['an example gloss', 'another gloss'], ['animal', 'plant']));
    else if (call.method === 'auditLabels')
      call.resolve({ rows: 2, ranking: new Int32Array(0), classes: ['animal', 'plant'], isIssue: new Uint8Array(2) });
    else call.reject(new Error('not part of this test'));
  }
}

const EXAMPLE_CSV = 'text,label\nan example gloss,animal\nanother gloss,plant';

describe('the guided tour borrows the user state and gives it back', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage());
    vi.stubGlobal('fetch', async () => new Response(EXAMPLE_CSV));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('puts back the texts, the tab, the label data, its audit and decisions when the tour closes', async () => {
    const client = new FakeClient();
    const stores = installAppStores(createAppStores(client as unknown as PlaygroundClient));
    const load = stores.model.load({ kind: 'embedded', name: 'tiny' });
    client.last('load').resolve(fakeInfo());
    await load;

    // The user's own work.
    stores.workshop.selectTab('analogy');
    stores.attention.text = 'My own sentence about rivers.';
    stores.uncertainty.fillMaskText = 'My [MASK] sentence.';
    stores.analogy.a = 'cold';
    stores.labels.setInput('text,label\nmine one,x\nmine two,y');
    client.last('parseLabeledData').resolve(packed(['mine one', 'mine two'], ['x', 'y']));
    await settle();
    const run = stores.labels.run();
    client
      .last('auditLabels')
      .resolve({ rows: 2, ranking: new Int32Array([1]), classes: ['x', 'y'], isIssue: new Uint8Array([0, 1]) });
    await run;
    stores.labels.decide(1, 2);
    const ownAudit = stores.labels.result;
    const ownRuns = [{ run: 'mine' }] as unknown as typeof stores.head.table;
    stores.head.table = ownRuns;

    // The tour runs its examples, the label example among them.
    for (let step = 0; step < TOUR_STEPS.length; step++) {
      let opened = false;
      const open = openTourStep(step).then(() => (opened = true));
      while (!opened) {
        await settle();
        answerTourCalls(client);
      }
      await open;
    }
    expect(stores.labels.input).toBe(EXAMPLE_CSV);
    expect(stores.labels.result).not.toBe(ownAudit);
    expect(stores.attention.text).not.toBe('My own sentence about rivers.');

    await closeTour();
    expect(stores.workshop.tourStep).toBe(null);
    expect(stores.workshop.tab).toBe('analogy');
    expect(stores.attention.text).toBe('My own sentence about rivers.');
    expect(stores.uncertainty.fillMaskText).toBe('My [MASK] sentence.');
    expect(stores.analogy.a).toBe('cold');
    expect(stores.labels.input).toBe('text,label\nmine one,x\nmine two,y');
    expect(stores.labels.result).toBe(ownAudit);
    expect([...stores.labels.decisions]).toEqual([0, 2]);
    expect(stores.head.table).toBe(ownRuns);
    expect(stores.workshop.notice).toBe(TOUR_RETURN_NOTICE);
  });
});
