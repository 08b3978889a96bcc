import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelStore } from '../../src/state/model-store.svelte';
import { FakeClient, fakeInfo, memoryStorage, settle } from './fake-client';

describe('ModelStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('loads a model, reports progress, and bumps the generation the tools stamp their results with', async () => {
    const client = new FakeClient();
    const store = new ModelStore(client);
    const load = store.load({ kind: 'embedded', name: 'tiny' });
    expect(store.status).toBe('loading');
    expect(store.progress?.stage).toBe('download');
    client.last('load').resolve(fakeInfo());
    expect(await load).toBe(true);
    expect([store.status, store.generation, store.progress]).toEqual(['ready', 1, null]);
    expect(localStorage.getItem('transformer-playground:model-choice')).toMatch(/tiny/);
  });

  it('a failed load keeps the model that was loaded', async () => {
    const client = new FakeClient();
    const store = new ModelStore(client);
    const first = store.load({ kind: 'embedded', name: 'tiny' });
    client.last('load').resolve(fakeInfo());
    await first;
    const second = store.load({ kind: 'url', url: 'https://example.org/m/' });
    client.last('load').reject(new Error('model.onnx is not an ONNX file.'));
    expect(await second).toBe(false);
    expect(store.error).toBe('model.onnx is not an ONNX file.');
    expect([store.status, store.info?.contentDigest, store.generation]).toEqual(['ready', 'digest-1', 1]);
  });

  it('Cancel stops the download without an error; a newer load supersedes an older one', async () => {
    const client = new FakeClient();
    const store = new ModelStore(client);
    const cancelled = store.load({ kind: 'embedded', name: 'tiny' });
    await store.cancel();
    expect(await cancelled).toBe(false);
    expect([store.status, store.error]).toEqual(['idle', null]);
    expect(client.cancelled.at(-1)).toEqual({ jobId: 'load-1', hard: true });
    const older = store.load({ kind: 'embedded', name: 'a' });
    const newer = store.load({ kind: 'embedded', name: 'b' });
    client.last('load').resolve(fakeInfo('b'));
    await settle();
    expect(await older).toBe(false);
    expect(await newer).toBe(true);
    expect(store.info?.contentDigest).toBe('b');
  });
});

describe('ModelStore around a worker restart', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('says the worker restarted, and takes the reloaded model as a new generation (the tools rerun on it)', async () => {
    const client = new FakeClient();
    const store = new ModelStore(client);
    const load = store.load({ kind: 'embedded', name: 'tiny' });
    client.last('load').resolve(fakeInfo());
    await load;
    client.emit({ type: 'restarted', reason: 'it crashed' });
    expect(store.notice).toBe('The model worker stopped (it crashed) and was restarted. Your inputs are kept.');
    client.emit({ type: 'reloaded', info: fakeInfo() });
    expect([store.status, store.generation]).toEqual(['ready', 2]);
    client.emit({ type: 'reload-failed', message: 'gone' });
    expect(store.error).toBe('Reloading the model after the restart failed: gone');
  });

  it("lends the model slot to the tour: the user's model, local files too, comes back with its generation and remembered choice", async () => {
    const client = new FakeClient();
    const store = new ModelStore(client);
    const load = async (source: Parameters<ModelStore['load']>[0], digest: string) => {
      const loading = store.load(source);
      client.last('load').resolve(fakeInfo(digest));
      return loading;
    };
    await load({ kind: 'embedded', name: 'tiny' }, 'tiny');
    const files = { kind: 'files' as const, files: { onnx: new File([], 'model.onnx') } } as unknown as Parameters<
      ModelStore['load']
    >[0];
    await load(files, 'mine');
    const own = store.generation;
    const remembered = localStorage.getItem('transformer-playground:model-choice');

    const loan = store.lendToTour();
    const borrowing = loan.borrow({ kind: 'embedded', name: 'gpt' });
    client.last('load').resolve(fakeInfo('gpt'));
    expect(await borrowing).toBe(true);
    expect(store.generation).not.toBe(own);
    // A second step on the same model loads nothing.
    const calls = client.calls.length;
    expect(await loan.borrow({ kind: 'embedded', name: 'gpt' })).toBe(true);
    expect(client.calls.length).toBe(calls);

    const back = loan.giveBack();
    expect(client.last('load').args[0]).toBe(files);
    client.last('load').resolve(fakeInfo('mine'));
    await back;
    expect([store.info?.contentDigest, store.generation]).toEqual(['mine', own]);
    expect(localStorage.getItem('transformer-playground:model-choice')).toBe(remembered);
    await loan.giveBack();
    expect(client.calls.length).toBe(calls + 1);

    // A model the user picks while the tour has the slot stays: the tour gives back only its own.
    const again = store.lendToTour();
    const borrowed = again.borrow({ kind: 'embedded', name: 'gpt' });
    client.last('load').resolve(fakeInfo('gpt'));
    await borrowed;
    await load({ kind: 'url', url: 'https://example.org/m/' }, 'picked');
    await again.giveBack();
    expect(store.info?.contentDigest).toBe('picked');
    // Every load but a give-back gets a generation never used before.
    expect(store.generation).toBeGreaterThan(own + 2);
  });
});
