import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecoderInfo } from '../../src/core/contracts/model';
import { DecoderUncertaintyStore } from '../../src/state/decoder-uncertainty-store.svelte';
import { FakeClient, FakeModel, memoryStorage } from './fake-client';
import { createAppStores, installAppStores } from '../../src/state/app-stores.svelte';
import { DECODER_UNCERTAINTY_VIEW_STATE } from '../../src/state/view-state/decoder-uncertainty';
import { readViewState, writeViewState } from '../../src/state/view-state-table';
import { parseStateHash, serializeStateHash } from '../../src/core/workshop/state-table';
import type { PlaygroundClient } from '../../src/worker/client';

const decoder: DecoderInfo = {
  layout: 'cache',
  file: 'onnx/model.onnx',
  cacheInputs: 4,
  kvHeads: 2,
  headDim: 8,
  evidence: [],
  eosTokenId: 0,
  bosTokenId: null,
  tiedEmbeddings: true,
  pieceScheme: 'byte-level',
};

function decoderModel(): FakeModel {
  const model = new FakeModel();
  model.info = { ...model.info!, decoder };
  return model;
}

describe('DecoderUncertaintyStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('remembers every decoder setting across a reload, and keeps the default for a bad saved value', async () => {
    const client = new FakeClient();
    const store = new DecoderUncertaintyStore(client, decoderModel());
    Object.assign(store, {
      mode: 'continuation',
      prompt: 'Once upon a time',
      samples: 48,
      dropout: 0.2,
      hiddenSites: false,
      seed: 9,
      topK: 20,
      maxNewTokens: 40,
      measure: 'predictiveEntropy',
    });
    store.decoding = { strategy: 'sample', temperature: 0.8, topK: 30, topP: 0.85 };
    const run = store.run();
    client.last('continue').resolve({ tokens: [] });
    await run;

    const reloaded = new DecoderUncertaintyStore(new FakeClient(), decoderModel());
    expect(reloaded).toMatchObject({
      mode: 'continuation',
      prompt: 'Once upon a time',
      samples: 48,
      dropout: 0.2,
      attentionSites: true,
      hiddenSites: false,
      seed: 9,
      topK: 20,
      maxNewTokens: 40,
      measure: 'predictiveEntropy',
    });
    expect(reloaded.decoding).toEqual({ strategy: 'sample', temperature: 0.8, topK: 30, topP: 0.85 });

    vi.stubGlobal(
      'localStorage',
      memoryStorage({ 'decoder-uncertainty-inputs': { temperature: 0, topP: 2, strategy: 'beam', samples: 48 } }),
    );
    const checked = new DecoderUncertaintyStore(new FakeClient(), decoderModel());
    expect(checked.decoding).toEqual({ strategy: 'greedy', temperature: 1, topK: 0, topP: 1 });
    expect(checked.samples).toBe(48);
  });

  it('travels in a link and a session: a hash sets the decoder settings, and the view writes them back', () => {
    const stores = installAppStores(createAppStores(new FakeClient() as unknown as PlaygroundClient));
    const table = { rows: DECODER_UNCERTAINTY_VIEW_STATE, persist: () => stores.decoderUncertainty.persist() };
    const hash =
      'decMode=continuation&decPrompt=Once+upon&decT=8&decP=0.3&decSeed=5&decSites=hidden&decTokens=64&decDecoding=sample&decTemp=0.7&decTopK=40&decTopP=0.9&decColour=predictiveEntropy';
    const { values, problems } = parseStateHash(hash, table.rows);
    expect(problems).toEqual([]);
    writeViewState(table, values);
    const store = stores.decoderUncertainty;
    expect(store).toMatchObject({ mode: 'continuation', prompt: 'Once upon', samples: 8, dropout: 0.3, seed: 5 });
    expect([store.attentionSites, store.hiddenSites, store.maxNewTokens, store.measure]).toEqual([
      false,
      true,
      64,
      'predictiveEntropy',
    ]);
    expect(store.decoding).toEqual({ strategy: 'sample', temperature: 0.7, topK: 40, topP: 0.9 });
    expect(new URLSearchParams(serializeStateHash(readViewState(table), table.rows))).toEqual(
      new URLSearchParams(hash),
    );
    // Saved as the view changed: a reload finds the same settings.
    expect(new DecoderUncertaintyStore(new FakeClient(), decoderModel()).decoding.temperature).toBe(0.7);
  });

  it('next token: predicts with the next-token task and keeps the result for its model only', async () => {
    const client = new FakeClient();
    const model = decoderModel();
    const store = new DecoderUncertaintyStore(client, model);
    const run = store.run();
    const call = client.last('predict');
    expect(call.args[0]).toMatchObject({ task: 'next-token', text: store.prompt, topK: 10 });
    expect(call.args[1]).toMatchObject({ samples: 16, sites: ['attention', 'hidden'], seed: 1 });
    const result = { task: 'next-token' };
    call.resolve(result);
    await run;
    expect(store.nextToken).toBe(result);
    model.loadAnother();
    expect(store.nextToken).toBe(null);
  });

  it('continuation: sends the decoding settings, clears the clicked token, and Cancel lets go at once', async () => {
    const client = new FakeClient();
    const store = new DecoderUncertaintyStore(client, decoderModel());
    store.mode = 'continuation';
    store.decoding = { strategy: 'sample', temperature: 0.7, topK: 40, topP: 0.9 };
    store.selectedToken = 3;
    const run = store.run();
    expect(store.running).toBe(true);
    const call = client.last('continue');
    expect(call.args[0]).toMatchObject({ maxNewTokens: 24, decoding: { strategy: 'sample', topK: 40, topP: 0.9 } });
    const result = { tokens: [] };
    call.resolve(result);
    await run;
    expect(store.continuation).toBe(result);
    expect(store.selectedToken).toBe(null);

    const second = store.run();
    store.cancel();
    expect(store.running).toBe(false);
    await second;
    expect(store.continuation).toBe(result);
  });

  it('next token on several prompts: one batch call over the non-blank lines, ranked for its model only', async () => {
    const client = new FakeClient();
    const model = decoderModel();
    const store = new DecoderUncertaintyStore(client, model);
    store.mode = 'batch';
    store.batchPrompts = 'Once upon a\n\n  His name was  \n';
    const run = store.run();
    expect(store.running).toBe(true);
    const call = client.last('predictBatch');
    expect(call.args.slice(0, 2)).toEqual([['Once upon a', 'His name was'], 'next-token']);
    const result = { task: 'next-token', items: [] };
    call.resolve(result);
    await run;
    expect(store.batch).toBe(result);
    model.loadAnother();
    expect(store.batch).toBe(null);
  });

  it('does nothing for an encoder', async () => {
    const client = new FakeClient();
    const store = new DecoderUncertaintyStore(client, new FakeModel());
    await store.run();
    expect(client.calls).toHaveLength(0);
  });
});
