import { describe, expect, it } from 'vitest';
import { CALIBRATION_SAMPLE_URL, CalibrationStore, splitParagraphs } from '../../src/state/calibration-store.svelte';
import { FakeClient, FakeModel } from './fake-client';

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
