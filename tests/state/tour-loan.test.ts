/**
 * The guided tour works on a loan: its examples replace the user's texts, label data and results only
 * while it runs, and closing it puts everything back (nothing of the tour is saved over the user's data).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStores, installAppStores } from '../../src/state/app-stores.svelte';
import { closeTour, openTourStep, TOUR_RETURN_NOTICE } from '../../src/state/tour-runner';
import type { PlaygroundClient } from '../../src/worker/client';
import { TOUR_DECODER, TOUR_STEPS } from '../../src/core/workshop/tour';
import type { DecoderInfo } from '../../src/core/contracts/model';
import { FakeClient, fakeInfo, memoryStorage, settle } from './fake-client';

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

function packed(texts: string[], classes = ['a', 'b']) {
  return {
    summary: { ok: true, classes, problems: [], columns: null },
    rowCount: texts.length,
    texts: texts.join('\u0000'),
    labelIds: Int32Array.from(texts, (_, i) => i % classes.length),
    sourceRows: Int32Array.from(texts, (_, i) => i + 1),
    text: null,
  };
}

/**
 * Answers the worker calls the tour's steps make: models load (the built-in decoder as a decoder), the
 * label example is read and audited, the decoder's next token is predicted; the rest fail.
 */
function answerTourCalls(client: FakeClient): void {
  for (const call of client.calls) {
    if (call.method === 'load') {
      const name = (call.args[0] as { name: string }).name;
      call.resolve(name === TOUR_DECODER ? { ...fakeInfo('decoder'), decoder, maskToken: null } : fakeInfo());
    } else if (call.method === 'predict' && (call.args[0] as { task: string }).task === 'next-token')
      call.resolve({ task: 'next-token', from: 'tour' });
    else if (call.method === 'parseLabeledData')
      call.resolve(packed(['an example gloss', 'another gloss'], ['animal', 'plant']));
    else if (call.method === 'auditLabels')
      call.resolve({ rows: 2, ranking: new Int32Array(0), classes: ['animal', 'plant'], isIssue: new Uint8Array(2) });
    else call.reject(new Error('not part of this test'));
  }
}

const EXAMPLE_CSV = 'text,label\nan example gloss,animal\nanother gloss,plant';

describe('the guided tour borrows the user state and gives it back', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage());
    vi.stubGlobal('fetch', async () => new Response(EXAMPLE_CSV));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('puts back the texts, the tab, the label data, its audit and decisions when the tour closes', async () => {
    const client = new FakeClient();
    const stores = installAppStores(createAppStores(client as unknown as PlaygroundClient));
    stores.model.embedded = [
      { name: 'tiny', bytes: 1 },
      { name: TOUR_DECODER, bytes: 1 },
    ];
    const load = stores.model.load({ kind: 'embedded', name: 'tiny' });
    client.last('load').resolve(fakeInfo());
    await load;
    const ownGeneration = stores.model.generation;
    const remembered = localStorage.getItem('transformer-playground:model-choice');

    // The user's own work.
    stores.workshop.selectTab('analogy');
    stores.attention.text = 'My own sentence about rivers.';
    stores.uncertainty.fillMaskText = 'My [MASK] sentence.';
    stores.analogy.a = 'cold';
    stores.labels.setInput('text,label\nmine one,x\nmine two,y');
    client.last('parseLabeledData').resolve(packed(['mine one', 'mine two'], ['x', 'y']));
    await settle();
    const run = stores.labels.run();
    client
      .last('auditLabels')
      .resolve({ rows: 2, ranking: new Int32Array([1]), classes: ['x', 'y'], isIssue: new Uint8Array([0, 1]) });
    await run;
    stores.labels.decide(1, 2);
    const ownAudit = stores.labels.result;
    const ownRuns = [{ run: 'mine' }] as unknown as typeof stores.head.table;
    stores.head.table = ownRuns;
    stores.decoderUncertainty.prompt = 'My own prompt';
    stores.calibration.text = 'My own calibration text.';
    const ownPrediction = { task: 'fill-mask', mine: true } as unknown as typeof stores.uncertainty.result;
    stores.uncertainty.result = ownPrediction;

    // The tour runs its examples, the label example among them.
    const open = async (step: number) => {
      let opened = false;
      const opening = openTourStep(step).then(() => (opened = true));
      while (!opened) {
        await settle();
        answerTourCalls(client);
      }
      await opening;
    };
    const decoderStep = TOUR_STEPS.findIndex((step) => step.model === TOUR_DECODER);
    for (let step = 0; step < TOUR_STEPS.length; step++) {
      await open(step);
      if (TOUR_STEPS[step].measured === 'calibration') {
        // The over-confidence step measures on the built-in sample text, with the faster estimator it names.
        expect(stores.calibration.open).toBe(true);
        expect(client.last('calibrate').args[0]).toMatchObject({
          texts: [EXAMPLE_CSV],
          settings: { samples: 8, stochasticLayers: { lastK: 1 } },
        });
      }
      if (step !== decoderStep) continue;
      // The decoder step runs on the built-in decoder: its next token, with the step's prompt.
      expect(stores.model.info?.decoder).toEqual(decoder);
      expect(stores.decoderUncertainty.nextToken).toEqual({ task: 'next-token', from: 'tour' });
      expect(client.last('predict').args[0]).toMatchObject({
        task: 'next-token',
        text: 'She opened the box and found a',
      });
    }
    // Back to the decoder step, then on: the decoder is loaded once more, then the user's model again.
    await open(decoderStep);
    expect(stores.model.info?.decoder).toEqual(decoder);
    await open(decoderStep + 1);
    expect(stores.model.info?.decoder).toBe(null);
    expect(stores.model.generation).toBe(ownGeneration);
    await open(decoderStep);
    expect(stores.labels.input).toBe(EXAMPLE_CSV);
    expect(stores.labels.result).not.toBe(ownAudit);
    expect(stores.attention.text).not.toBe('My own sentence about rivers.');

    const loads = client.calls.filter((call) => call.method === 'load').length;
    let closed = false;
    const closing = closeTour().then(() => (closed = true));
    while (!closed) {
      await settle();
      answerTourCalls(client);
    }
    await closing;
    // The user's model is loaded back, with its old generation (its results count again), and remembered.
    expect(client.calls.filter((call) => call.method === 'load').length).toBe(loads + 1);
    expect(client.last('load').args[0]).toEqual({ kind: 'embedded', name: 'tiny' });
    expect(stores.model.info?.decoder).toBe(null);
    expect(stores.model.generation).toBe(ownGeneration);
    expect(localStorage.getItem('transformer-playground:model-choice')).toBe(remembered);
    expect(stores.decoderUncertainty.prompt).toBe('My own prompt');
    expect([stores.calibration.text, stores.calibration.open]).toEqual(['My own calibration text.', false]);
    expect(stores.uncertainty.result).toBe(ownPrediction);
    expect(stores.decoderUncertainty.nextToken).toBe(null);
    expect(stores.workshop.tourStep).toBe(null);
    expect(stores.workshop.tab).toBe('analogy');
    expect(stores.attention.text).toBe('My own sentence about rivers.');
    expect(stores.uncertainty.fillMaskText).toBe('My [MASK] sentence.');
    expect(stores.analogy.a).toBe('cold');
    expect(stores.labels.input).toBe('text,label\nmine one,x\nmine two,y');
    expect(stores.labels.result).toBe(ownAudit);
    expect([...stores.labels.decisions]).toEqual([0, 2]);
    expect(stores.head.table).toBe(ownRuns);
    expect(stores.workshop.notice).toBe(TOUR_RETURN_NOTICE);
  });
});
