import { describe, expect, it } from 'vitest';
import type { DecoderInfo } from '../../src/core/contracts/model';
import { DecoderUncertaintyStore } from '../../src/state/decoder-uncertainty-store.svelte';
import { FakeClient, FakeModel } from './fake-client';

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

  it('does nothing for an encoder', async () => {
    const client = new FakeClient();
    const store = new DecoderUncertaintyStore(client, new FakeModel());
    await store.run();
    expect(client.calls).toHaveLength(0);
  });
});
