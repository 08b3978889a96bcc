import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelStore, PERSIST_FROM_BYTES } from '../../src/state/model-store.svelte';
import type { ModelInfo } from '../../src/core/contracts/model';
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

describe('ModelStore and offline storage', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  /** navigator.storage's persist()/persisted(), answering as told and counting the asks. */
  function fakeStorage(answer: boolean, already = false) {
    const asked: string[] = [];
    return {
      asked,
      persisted: async () => (asked.push('persisted'), already),
      persist: async () => (asked.push('persist'), answer),
    };
  }

  async function loaded(store: ModelStore, client: FakeClient, url: string, info: ModelInfo) {
    const load = store.load({ kind: 'url', url });
    client.last('load').resolve(info);
    expect(await load).toBe(true);
    await settle();
  }

  it('says so when the loaded model cannot be kept for offline use, and asks nothing of the browser', async () => {
    const client = new FakeClient();
    const storage = fakeStorage(true);
    const store = new ModelStore(client, storage);
    const message = 'big is loaded and works now, but it cannot be kept for offline use: it needs 400 MB …';
    await loaded(store, client, 'https://example.org/big/', {
      ...fakeInfo(),
      sizeBytes: 400e6,
      notKeptOffline: message,
    });
    expect([store.status, store.notice]).toEqual(['ready', message]);
    expect(storage.asked).toEqual([]);
  });

  it('asks the browser to persist storage when a large downloaded model is kept, and says so if it declines', async () => {
    const client = new FakeClient();
    const granted = fakeStorage(true);
    await loaded(new ModelStore(client, granted), client, 'https://example.org/big/', {
      ...fakeInfo(),
      sizeBytes: PERSIST_FROM_BYTES,
    });
    expect(granted.asked).toEqual(['persisted', 'persist']);

    const declined = fakeStorage(false);
    const store = new ModelStore(client, declined);
    await loaded(store, client, 'https://example.org/big/', { ...fakeInfo(), label: 'big', sizeBytes: 400e6 });
    expect(store.notice).toBe(
      "big is kept for offline use, but the browser did not agree to keep this site's storage for good: it may remove the model when disk space runs low.",
    );

    const small = fakeStorage(false);
    const quiet = new ModelStore(client, small);
    await loaded(quiet, client, 'https://example.org/small/', { ...fakeInfo(), sizeBytes: PERSIST_FROM_BYTES - 1 });
    expect([small.asked, quiet.notice]).toEqual([[], null]);
  });

  it('keeps every built-in model for offline use, sending plain file lists, and reports what happened', async () => {
    const client = new FakeClient();
    const store = new ModelStore(client, undefined);
    store.embedded = [
      { name: 'playground-bert-mini', bytes: 10, files: [{ file: 'onnx/model.onnx', bytes: 10 }] },
      { name: 'playground-gpt-mini', bytes: 20, files: [{ file: 'onnx/model.onnx', bytes: 20 }] },
    ];
    const keeping = store.keepBuiltinsForOffline();
    await settle();
    const first = client.last('keepBuiltin');
    expect(first.args).toEqual(['playground-bert-mini', [{ file: 'onnx/model.onnx', bytes: 10 }]]);
    // What crosses to the worker must be cloneable: no reactive proxy.
    expect(() => structuredClone(first.args)).not.toThrow();
    first.resolve({ status: 'kept', downloadedBytes: 0 });
    await settle();
    client
      .last('keepBuiltin')
      .resolve({ status: 'not-kept', reason: 'it needs 9.4 MB and the browser leaves this site 2.0 MB of storage' });
    expect(await keeping).toEqual({
      'playground-bert-mini': 'kept',
      'playground-gpt-mini': 'not kept: it needs 9.4 MB and the browser leaves this site 2.0 MB of storage',
    });
    expect(store.notice).toBeNull();
  });
});
