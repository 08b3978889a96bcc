import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelStore } from '../../src/state/model-store.svelte';
import { WorkshopStore } from '../../src/state/workshop-store.svelte';
import { FakeClient, fakeInfo, memoryStorage, settle } from './fake-client';

function fakeModelStore() {
  const loads: unknown[] = [];
  return {
    loads,
    status: 'ready' as const,
    info: fakeInfo(),
    embedded: [{ name: 'tiny', bytes: 1 }],
    source: { kind: 'embedded' as const, name: 'tiny' },
    defaultSource: { kind: 'embedded' as const, name: 'tiny' },
    loadDefaultInstead: async () => false,
    load: async (source: unknown) => {
      loads.push(source);
      return true;
    },
  };
}

describe('WorkshopStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('ignores a saved tab that is not a tool, and bad presenter settings', () => {
    vi.stubGlobal('localStorage', memoryStorage({ tab: 'settings', presenter: { presenter: 'yes', hidden: [1] } }));
    const store = new WorkshopStore(fakeModelStore());
    expect(store.tab).toBe('attention');
    expect(store.presenter).toBe(false);
    expect(store.hidden).toEqual([]);
  });

  it('shows the first tab left when the open tab is hidden, so a hidden tab takes its panel with it', () => {
    const store = new WorkshopStore(fakeModelStore());
    store.selectTab('attention');
    expect(store.shownTab).toBe('attention');
    store.toggleHidden('tab-attention', true);
    expect(store.shownTab).toBe('uncertainty');
    store.toggleHidden('tab-uncertainty', true);
    expect(store.shownTab).toBe('analogy');
    // The link still names the tool it was made on; showing the tab again shows its panel again.
    expect(store.tab).toBe('attention');
    store.toggleHidden('tab-attention', false);
    expect(store.shownTab).toBe('attention');
    store.hidden = ['tab-attention', 'tab-uncertainty', 'tab-analogy', 'tab-labels', 'tab-model'];
    expect(store.shownTab).toBeNull();
  });

  it('keeps the current model for a link naming an unknown built-in model, and says so', async () => {
    const model = fakeModelStore();
    const store = new WorkshopStore(model);
    store.requestedModelRef = 'embedded:nope';
    await store.loadRequestedModel();
    expect(model.loads).toEqual([]);
    expect(store.problems).toEqual([
      'Model (model): "embedded:nope" is not the name of a built-in model; the current model is kept.',
    ]);
  });
});

/** A fresh page: a real ModelStore on a FakeClient, with one built-in model and nothing loaded yet. */
function freshPage() {
  const client = new FakeClient();
  const model = new ModelStore(client);
  model.embedded = [{ name: 'playground-bert-mini', bytes: 1 }];
  return { client, model, workshop: new WorkshopStore(model) };
}

describe('A link opened on a fresh page never leaves it without a model', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  for (const [ref, problem] of [
    ['playground-bert-mni', 'there is no built-in model "playground-bert-mni"'],
    ['<script>alert(1)</script>', '"<script>alert(1)</script>" is not the name of a built-in model'],
    ['hub:not a repo', '"not a repo" is not a Hugging Face repo id (owner/name)'],
  ]) {
    it(`loads the built-in model for model=${ref} and says so (not "the current model is kept")`, async () => {
      const { client, model, workshop } = freshPage();
      workshop.requestedModelRef = ref;
      const done = workshop.loadRequestedModel();
      expect(client.last('load').args[0]).toEqual({ kind: 'embedded', name: 'playground-bert-mini' });
      client.last('load').resolve(fakeInfo());
      await done;
      expect(model.status).toBe('ready');
      expect(workshop.problems).toEqual([
        `Model (model): ${problem}; the built-in model playground-bert-mini is loaded instead.`,
      ]);
      expect(workshop.modelRef).toBe('');
    });
  }

  it('an unreachable model address falls back to the built-in model, naming the address and the error', async () => {
    const { client, model, workshop } = freshPage();
    workshop.requestedModelRef = 'url:https://models.example.org/gone/';
    const done = workshop.loadRequestedModel();
    client.last('load').reject(new Error('config.json: HTTP 404 from https://models.example.org/gone/.'));
    await settle();
    expect(client.last('load').args[0]).toEqual({ kind: 'embedded', name: 'playground-bert-mini' });
    client.last('load').resolve(fakeInfo());
    await done;
    expect([model.status, model.error]).toEqual(['ready', null]);
    expect(model.notice).toBe(
      'The requested model url:https://models.example.org/gone/ could not be loaded (config.json: HTTP 404 from ' +
        'https://models.example.org/gone/); the built-in model playground-bert-mini is loaded instead.',
    );
  });

  it('a failing model with a model already loaded keeps that model and loads nothing else', async () => {
    const { client, model, workshop } = freshPage();
    const first = model.load({ kind: 'embedded', name: 'playground-bert-mini' });
    client.last('load').resolve(fakeInfo('first'));
    await first;
    workshop.requestedModelRef = 'url:https://models.example.org/gone/';
    const done = workshop.loadRequestedModel();
    client.last('load').reject(new Error('HTTP 404'));
    await done;
    expect(client.calls.filter((c) => c.method === 'load')).toHaveLength(2);
    expect([model.info?.contentDigest, model.error, model.notice]).toEqual(['first', 'HTTP 404', null]);
  });
});

describe('A reload whose remembered model fails (offline, not cached) opens with the built-in model', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('loads the built-in model and says why', async () => {
    vi.stubGlobal(
      'localStorage',
      memoryStorage({
        'model-choice': { source: { kind: 'hub', repo: 'owner/big' }, executionProvider: 'auto' },
      }),
    );
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify({ models: [{ name: 'playground-bert-mini', bytes: 1 }] })),
    );
    vi.stubGlobal('document', { baseURI: 'http://localhost/' });
    const client = new FakeClient();
    const model = new ModelStore(client);
    const started = model.start();
    await settle();
    expect(client.last('load').args[0]).toEqual({ kind: 'hub', repo: 'owner/big' });
    client.last('load').reject(new Error('Failed to fetch'));
    await settle();
    expect(client.last('load').args[0]).toEqual({ kind: 'embedded', name: 'playground-bert-mini' });
    client.last('load').resolve(fakeInfo());
    await started;
    expect(model.status).toBe('ready');
    expect(model.notice).toBe(
      'The model you used last could not be loaded (Failed to fetch); the built-in model playground-bert-mini is loaded instead.',
    );
  });
});
