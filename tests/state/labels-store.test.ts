import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DECISION_REMOVE, LabelsStore } from '../../src/state/labels-store.svelte';
import { FakeClient, FakeModel, memoryStorage, settle } from './fake-client';

function packed(texts: string[], classes = ['a', 'b'], problems: unknown[] = []) {
  return {
    summary: { ok: problems.length === 0, classes, problems, columns: null },
    rowCount: texts.length,
    texts: texts.join('\u0000'),
    labelIds: Int32Array.from(texts, (_, i) => i % classes.length),
    sourceRows: Int32Array.from(texts, (_, i) => i + 1),
    text: null,
  };
}

const audit = (rows: number) => ({ rows, ranking: new Int32Array(0), classes: ['a', 'b'] });

describe('LabelsStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('reads the data in the worker (the latest reading wins) and runs the audit on it', async () => {
    const client = new FakeClient();
    const store = new LabelsStore(client, new FakeModel());
    store.setInput('text,label\nx,a');
    const first = client.last('parseLabeledData');
    store.setInput('text,label\ny,a\nz,b');
    const second = client.last('parseLabeledData');
    second.resolve(packed(['y', 'z']));
    first.resolve(packed(['x']));
    await settle();
    expect(store.parsed?.rowCount).toBe(2);
    expect(store.parsing).toBe(false);
    expect(store.canRun()).toBe(true);
    const run = store.run();
    expect(store.running).toBe(true);
    client.last('auditLabels').resolve(audit(2));
    await run;
    expect(store.result?.rows).toBe(2);
    expect(store.decisions.length).toBe(2);
    expect(store.stale).toBe(false);
  });

  it("keeps typed numbers within their settings' bounds (an empty entry is the default, or 0 examples per class)", async () => {
    const client = new FakeClient();
    const store = new LabelsStore(client, new FakeModel());
    store.setNumber('folds', 99);
    store.setNumber('fracNoise', 0.001);
    store.setNumber('minExamplesPerClass', 2.6);
    store.setNumber('C', 1e-9);
    store.setNumber('seed', 12.6);
    expect(store.settings).toMatchObject({ folds: 20, fracNoise: 0.01, minExamplesPerClass: 3, C: 1e-3, seed: 13 });
    store.setNumber('folds', 2.4);
    store.setNumber('fracNoise', 3);
    store.setNumber('minExamplesPerClass', -4);
    store.setNumber('seed', -1e300);
    expect(store.settings).toMatchObject({
      folds: 2,
      fracNoise: 1,
      minExamplesPerClass: 0,
      seed: Number.MIN_SAFE_INTEGER,
    });
    // What an emptied input gives (Number('') is 0), and what is no number at all.
    store.setNumber('folds', 0);
    store.setNumber('fracNoise', 0);
    store.setNumber('minExamplesPerClass', Number.NaN);
    store.setNumber('C', 0);
    store.setNumber('seed', Number.NaN);
    expect(store.settings).toMatchObject({ folds: 5, fracNoise: 1, minExamplesPerClass: 0, C: 1, seed: 0 });

    // A number goes through setSettings: new folds read the data again (each class needs enough rows).
    store.setInput('text,label\nx,a');
    const reads = client.calls.filter((c) => c.method === 'parseLabeledData').length;
    store.setNumber('folds', 3);
    expect(client.calls.filter((c) => c.method === 'parseLabeledData').length).toBe(reads + 1);
  });

  it('Cancel keeps the data and settings and says so', async () => {
    const client = new FakeClient();
    const store = new LabelsStore(client, new FakeModel());
    store.setInput('data');
    client.last('parseLabeledData').resolve(packed(['p', 'q']));
    await settle();
    const run = store.run();
    await store.cancel();
    await run;
    expect(store.running).toBe(false);
    expect(store.error).toBe(null);
    expect(store.notice).toBe('The audit was cancelled. Your data and settings are kept.');
    expect(store.input).toBe('data');
    expect(client.cancelled.at(-1)?.hard).toBe(true);
  });

  it('a worker restart mid-audit shows the restart and the cancelled note', async () => {
    const client = new FakeClient();
    const store = new LabelsStore(client, new FakeModel());
    store.setInput('data');
    client.last('parseLabeledData').resolve(packed(['p', 'q']));
    await settle();
    const run = store.run();
    client.restart(client.last('auditLabels'), 'it ran out of memory');
    await run;
    expect(store.error).toMatch(/restarted/);
    expect(store.notice).toBe('The audit was cancelled. Your data and settings are kept.');
  });

  it('reads the data again for a different model, but not for the same model reloaded', async () => {
    const client = new FakeClient();
    const model = new FakeModel();
    const store = new LabelsStore(client, model);
    store.setInput('data');
    client.last('parseLabeledData').resolve(packed(['p', 'q']));
    await settle();
    const reads = () => client.calls.filter((c) => c.method === 'parseLabeledData').length;
    store.modelChanged();
    expect(reads()).toBe(1);
    model.loadAnother();
    store.modelChanged();
    expect(reads()).toBe(2);
  });

  it('a file that cannot be audited is not taken: the data and its settings stay', async () => {
    const client = new FakeClient();
    const store = new LabelsStore(client, new FakeModel());
    store.setInput('kept data');
    client.last('parseLabeledData').resolve(packed(['p', 'q']));
    await settle();
    const file = new File(['one class only'], 'bad.csv');
    const load = store.loadFile(file);
    await settle();
    expect(client.last('parseLabeledFile').args[0]).toBe(file);
    client
      .last('parseLabeledFile')
      .resolve(packed(['x'], ['a'], [{ severity: 'error', code: 'one-class', message: 'Only one class.' }]));
    await load;
    expect(store.parseError).toBe('bad.csv was not loaded: Only one class. Your previous data is kept.');
    expect(store.input).toBe('kept data');
    expect(store.parsed?.rowCount).toBe(2);
  });

  it('"Try an example" names what it would replace, and the loaded example leaves no stale audit behind', async () => {
    vi.stubGlobal('fetch', async () => new Response('text,label\nan example,a'));
    const client = new FakeClient();
    const store = new LabelsStore(client, new FakeModel());
    expect(store.replacedByExample).toBe(null);
    store.setInput('text,label\nx,a\ny,b\nz,a');
    client.last('parseLabeledData').resolve(packed(['x', 'y', 'z']));
    await settle();
    expect(store.replacedByExample).toBe('your 3 rows');
    const run = store.run();
    client.last('auditLabels').resolve(audit(3));
    await run;
    store.decide(0, DECISION_REMOVE);
    expect(store.replacedByExample).toBe('your 3 rows, their audit and 1 decision');
    await store.loadExample();
    expect([store.result, store.audited, store.decisions.length, store.stale]).toEqual([null, null, 0, false]);
    expect(store.input).toBe('text,label\nan example,a');
    expect(store.replacedByExample).toBe(null);
  });
});
