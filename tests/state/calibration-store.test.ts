import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStores, installAppStores } from '../../src/state/app-stores.svelte';
import { CALIBRATION_SAMPLE_URL, CalibrationStore, splitParagraphs } from '../../src/state/calibration-store.svelte';
import { applyViewHash, currentViewHash } from '../../src/state/view-link.svelte';
import type { PlaygroundClient } from '../../src/worker/client';
import { FakeClient, FakeModel, memoryStorage } from './fake-client';

describe('CalibrationStore', () => {
  it("scores the text's paragraphs with the MC settings, and keeps the result for its model only", async () => {
    const client = new FakeClient();
    const model = new FakeModel();
    const store = new CalibrationStore(client, model);
    store.text = 'First paragraph here.\n\n  \nSecond one.\n';
    store.bins = 999;
    const run = store.run();
    const call = client.last('calibrate');
    expect(call.args[0]).toMatchObject({
      texts: ['First paragraph here.', 'Second one.'],
      settings: { samples: 16, sites: ['attention', 'hidden'], seed: 1, stochasticLayers: 'all' },
      bins: 50,
    });
    const result = { task: 'fill-mask' };
    call.resolve(result);
    await run;
    expect(store.result).toBe(result);
    model.loadAnother();
    expect(store.result).toBe(null);
  });

  it('Cancel lets go at once; a refused text shows its message and keeps the text', async () => {
    const client = new FakeClient();
    const store = new CalibrationStore(client, new FakeModel());
    store.text = 'dog';
    const first = store.run();
    store.cancel();
    expect(store.running).toBe(false);
    await first;
    const second = store.run();
    client.last('calibrate').reject(new Error('Calibration needs at least two word pieces to predict'));
    await second;
    expect(store.error).toMatch(/at least two word pieces/);
    expect(store.text).toBe('dog');
  });

  it("scores the label tool's rows through the classification head when that is the source", async () => {
    const client = new FakeClient();
    const rows = [
      { text: 'a cat', label: 'a', sourceRow: 2 },
      { text: 'an oak', label: 'b', sourceRow: 3 },
      { text: 'a loaf', label: 'not a class', sourceRow: 4 },
    ];
    const labels = { parsed: null as { rows: typeof rows } | null, sourceName: 'data.csv' };
    const store = new CalibrationStore(client, new FakeModel(), labels as never);
    expect([store.labelToolRows, store.canScoreRows]).toEqual([0, true]);
    store.source = 'rows';
    store.text = 'Text that is not scored.';
    labels.parsed = { rows };
    expect(store.labelToolRows).toBe(3);
    const run = store.run();
    const call = client.last('calibrate');
    // Every row goes to the worker, the unknown label too: the worker reports it, nothing is dropped here.
    expect(call.args[0]).toMatchObject({
      texts: [],
      rows: rows.map(({ text, label }) => ({ text, label })),
    });
    call.reject(new Error('Calibration needs at least two rows whose label is one of the model’s classes'));
    await run;
    expect(store.error).toMatch(/at least two rows/);
    store.source = 'text';
    void store.run();
    expect(client.last('calibrate').args[0]).not.toHaveProperty('rows');
  });

  it('runs dropout in every layer by default, in the last layer only (prefix reused) when chosen', () => {
    const client = new FakeClient();
    const store = new CalibrationStore(client, new FakeModel());
    store.text = 'Some text here.';
    expect(store.estimator).toBe('all-layers');
    void store.run();
    expect(client.last('calibrate').args[0]).toMatchObject({ settings: { stochasticLayers: 'all' } });
    store.estimator = 'last-layer';
    void store.run();
    expect(client.last('calibrate').args[0]).toMatchObject({ settings: { stochasticLayers: { lastK: 1 } } });
  });

  it('loads the built-in sample into the text box', async () => {
    const store = new CalibrationStore(new FakeClient(), new FakeModel());
    const urls: string[] = [];
    await store.useSample((async (url: string) => {
      urls.push(url);
      return new Response('A sample.');
    }) as typeof fetch);
    expect(urls).toEqual([CALIBRATION_SAMPLE_URL]);
    expect(store.text).toBe('A sample.');
    expect(splitParagraphs('a\n\nb')).toEqual(['a', 'b']);
  });
});

describe('calibration settings in the browser and in a link', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('remembers the open mode and its settings across a reload, and refuses saved values out of bounds', () => {
    const store = new CalibrationStore(new FakeClient(), new FakeModel());
    expect([store.open, store.samples, store.bins, store.dropout]).toEqual([false, 16, 10, null]);
    store.open = true;
    store.text = 'My own text.';
    store.samples = 8;
    store.dropout = 0.2;
    store.seed = 5;
    store.bins = 15;
    store.persist();
    const reloaded = new CalibrationStore(new FakeClient(), new FakeModel());
    expect([reloaded.open, reloaded.text, reloaded.samples, reloaded.dropout, reloaded.seed, reloaded.bins]).toEqual([
      true,
      'My own text.',
      8,
      0.2,
      5,
      15,
    ]);
    localStorage.setItem(
      localStorage.key(0)!,
      JSON.stringify({ open: 'yes', samples: 100_000, bins: 1, text: 'kept' }),
    );
    const checked = new CalibrationStore(new FakeClient(), new FakeModel());
    expect([checked.open, checked.samples, checked.bins, checked.text]).toEqual([false, 16, 10, 'kept']);
  });

  it('writes the mode and its settings into the link and opens a link on them', () => {
    const { calibration } = installAppStores(createAppStores(new FakeClient() as unknown as PlaygroundClient));
    calibration.open = true;
    calibration.samples = 4;
    calibration.bins = 12;
    calibration.text = 'A short text.';
    calibration.source = 'rows';
    calibration.estimator = 'last-layer';
    const hash = currentViewHash();
    expect(hash).toMatch(/(^|&)calLayers=last-layer(&|$)/);
    expect(hash).toMatch(/(^|&)calSource=rows(&|$)/);
    expect(hash).toMatch(/(^|&)calOpen=1(&|$)/);
    expect(hash).toMatch(/(^|&)calT=4(&|$)/);
    expect(hash).toMatch(/(^|&)calBins=12(&|$)/);
    expect(hash).toMatch(/(^|&)calText=A/);
    calibration.open = false;
    calibration.samples = 16;
    calibration.bins = 10;
    calibration.text = '';
    calibration.source = 'text';
    calibration.estimator = 'all-layers';
    applyViewHash(`#${hash}`);
    expect([calibration.source, calibration.estimator]).toEqual(['rows', 'last-layer']);
    expect([calibration.open, calibration.samples, calibration.bins, calibration.text]).toEqual([
      true,
      4,
      12,
      'A short text.',
    ]);
  });
});
