import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readBatchInputs } from '../../src/core/uncertainty/batch-inputs';
import { UncertaintyStore } from '../../src/state/uncertainty-store.svelte';
import { FakeClient, FakeModel, memoryStorage } from './fake-client';

const prediction = { task: 'fill-mask', tokens: ['a'], settings: {} };
const batch = { task: 'fill-mask', items: [], ranking: {} };

describe('UncertaintyStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('runs a single input with the settings, reports progress, and keeps the result for its model only', async () => {
    const client = new FakeClient();
    const model = new FakeModel();
    const store = new UncertaintyStore(client, model);
    store.maskPosition = 2;
    const run = store.run();
    expect(store.progress).toEqual({ done: 0, total: store.samples + 1 });
    const call = client.last('predict');
    expect(call.args[1]).toMatchObject({ samples: 32, dropout: 0.1, sites: ['attention', 'hidden'], seed: 1 });
    (call.args[2] as (p: unknown) => void)({ done: 5, total: 33 });
    expect(store.progress).toEqual({ done: 5, total: 33 });
    call.resolve(prediction);
    await run;
    expect(store.result).toBe(prediction);
    expect(store.running).toBe(false);
    // Another model: the result, and the clicked mask position, belong to the old one.
    model.loadAnother();
    expect(store.result).toBe(null);
    expect(store.maskPosition).toBe(null);
  });

  it('runs the batch mode into its own result', async () => {
    const client = new FakeClient();
    const store = new UncertaintyStore(client, new FakeModel());
    store.mode = 'batch';
    store.batchText = 'one\n\n two \nthree';
    const run = store.run();
    expect(client.last('predictBatch').args[0]).toEqual(['one', 'two', 'three']);
    client.last('predictBatch').resolve(batch);
    await run;
    expect(store.batch).toBe(batch);
    expect(store.result).toBe(null);
  });

  it('Cancel stops at once, hard-cancels the worker job and keeps the previous result', async () => {
    const client = new FakeClient();
    const store = new UncertaintyStore(client, new FakeModel());
    const first = store.run();
    client.last('predict').resolve(prediction);
    await first;
    const second = store.run();
    await store.cancel();
    await second;
    expect(store.running).toBe(false);
    expect(store.error).toBe(null);
    expect(store.result).toBe(prediction);
    expect(client.cancelled.at(-1)).toEqual({ jobId: 'uncertainty-2', hard: true });
  });

  it('a worker restart mid-run is shown, the inputs stay', async () => {
    const client = new FakeClient();
    const store = new UncertaintyStore(client, new FakeModel());
    store.fillMaskText = 'my text [MASK]';
    const run = store.run();
    client.restart(client.last('predict'), 'it ran out of memory');
    await run;
    expect(store.error).toMatch(/ran out of memory.*restarted/);
    expect(store.fillMaskText).toBe('my text [MASK]');
  });

  it("keeps typed numbers within their settings' bounds and the model's layers, ignores what is no number, and remembers them", () => {
    const store = new UncertaintyStore(new FakeClient(), new FakeModel());
    store.setNumber('samples', 9999);
    store.setNumber('dropout', 1.5);
    store.setNumber('lastK', 7);
    store.setNumber('seed', 12.6);
    store.setNumber('topK', 0);
    expect([store.samples, store.dropout, store.lastK, store.seed, store.topK]).toEqual([256, 0.95, 2, 13, 1]);
    store.setNumber('samples', Number.NaN);
    expect(store.samples).toBe(256);
    const reloaded = new UncertaintyStore(new FakeClient(), new FakeModel());
    expect([reloaded.samples, reloaded.dropout, reloaded.lastK, reloaded.seed, reloaded.topK]).toEqual([
      256, 0.95, 2, 13, 1,
    ]);
  });

  it('ignores bad saved settings and keeps the good ones', () => {
    vi.stubGlobal(
      'localStorage',
      memoryStorage({
        'uncertainty-inputs': { samples: 9999, dropout: 2, seed: -1, topK: 0, measure: 'vibes', mode: 'batch' },
      }),
    );
    const store = new UncertaintyStore(new FakeClient(), new FakeModel());
    expect([store.samples, store.dropout, store.seed, store.topK, store.measure]).toEqual([
      32,
      null,
      1,
      10,
      'mutualInformation',
    ]);
    expect(store.mode).toBe('batch');
  });

  it('a batch file is read in the worker: its texts and labels become the inputs, and the notice says from where', async () => {
    const client = new FakeClient();
    const store = new UncertaintyStore(client, new FakeModel());
    const file = new Blob(['text,label\nA dog  ran.,animal\nThe soup was salty.,food\n']);
    const loading = store.importLabeledFile(file, 'mine.csv');
    const call = client.last('readBatchInputs');
    expect(call.args[0]).toBe(file);
    call.resolve(readBatchInputs(await file.text()));
    await loading;
    expect(store.batchText).toBe('A dog ran.\nThe soup was salty.');
    expect(store.batchLabels).toEqual(['animal', 'food']);
    expect(store.batchNotice).toBe('mine.csv: 2 texts loaded from the "text" column.');
  });

  it('a batch file with no texts says so and keeps the inputs already there; only the latest file is taken', async () => {
    const client = new FakeClient();
    const store = new UncertaintyStore(client, new FakeModel());
    const before = store.batchText;
    const empty = store.importLabeledFile('', 'empty.csv');
    client.last('readBatchInputs').resolve(readBatchInputs(''));
    await empty;
    expect(store.batchNotice).toBe(`empty.csv: no texts found. ${readBatchInputs('').problems.join(' ')}`.trim());
    expect(store.batchNotice).toMatch(/^empty\.csv: no texts found\./);
    expect(store.batchText).toBe(before);

    const slow = store.importLabeledFile('text,label\nold one,a\n', 'old.csv');
    const slowCall = client.last('readBatchInputs');
    const fast = store.importLabeledFile('text,label\nnew one,b\n', 'new.csv');
    client.last('readBatchInputs').resolve(readBatchInputs('text,label\nnew one,b\n'));
    await fast;
    slowCall.resolve(readBatchInputs('text,label\nold one,a\n'));
    await slow;
    expect(store.batchText).toBe('new one');
    expect(store.batchNotice).toBe('new.csv: 1 texts loaded from the "text" column.');

    const failing = store.importLabeledFile('text\nx\n', 'lost.csv');
    client.restart(client.last('readBatchInputs'));
    await failing;
    expect(store.batchNotice).toMatch(/^lost\.csv: /);
    expect(store.batchText).toBe('new one');
  });
});
