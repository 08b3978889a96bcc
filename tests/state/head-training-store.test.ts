import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  HeadRunCurve,
  HeadTrainingProgress,
  HeadTrainingRequest,
  HeadTrainingResult,
} from '../../src/core/contracts/head';
import { HeadTrainingStore } from '../../src/state/head-training-store.svelte';
import { FakeClient, FakeModel, memoryStorage, settle } from './fake-client';
import { ReactiveLabels } from './reactive-labels.svelte';
import { ReactiveModel } from './reactive-model.svelte';

const TEXTS = ['a dog', 'a cat', 'an oak', 'a fir', 'a cow', 'a pine'];
const LABELS = [0, 0, 1, 1, 0, 1];

function labelsWithRows(): ReactiveLabels {
  const labels = new ReactiveLabels();
  labels.setRows(TEXTS, LABELS, ['animal', 'tree']);
  return labels;
}

function curve(name: 'A' | 'B', heldOut: number[]): HeadRunCurve {
  const epochs = heldOut.map((loss, i) => ({
    epoch: i + 1,
    trainLoss: 1 / (i + 2),
    trainAccuracy: 0.5 + i / 10,
    heldOutLoss: loss,
    heldOutAccuracy: 0.5,
  }));
  const best = heldOut.indexOf(Math.min(...heldOut)) + 1;
  return {
    regularisation: {
      name,
      inputDropout: name === 'A' ? 0 : 0.2,
      hiddenDropout: name === 'A' ? 0 : 0.5,
      weightDecay: 0,
    },
    epochs,
    bestEpoch: best,
    mcHeldOut: null,
  };
}

let heads = 0;

function result(request: HeadTrainingRequest): HeadTrainingResult {
  return {
    runs: [curve('A', [0.9, 0.7, 0.8]), curve('B', [0.9, 0.75, 0.72])],
    options: request.options,
    classes: ['animal', 'tree'],
    totalRows: 6,
    trainRows: 4,
    heldOutRows: 2,
    featureDim: 8,
    cachedTexts: 0,
    computedTexts: 6,
    modelLabel: 'fake',
    milliseconds: 5,
    headIds: [`head-${++heads}`, `head-${++heads}`],
    heldOutExample: 'a fir',
  };
}

describe('HeadTrainingStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('trains A and B on the label rows with the settings, shows live curves, and adds both runs to the table', async () => {
    const client = new FakeClient();
    const store = new HeadTrainingStore(client, new FakeModel(), labelsWithRows());
    store.hiddenDropoutB = 0.5;
    store.dataPercent = 25;
    const training = store.train();
    expect(store.running).toBe(true);
    const call = client.last('trainHeads');
    const [rows, request, onProgress] = call.args as [
      { count: number; classes: string[]; labelIds: Int32Array },
      HeadTrainingRequest,
      (p: HeadTrainingProgress) => void,
    ];
    expect(rows.count).toBe(6);
    expect(rows.classes).toEqual(['animal', 'tree']);
    expect(request.options).toMatchObject({
      model: 'mlp',
      dataFraction: 0.25,
      heldOutFraction: 0.3,
      standardize: true,
    });
    expect(request.runs.map((r) => [r.name, r.hiddenDropout])).toEqual([
      ['A', 0],
      ['B', 0.5],
    ]);
    const live = [curve('A', [0.9]), curve('B', [0.95])];
    onProgress({ stage: 'training', fraction: 0.5, detail: 'Epoch 1 of 3', epoch: 1, epochs: 3, runs: live });
    expect(store.curves).toEqual(live);
    call.resolve(result(request));
    await training;
    expect(store.running).toBe(false);
    expect(store.curves.map((c) => c.epochs.length)).toEqual([3, 3]);
    expect(store.table.map((r) => [r.id, r.run, r.bestEpoch, r.finalHeldOutLoss, r.dataPercent])).toEqual([
      [1, 'A', 2, 0.8, 25],
      [2, 'B', 3, 0.72, 25],
    ]);
    // A second training adds to the table rather than replacing it.
    const again = store.train();
    client.last('trainHeads').resolve(result(request));
    await again;
    expect(store.table.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    const csv = store.tableCsv();
    expect(csv.header).toContain('finalHeldOutLoss');
    expect(csv.rows).toHaveLength(4);
    expect(JSON.parse(store.tableJson()).runs).toHaveLength(4);
  });

  it('pauses and resumes the worker job by its id, and Cancel keeps settings and table', async () => {
    const client = new FakeClient();
    const store = new HeadTrainingStore(client, new FakeModel(), labelsWithRows());
    const first = store.train();
    client.last('trainHeads').resolve(result(store.request()));
    await first;
    const second = store.train();
    const jobId = client.last('trainHeads').jobId!;
    await store.pause();
    expect(store.paused).toBe(true);
    await store.resume();
    expect(client.pauses).toEqual([
      { jobId, paused: true },
      { jobId, paused: false },
    ]);
    await store.pause();
    await store.cancel();
    await second;
    expect(store.running).toBe(false);
    expect(store.paused).toBe(false);
    expect(store.notice).toMatch(/cancelled/);
    expect(client.cancelled.at(-1)).toEqual({ jobId, hard: true });
    expect(store.table).toHaveLength(2);
    expect(store.error).toBe(null);
  });

  it('says why it cannot train: no model, no data', () => {
    const model = new FakeModel();
    model.info = null;
    const store = new HeadTrainingStore(new FakeClient(), model, new ReactiveLabels());
    expect(store.blocker).toMatch(/Load a model/);
    model.info = new FakeModel().info;
    expect(store.blocker).toMatch(/Paste data/);
  });

  it('a worker restart shows the restart and keeps the table', async () => {
    const client = new FakeClient();
    const store = new HeadTrainingStore(client, new FakeModel(), labelsWithRows());
    const training = store.train();
    client.restart(client.last('trainHeads'), 'it ran out of memory');
    await training;
    expect(store.error).toMatch(/restarted/);
    expect(store.notice).toMatch(/cancelled/);
    expect(store.running).toBe(false);
  });

  it('hides the curves for another model or other rows, and stops a training on the old ones', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    const labels = labelsWithRows();
    const store = new HeadTrainingStore(client, model, labels);
    const stop = store.follow();
    const first = store.train();
    client.last('trainHeads').resolve(result(store.request()));
    await first;
    expect(store.curves).toHaveLength(2);
    labels.setRows(TEXTS, [1, 0, 1, 1, 0, 1], ['animal', 'tree']);
    await settle();
    expect(store.result).toBe(null);
    expect(store.curves).toEqual([]);
    // Training on the new rows, then another model loads: the call is let go and the page says why.
    const second = store.train();
    const call = client.last('trainHeads');
    model.loadAnother();
    await settle();
    expect(store.running).toBe(false);
    expect(store.notice).toMatch(/Another model/);
    expect(client.cancelled.at(-1)?.jobId).toBe(call.jobId);
    await second;
    expect(store.table).toHaveLength(2);
    stop();
  });

  it('remembers its settings and refuses saved values out of bounds', async () => {
    vi.stubGlobal(
      'localStorage',
      memoryStorage({ 'head-training-settings': { epochs: 40, inputDropoutB: 3, optimiser: 'sgd', model: 'bogus' } }),
    );
    const store = new HeadTrainingStore(new FakeClient(), new FakeModel(), labelsWithRows());
    expect(store.epochs).toBe(40);
    expect(store.optimiser).toBe('sgd');
    expect(store.inputDropoutB).toBe(0.5);
    expect(store.model).toBe('mlp');
    store.hiddenWidth = 16;
    const stop = store.follow();
    await settle();
    stop();
    const again = new HeadTrainingStore(new FakeClient(), new FakeModel(), labelsWithRows());
    expect(again.hiddenWidth).toBe(16);
  });
});
