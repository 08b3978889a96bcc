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

  it('settings read back out of bounds or of the wrong type come back as their defaults; the rest survives', async () => {
    const store = await audited();
    store.decide(1, DECISION_REMOVE);
    // What an older version or a damaged store could have written (setSettings itself does not check).
    store.setSettings({ folds: 99, fracNoise: 0.3, seed: 'seven', rankBy: 'nonsense', C: -1 } as never);
    await drain();

    const next = await reloaded();
    expect(next.settings.folds).toBe(5);
    expect(next.settings.seed).toBe(0);
    expect(next.settings.rankBy).toBe('self_confidence');
    expect(next.settings.C).toBeUndefined();
    expect(next.settings.fracNoise).toBe(0.3);
    expect(next.input).toBe('text,label\np,a\nq,b\nr,a\ns,b');
    expect(next.result?.rows).toBe(4);
    expect([...next.decisions]).toEqual([0, DECISION_REMOVE, 0, 0]);
  });

  it('parse settings read back out of bounds or of the wrong type come back as their defaults; the rest survives', async () => {
    const store = await audited();
    store.decide(1, DECISION_REMOVE);
    store.setSettings({ fracNoise: 0.3 });
    // What an older version or a damaged store could have written (setParse itself does not check).
    store.setParse({
      format: 'xml',
      delimiter: ';',
      header: 'maybe',
      textColumn: -1,
      labelColumn: 1,
      excludeIncomplete: 'yes',
    } as never);
    await drain();

    const next = await reloaded();
    expect(next.parseSettings).toEqual({
      format: 'auto',
      delimiter: ';',
      header: 'auto',
      textColumn: null,
      labelColumn: 1,
      excludeIncomplete: false,
    });
    expect(next.settings.fracNoise).toBe(0.3);
    expect(next.input).toBe('text,label\np,a\nq,b\nr,a\ns,b');
    expect(next.result?.rows).toBe(4);
    expect([...next.decisions]).toEqual([0, DECISION_REMOVE, 0, 0]);
  });

  it("a session file's settings are checked the same way, and its data and decisions are taken", async () => {
    const source = await audited();
    source.decide(2, DECISION_KEEP);
    const session = source.sessionSnapshot();
    session.settings = { ...session.settings, folds: 1, features: 'words', minExamplesPerClass: 3 } as never;

    const store = await reloaded();
    await store.applySession(session);
    expect(store.settings.folds).toBe(5);
    expect(store.settings.features).toBe('embeddings');
    expect(store.settings.minExamplesPerClass).toBe(3);
    expect(store.input).toBe('text,label\np,a\nq,b\nr,a\ns,b');
    expect(store.result?.rows).toBe(4);
    expect([...store.decisions]).toEqual([0, 0, DECISION_KEEP, 0]);
  });

  it("a session file's parse settings are checked the same way, and its data, audit and decisions are taken", async () => {
    const source = await audited();
    source.decide(2, DECISION_KEEP);
    const session = source.sessionSnapshot();
    session.parse = {
      delimiter: 'x',
      textColumn: '0',
      labelColumn: 2.5,
      header: 'no',
      excludeIncomplete: true,
    } as never;
    session.settings = { ...session.settings, minExamplesPerClass: 3 };

    const store = await reloaded();
    await store.applySession(session);
    expect(store.parseSettings).toEqual({
      format: 'auto',
      delimiter: 'auto',
      header: 'no',
      textColumn: null,
      labelColumn: null,
      excludeIncomplete: true,
    });
    expect(store.settings.minExamplesPerClass).toBe(3);
    expect(store.input).toBe('text,label\np,a\nq,b\nr,a\ns,b');
    expect(store.result?.rows).toBe(4);
    expect([...store.decisions]).toEqual([0, 0, DECISION_KEEP, 0]);
  });
});
