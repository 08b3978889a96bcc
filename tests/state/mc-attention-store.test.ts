/**
 * The attention store's MC-dropout mode: the request it sends, progress and cancel, its reruns while followed
 * (text and dropout settings, a layer outside the sampled window, never again for the same inputs), and
 * settings that survive a reload.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { McAttentionRequest } from '../../src/core/contracts/attention';
import { AttentionStore } from '../../src/state/attention-store.svelte';
import { FakeClient, FakeModel, memoryStorage, settle } from './fake-client';
import { ReactiveModel } from './reactive-model.svelte';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (client: FakeClient, method: string) => client.calls.filter((c) => c.method === method).length;
const mcView = (layers: number[], seq = 3) => ({
  layers,
  shape: [layers.length, 2, seq, seq],
  tokens: [],
  mean: new Float32Array(0),
  std: new Float32Array(0),
  plain: new Float32Array(0),
  heads: [],
  notes: [],
});

describe('AttentionStore, MC-dropout mode', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('sends the dropout settings (p from config.json unless set), reports progress and keeps the result', async () => {
    const client = new FakeClient();
    const store = new AttentionStore(client, new FakeModel());
    store.mcSamples = 8;
    store.mcHiddenSites = false;
    store.mcLastK = 2;
    store.layer = 1;
    const run = store.runMc();
    expect(store.mcRunning).toBe(true);
    expect(store.mcProgress).toEqual({ done: 0, total: 8 });
    const call = client.last('mcAttention');
    const request = call.args[0] as McAttentionRequest;
    expect(request).toMatchObject({
      text: store.text,
      pair: null,
      focusLayer: 1,
      settings: { samples: 8, dropout: 0.1, sites: ['attention'], stochasticLayers: { lastK: 2 }, seed: 1 },
    });
    (call.args[1] as (p: unknown) => void)({ done: 4, total: 8, phase: 'sampling' });
    expect(store.mcProgress).toEqual({ done: 4, total: 8, phase: 'sampling' });
    call.resolve(mcView([0, 1]));
    await run;
    expect(store.mcRunning).toBe(false);
    expect(store.mcResult?.layers).toEqual([0, 1]);
    expect(store.mcStale).toBe(false);
    store.text = 'another sentence';
    expect(store.mcStale).toBe(true);
  });

  it('cancel lets go of the sampling and keeps the inputs and the earlier result', async () => {
    const client = new FakeClient();
    const store = new AttentionStore(client, new FakeModel());
    const first = store.runMc();
    client.last('mcAttention').resolve(mcView([0, 1]));
    await first;
    const second = store.runMc();
    await store.cancelMc();
    expect(client.cancelled.at(-1)).toMatchObject({ jobId: client.last('mcAttention').jobId, hard: true });
    expect(store.mcRunning).toBe(false);
    client.last('mcAttention').reject(new Error('cancelled late'));
    await second;
    expect(store.mcError).toBeNull();
    expect(store.mcResult?.layers).toEqual([0, 1]);
  });

  it('followed in MC mode: samples once, again for new text or settings, not for the same inputs', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    const store = new AttentionStore(client, model);
    const stop = store.follow();
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(0);
    store.dropoutMode = 'mc';
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(1);
    client.last('mcAttention').resolve(mcView([0, 1]));
    await settle();
    store.dropoutMode = 'off';
    await settle();
    store.dropoutMode = 'mc';
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(1);
    store.mcSeed = 99;
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(2);
    expect((client.last('mcAttention').args[0] as McAttentionRequest).settings.seed).toBe(99);
    stop();
  });

  it('followed: a layer outside the window memory allowed samples that layer’s window', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    const store = new AttentionStore(client, model);
    store.dropoutMode = 'mc';
    const stop = store.follow();
    await wait(350);
    client.last('mcAttention').resolve(mcView([0]));
    await settle();
    store.layer = 0;
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(1);
    store.layer = 1;
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(2);
    expect((client.last('mcAttention').args[0] as McAttentionRequest).focusLayer).toBe(1);
    client.last('mcAttention').resolve(mcView([1]));
    await wait(350);
    expect(count(client, 'mcAttention')).toBe(2);
    stop();
  });

  it('in MC mode the plain run shows the raw attention (the tokens and heads the MC views index), toggles kept', async () => {
    const client = new FakeClient();
    const store = new AttentionStore(client, new FakeModel());
    store.hideSpecial = true;
    store.rollout = true;
    void store.run();
    expect(client.last('attention').args[2]).toEqual({ hideSpecial: true, averageHeads: false, rollout: true });
    store.dropoutMode = 'mc';
    void store.run();
    expect(client.last('attention').args[2]).toEqual({ hideSpecial: false, averageHeads: false, rollout: false });
    expect([store.hideSpecial, store.rollout]).toEqual([true, true]);
  });

  it('keeps its settings across a reload and ignores bad saved ones', () => {
    const first = new AttentionStore(new FakeClient(), new FakeModel());
    first.dropoutMode = 'mc';
    first.mcSamples = 64;
    first.mcDropout = 0.25;
    first.persist();
    const second = new AttentionStore(new FakeClient(), new FakeModel());
    expect([second.dropoutMode, second.mcSamples, second.mcDropout]).toEqual(['mc', 64, 0.25]);
    vi.stubGlobal(
      'localStorage',
      memoryStorage({ 'attention-inputs': { dropoutMode: 'always', mcSamples: 1, mcDropout: 2, mcSeed: -3 } }),
    );
    const third = new AttentionStore(new FakeClient(), new FakeModel());
    expect([third.dropoutMode, third.mcSamples, third.mcDropout, third.mcSeed]).toEqual(['off', 16, null, 1]);
  });
});
