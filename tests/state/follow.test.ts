/**
 * The stores own their reruns: while a tool is shown its component calls store.follow(), and the store
 * reruns after a change (typing debounced) and on a new model. No component holds a timer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnalogyStore } from '../../src/state/analogy-store.svelte';
import { AttentionStore } from '../../src/state/attention-store.svelte';
import { LabelsStore } from '../../src/state/labels-store.svelte';
import { UncertaintyStore } from '../../src/state/uncertainty-store.svelte';
import { FakeClient, fakeInfo, memoryStorage, settle } from './fake-client';
import { ReactiveModel } from './reactive-model.svelte';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (client: FakeClient, method: string) => client.calls.filter((c) => c.method === method).length;

describe('store.follow()', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('attention: reruns once typing pauses and on a new model, and stops when unfollowed', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    const store = new AttentionStore(client, model);
    const stop = store.follow();
    await wait(350);
    expect(count(client, 'attention')).toBe(1);
    store.text = 'a';
    await settle();
    store.text = 'ab';
    await wait(100);
    expect(count(client, 'attention')).toBe(1);
    await wait(300);
    expect(count(client, 'attention')).toBe(2);
    expect(client.last('attention').args[0]).toBe('ab');
    model.loadAnother();
    await wait(350);
    expect(count(client, 'attention')).toBe(3);
    stop();
    store.text = 'abc';
    await wait(350);
    expect(count(client, 'attention')).toBe(3);
  });

  it('analogy: a new model forgets the old answers and answers at once', async () => {
    const client = new FakeClient();
    const model = new ReactiveModel();
    const store = new AnalogyStore(client, model);
    const stop = store.follow();
    await wait(20);
    expect(count(client, 'analogySpaces')).toBe(1);
    stop();
  });

  it('uncertainty: keeps the task on one the model supports', async () => {
    const model = new ReactiveModel();
    model.info = { ...fakeInfo(), maskToken: null };
    const store = new UncertaintyStore(new FakeClient(), model);
    expect(store.task).toBe('fill-mask');
    const stop = store.follow();
    await settle();
    expect(store.task).toBe('classification');
    stop();
  });

  it('labels: a file dropped within the typing pause is not overwritten by the typed text', async () => {
    const client = new FakeClient();
    const store = new LabelsStore(client, new ReactiveModel());
    store.type('typed,label');
    const drop = store.dropFile(new File(['text,label\nx,a\ny,b'], 'data.csv'));
    await settle();
    client.last('parseLabeledFile').resolve({
      summary: { ok: true, classes: ['a', 'b'], problems: [], columns: null },
      rowCount: 2,
      texts: 'x\u0000y',
      labelIds: Int32Array.from([0, 1]),
      sourceRows: Int32Array.from([1, 2]),
      text: 'text,label\nx,a\ny,b',
    });
    await drop;
    await wait(350);
    // One read, the file's (in the worker): the typed text is never read after the drop.
    expect(count(client, 'parseLabeledFile')).toBe(1);
    expect(count(client, 'parseLabeledData')).toBe(0);
    expect(store.input).toBe('text,label\nx,a\ny,b');
    expect(store.sourceName).toBe('data.csv');
  });
});
