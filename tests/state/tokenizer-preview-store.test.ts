/**
 * The tokenizer preview's store: it tokenizes the text again on every change of the text or the model
 * while followed, and shows only the latest request's tokens or error.
 */
import { describe, expect, it } from 'vitest';
import type { EncodedText } from '../../src/core/model/tokenizer';
import { TokenizerPreviewStore } from '../../src/state/tokenizer-preview-store.svelte';
import { FakeClient, settle } from './fake-client';
import { ReactiveModel } from './reactive-model.svelte';

const tokens = (...words: string[]) => ({ tokens: words, ids: words.map((_, i) => i) }) as unknown as EncodedText;
const requests = (client: FakeClient) => client.calls.filter((c) => c.method === 'tokenize').map((c) => c.args[0]);

describe('TokenizerPreviewStore', () => {
  it('tokenizes on follow, on each new text and on a new model, and stops when unfollowed', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    const store = new TokenizerPreviewStore(client, model);
    const stop = store.follow();
    await settle();
    expect(requests(client)).toEqual(['The quick brown fox jumps over the lazy dog.']);
    client.last('tokenize').resolve(tokens('the', 'quick'));
    await settle();
    expect(store.encoded?.tokens).toEqual(['the', 'quick']);

    store.text = 'hello';
    await settle();
    model.loadAnother();
    await settle();
    expect(requests(client).slice(1)).toEqual(['hello', 'hello']);

    stop();
    store.text = 'after';
    await settle();
    expect(requests(client)).toHaveLength(3);
  });

  it('an answer or error for an older text never replaces the latest one', async () => {
    const client = new FakeClient();
    const store = new TokenizerPreviewStore(client, new ReactiveModel());
    store.text = 'old';
    const older = store.refresh();
    const olderCall = client.last('tokenize');
    store.text = 'new';
    const newer = store.refresh();
    client.last('tokenize').resolve(tokens('new'));
    await newer;
    olderCall.resolve(tokens('old'));
    await older;
    expect(store.encoded?.tokens).toEqual(['new']);

    store.text = 'bad';
    const failing = store.refresh();
    const failingCall = client.last('tokenize');
    store.text = 'good';
    const good = store.refresh();
    failingCall.reject(new Error('The tokenizer failed.'));
    await failing;
    expect(store.error).toBeNull();
    client.last('tokenize').resolve(tokens('good'));
    await good;
    expect(store.encoded?.tokens).toEqual(['good']);

    const lastFailing = store.refresh();
    client.last('tokenize').reject(new Error('The tokenizer failed.'));
    await lastFailing;
    expect(store.error).toBe('The tokenizer failed.');
    expect(store.encoded?.tokens).toEqual(['good']);
  });

  it('asks nothing before a model is loaded', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    model.info = null;
    const stop = new TokenizerPreviewStore(client, model).follow();
    await settle();
    expect(requests(client)).toEqual([]);
    stop();
  });
});
