/**
 * The label tool's state across a reload, against an in-memory IndexedDB (fake-indexeddb). Store timers are
 * frozen: a page that reloads right after a click never runs a pending timer, and a write begun while the
 * page unloads may not commit, so what the user did must already be written.
 */
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DECISION_KEEP, DECISION_REMOVE, LabelsStore } from '../../src/state/labels-store.svelte';
import { FakeClient, FakeModel, memoryStorage } from './fake-client';

/** Lets the in-memory IndexedDB (scheduled with setImmediate, which is not frozen) finish its requests. */
async function drain(): Promise<void> {
  for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function audited(): Promise<LabelsStore> {
  const client = new FakeClient();
  const store = new LabelsStore(client, new FakeModel());
  await drain();
  store.setInput('text,label\np,a\nq,b\nr,a\ns,b');
  client.last('parseLabeledData').resolve({
    summary: { ok: true, classes: ['a', 'b'], problems: [], columns: null },
    rowCount: 4,
    texts: ['p', 'q', 'r', 's'].join('\u0000'),
    labelIds: Int32Array.of(0, 1, 0, 1),
    sourceRows: Int32Array.of(2, 3, 4, 5),
    text: null,
  });
  await drain();
  const run = store.run();
  client.last('auditLabels').resolve({ rows: 4, ranking: Int32Array.of(1, 2), classes: ['a', 'b'] });
  await run;
  await drain();
  return store;
}

async function reloaded(): Promise<LabelsStore> {
  const store = new LabelsStore(new FakeClient(), new FakeModel());
  await drain();
  expect(store.restored).toBe(true);
  return store;
}

describe('LabelsStore across a reload', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage());
    vi.stubGlobal('indexedDB', new IDBFactory());
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('decisions and a changed setting taken just before the reload are back after it', async () => {
    const store = await audited();
    store.decide(1, DECISION_REMOVE);
    store.decide(2, DECISION_KEEP);
    store.setSettings({ features: 'embeddings' });
    await drain();

    const next = await reloaded();
    expect(next.input).toBe('text,label\np,a\nq,b\nr,a\ns,b');
    expect(next.result?.rows).toBe(4);
    expect([...next.decisions]).toEqual([0, DECISION_REMOVE, DECISION_KEEP, 0]);
    expect(next.settings.features).toBe('embeddings');
    expect(next.stale).toBe(true);
  });

  it('cleared decisions stay cleared after the reload', async () => {
    const store = await audited();
    store.decide(3, DECISION_REMOVE);
    store.clearDecisions();
    await drain();

    const next = await reloaded();
    expect([...next.decisions]).toEqual([0, 0, 0, 0]);
  });
});
