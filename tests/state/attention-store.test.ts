import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttentionStore } from '../../src/state/attention-store.svelte';
import { FakeClient, FakeModel, memoryStorage, settle } from './fake-client';

const view = (seq = 3) => ({ shape: [2, 2, seq, seq], tokens: [], probs: new Float32Array(0) });

describe('AttentionStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('runs through the client and keeps the result while the same model is loaded', async () => {
    const client = new FakeClient();
    const model = new FakeModel();
    const store = new AttentionStore(client, model);
    const run = store.run();
    expect(store.running).toBe(true);
    client.last('attention').resolve(view());
    await run;
    expect(store.running).toBe(false);
    expect(store.result?.producedBy.generation).toBe(1);
    model.loadAnother();
    expect(store.result).toBe(null);
  });

  it('a rerun supersedes the running one (latest result wins)', async () => {
    const client = new FakeClient();
    const store = new AttentionStore(client, new FakeModel());
    const first = store.run();
    store.text = 'second';
    const second = store.run();
    client.last('attention').resolve(view(5));
    await second;
    await first;
    expect(store.result?.shape[2]).toBe(5);
    expect(client.cancelled.map((c) => c.jobId)).toEqual(['attention-1']);
  });

  it('shows a worker restart as an error and keeps the inputs', async () => {
    const client = new FakeClient();
    const store = new AttentionStore(client, new FakeModel());
    store.text = 'kept';
    const run = store.run();
    client.restart(client.last('attention'));
    await run;
    expect(store.error).toMatch(/restarted/);
    expect(store.text).toBe('kept');
    expect(store.running).toBe(false);
  });

  it('does nothing without a model', async () => {
    const client = new FakeClient();
    const model = new FakeModel();
    model.info = null;
    await new AttentionStore(client, model).run();
    expect(client.calls).toEqual([]);
  });

  it('ignores bad saved settings', () => {
    vi.stubGlobal(
      'localStorage',
      memoryStorage({ 'attention-inputs': { view: 'sideways', layer: -1, head: 1.5, text: 3, pairMode: true } }),
    );
    const store = new AttentionStore(new FakeClient(), new FakeModel());
    expect(store.view).toBe('model');
    expect(store.layer).toBe(0);
    expect(store.head).toBe(0);
    expect(store.text).toMatch(/cat/);
    expect(store.pairMode).toBe(true);
  });

  it('clamps the layer and head to the new result', async () => {
    const client = new FakeClient();
    const store = new AttentionStore(client, new FakeModel());
    store.layer = 7;
    store.head = 9;
    const run = store.run();
    client.last('attention').resolve(view());
    await run;
    await settle();
    expect([store.layer, store.head]).toEqual([1, 1]);
  });
});
