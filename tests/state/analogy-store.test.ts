import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnalogyStore } from '../../src/state/analogy-store.svelte';
import { ANALOGY_VIEW_STATE } from '../../src/state/view-state/analogy';
import { FakeClient, FakeModel, memoryStorage, settle } from './fake-client';

const summaries = [
  { id: 'token', label: 'Token', available: true, note: '', size: 10, dim: 4 },
  { id: 'static', label: 'Static', available: true, note: '', size: 10, dim: 4 },
  { id: 'contextual', label: 'Contextual', available: false, note: '', size: null, dim: null },
];
const answers = [{ space: 'token', ok: true, candidates: [] }];

async function answer(client: FakeClient, method: string, value: unknown) {
  await settle();
  client.last(method).resolve(value);
  await settle();
}

describe('AnalogyStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the spaces, runs the query in the chosen available spaces, and forgets both on a model change', async () => {
    const client = new FakeClient();
    const model = new FakeModel();
    const store = new AnalogyStore(client, model);
    const run = store.run();
    await answer(client, 'analogySpaces', summaries);
    expect(client.last('analogy').args[0]).toEqual(['token', 'static']);
    await answer(client, 'analogy', answers);
    await answer(client, 'analogySpaces', summaries);
    await run;
    expect(store.answers).toBe(answers);
    expect(store.running).toBe(false);
    model.loadAnother();
    expect(store.answers).toBe(null);
    expect(store.summaries).toEqual([]);
  });

  it('leaves hidden words out of the answers and neighbours shown, asking for enough words to keep k, and keeps the list in this browser only', async () => {
    const client = new FakeClient();
    const store = new AnalogyStore(client, new FakeModel());
    store.k = 3;
    store.setHiddenWords(['brute', 'wretch']);
    const run = store.run();
    await answer(client, 'analogySpaces', summaries);
    expect((client.last('analogy').args[2] as { k: number }).k).toBe(5);
    const ranked = ['queen', 'brute', 'princess', 'Wretch', 'lady', 'duchess'].map((word, i) => ({
      word,
      score: 1 - i / 10,
    }));
    await answer(client, 'analogy', [{ space: 'static', ok: true, candidates: ranked, picture: null }]);
    await answer(client, 'analogySpaces', summaries);
    await run;
    expect(store.shownAnswers!.map((a) => [a.candidates.map((c) => c.word), a.hiddenCount])).toEqual([
      [['queen', 'princess', 'lady'], 2],
    ]);
    store.neighbourWord = 'king';
    const neighbours = store.runNeighbours();
    expect((client.last('neighbours').args[2] as { k: number }).k).toBe(5);
    client.last('neighbours').resolve([{ space: 'static', ok: true, neighbours: ranked }]);
    await neighbours;
    expect(store.shownNeighbours![0].neighbours.map((n) => n.word)).toEqual(['queen', 'princess', 'lady']);
    // Kept across reloads, but not part of a link: the address would spell the words out.
    expect(new AnalogyStore(new FakeClient(), new FakeModel()).hiddenWords).toEqual(['brute', 'wretch']);
    expect(ANALOGY_VIEW_STATE.some((row) => /hidden/i.test(row.key) || /hidden/i.test(row.label))).toBe(false);
  });

  it('says when no chosen space exists for the model', async () => {
    const client = new FakeClient();
    const store = new AnalogyStore(client, new FakeModel());
    store.spaces = ['contextual'];
    const run = store.run();
    await answer(client, 'analogySpaces', summaries);
    await run;
    expect(store.error).toBe('Choose at least one space.');
  });

  it('a cancelled evaluation says so (whatever error the stopped worker gave), and keeps the last results', async () => {
    const client = new FakeClient();
    const store = new AnalogyStore(client, new FakeModel());
    const evaluation = store.evaluate('a b c d', 'file.txt');
    await answer(client, 'analogySpaces', summaries);
    const call = client.last('evaluateAnalogyFile');
    const cancel = store.cancelEvaluation();
    expect(store.evaluating).toBe(true);
    client.restart(call, 'a cancelled job did not stop in time');
    await cancel;
    await evaluation;
    expect(store.evaluating).toBe(false);
    expect(store.evaluationError).toBe('Evaluation cancelled.');
    expect(store.evaluation).toBe(null);
  });

  it('a failed word-vector file shows its message; a worker restart during a query is shown too', async () => {
    const client = new FakeClient();
    const store = new AnalogyStore(client, new FakeModel());
    const vectors = store.loadVectors(new File(['x'], 'vectors.txt'));
    client.last('loadWordVectors').reject(new Error('vectors.txt: line 1 has no vector.'));
    await vectors;
    expect(store.vectorsError).toBe('vectors.txt: line 1 has no vector.');
    expect(store.vectorsLoading).toBe(false);
    const run = store.run();
    await answer(client, 'analogySpaces', summaries);
    client.restart(client.last('analogy'));
    await run;
    expect(store.error).toMatch(/restarted/);
  });

  it('ignores bad saved settings', () => {
    vi.stubGlobal(
      'localStorage',
      memoryStorage({ 'analogy-inputs': { k: 0, method: 'cos', spaces: ['token', 'nope'], pictureSpace: 'nope' } }),
    );
    const store = new AnalogyStore(new FakeClient(), new FakeModel());
    expect([store.k, store.method, store.spaces, store.pictureSpace]).toEqual([10, '3CosAdd', ['token'], 'token']);
  });

  it('an empty word is refused by name before any query, and clears the answers for the old words', async () => {
    const client = new FakeClient();
    const store = new AnalogyStore(client, new FakeModel());
    const first = store.run();
    await answer(client, 'analogySpaces', summaries);
    await answer(client, 'analogy', answers);
    await answer(client, 'analogySpaces', summaries);
    await first;
    const queries = client.calls.filter((c) => c.method === 'analogy').length;
    store.b = '  ';
    store.c = '';
    await store.run();
    expect(store.error).toBe('Fill in all three words: b and c are empty.');
    expect(store.answers).toBe(null);
    expect(client.calls.filter((c) => c.method === 'analogy').length).toBe(queries);
    store.neighbourWord = '';
    await store.runNeighbours();
    expect(client.calls.some((c) => c.method === 'neighbours')).toBe(false);
  });

  it('the same word three times (or a = b) is answered with a note saying the answers are plain neighbours', () => {
    const store = new AnalogyStore(new FakeClient(), new FakeModel());
    [store.a, store.b, store.c] = ['man', 'woman', 'king'];
    expect(store.queryNote).toBe(null);
    [store.a, store.b, store.c] = ['king', 'king', 'king'];
    expect(store.queryNote).toBe(
      'a, b and c are all "king": there is no analogy to complete, so the answers are simply the words nearest to "king".',
    );
    [store.a, store.b, store.c] = ['man', 'man', 'king'];
    expect(store.queryNote).toBe(
      'a and b are both "man", so the offset b − a is zero: the answers are simply the words nearest to "king".',
    );
  });
});
