/**
 * The uncertainty tool's "trained head" task and the label tool's runs table that opens it: the head store
 * says which heads still exist (this page, this model, these rows), and the uncertainty store never runs or
 * links a head that is not there.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HeadRunCurve, HeadTrainingRequest, HeadTrainingResult } from '../../src/core/contracts/head';
import { HeadTrainingStore } from '../../src/state/head-training-store.svelte';
import { UncertaintyStore } from '../../src/state/uncertainty-store.svelte';
import { FakeClient, memoryStorage, settle } from './fake-client';
import { ReactiveLabels } from './reactive-labels.svelte';
import { ReactiveModel } from './reactive-model.svelte';

const TEXTS = ['a dog', 'a cat', 'an oak', 'a fir', 'a cow', 'a pine'];

function curve(name: 'A' | 'B', dropout: number): HeadRunCurve {
  return {
    regularisation: { name, inputDropout: dropout, hiddenDropout: dropout, weightDecay: 0 },
    epochs: [{ epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, heldOutLoss: 0.6, heldOutAccuracy: 0.7 }],
    bestEpoch: 1,
    mcHeldOut: null,
  };
}

let ids = 0;
function result(request: HeadTrainingRequest): HeadTrainingResult {
  return {
    runs: [curve('A', 0), curve('B', 0.5)],
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
    headIds: [`head-${++ids}`, `head-${++ids}`],
    heldOutExample: 'an oak',
  };
}

function setup() {
  ids = 0;
  const client = new FakeClient();
  const model = new ReactiveModel();
  const labels = new ReactiveLabels();
  labels.setRows(TEXTS, [0, 0, 1, 1, 0, 1], ['animal', 'tree']);
  const head = new HeadTrainingStore(client, model, labels);
  const uncertainty = new UncertaintyStore(client, model, null, head);
  const train = async () => {
    const training = head.train();
    client.last('trainHeads').resolve(result(head.request()));
    await training;
  };
  return { client, model, labels, head, uncertainty, train };
}

describe('trained heads in the uncertainty tool', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('offers every finished run newest first; another model, other rows or a cleared table end them', async () => {
    const { model, labels, head, train } = setup();
    expect(head.heads).toEqual([]);
    await train();
    expect(head.heads.map((h) => [h.id, h.row, h.hasDropout, h.example])).toEqual([
      ['head-2', 2, true, 'an oak'],
      ['head-1', 1, false, 'an oak'],
    ]);
    expect(head.heads[0].label).toBe('#2 run B: MLP (128 hidden), input p 0.5, hidden p 0.5, 100% of the rows');
    expect(head.headOfRow(1)?.id).toBe('head-1');

    labels.setRows(TEXTS, [1, 0, 1, 1, 0, 1], ['animal', 'tree']);
    expect(head.heads).toEqual([]);
    expect(head.headOfRow(1)).toBe(null);
    // The same rows again: the heads trained on them apply again (the worker still has them).
    labels.setRows(TEXTS, [0, 0, 1, 1, 0, 1], ['animal', 'tree']);
    expect(head.heads).toHaveLength(2);

    model.loadAnother();
    expect(head.heads).toEqual([]);
    await train();
    expect(head.heads.map((h) => h.row)).toEqual([4, 3]);
    head.clearTable();
    expect(head.heads).toEqual([]);
  });

  it('"Open in uncertainty (MC)" selects the head and the held-out text; Run sends the head with its dropout choice', async () => {
    const { client, head, uncertainty, train } = setup();
    await train();
    uncertainty.mode = 'batch';
    uncertainty.openHead(head.headOfRow(2)!);
    expect(uncertainty.task).toBe('head');
    expect(uncertainty.mode).toBe('single');
    expect(uncertainty.head?.id).toBe('head-2');
    expect(uncertainty.text).toBe('an oak');
    uncertainty.headDropout = false;
    const run = uncertainty.run();
    const call = client.last('predict');
    expect(call.args[0]).toMatchObject({ task: 'head', text: 'an oak', head: { id: 'head-2', dropout: false } });
    call.resolve({ task: 'head' });
    await run;
    // Batch mode sends the head too.
    uncertainty.mode = 'batch';
    uncertainty.batchText = 'a fir\na cow';
    const batch = uncertainty.run();
    expect(client.last('predictBatch').args).toMatchObject([
      ['a fir', 'a cow'],
      'head',
      {},
      expect.anything(),
      { id: 'head-2', dropout: false },
    ]);
    client.last('predictBatch').resolve({ task: 'head' });
    await batch;
  });

  it('a link or a reload with the head task and no head in the page falls back with a message, and does not run', async () => {
    vi.stubGlobal('localStorage', memoryStorage({ 'uncertainty-inputs': { task: 'head' } }));
    const { client, uncertainty } = setup();
    expect(uncertainty.task).toBe('head');
    await uncertainty.run();
    expect(client.calls.filter((c) => c.method === 'predict')).toHaveLength(0);
    expect(uncertainty.task).toBe('classification');
    expect(uncertainty.headNotice).toMatch(/live only in the page that trained them/);
  });

  it('a link with the head task in a page that has heads takes the newest', async () => {
    const { uncertainty, train } = setup();
    await train();
    uncertainty.task = 'head';
    const stop = uncertainty.follow();
    await settle();
    expect(uncertainty.headId).toBe('head-2');
    expect(uncertainty.headNotice).toBe(null);
    stop();
  });

  it('a chosen head whose rows or model change is dropped while the tool is shown, saying why', async () => {
    for (const change of ['rows', 'model'] as const) {
      const { model, labels, head, uncertainty, train } = setup();
      await train();
      uncertainty.openHead(head.headOfRow(1)!);
      const stop = uncertainty.follow();
      await settle();
      expect(uncertainty.task).toBe('head');
      if (change === 'rows') labels.setRows(TEXTS.slice(0, 5), [0, 0, 1, 1, 0], ['animal', 'tree']);
      else model.loadAnother();
      await settle();
      expect(uncertainty.task).toBe('classification');
      expect(uncertainty.headId).toBe(null);
      expect(uncertainty.headNotice).toMatch(/another model was loaded or the label tool's rows changed/);
      stop();
    }
  });
});
