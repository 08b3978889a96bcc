import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  encodeModel,
  insertMcDropout,
  makeDropoutFeeds,
  OnnxGraphError,
  restrictMlmHeadToPositions,
} from '../../../src/core/onnx';
import { createRng } from '../../../src/core/random';
import { fusedAttentionModel } from '../../helpers/onnx-bad-models';
import { floats, ort, runOnce, textFeeds, toOrtFeeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

const positions = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);

describe('restrictMlmHeadToPositions', () => {
  for (const layerNorm of ['op', 'decomposed'] as const) {
    it(`computes logits only at the requested position of each row (LayerNorm ${layerNorm})`, async () => {
      const tiny = buildTinyTransformer({ layerNorm });
      const { model, restriction } = restrictMlmHeadToPositions(decodeModel(tiny.bytes));
      expect(restriction).toMatchObject({
        positionsInput: 'mlm_positions',
        logitsOutput: 'logits',
        hiddenState: expect.any(String),
      });
      expect(model.graph.output.find((output) => output.name === 'logits')!.type!.tensorType!.shape!.dim!.length).toBe(
        2,
      );
      const ids = [
        [2, 20, 4, 25, 3],
        [2, 4, 16, 18, 3],
      ];
      const full = await runOnce(tiny.bytes, textFeeds(ids));
      const picked = await runOnce(encodeModel(model), { ...textFeeds(ids), mlm_positions: positions([2, 1]) });
      const vocab = tiny.config.vocab;
      expect(picked.logits.dims).toEqual([2, vocab]);
      const fullLogits = floats(full.logits);
      const expected = [
        ...fullLogits.subarray(2 * vocab, 3 * vocab),
        ...fullLogits.subarray((5 + 1) * vocab, (5 + 2) * vocab),
      ];
      const actual = floats(picked.logits);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-5);
      // Other outputs are unchanged.
      expect(Array.from(floats(picked.classifier_logits))).toEqual(Array.from(floats(full.classifier_logits)));
    });
  }

  it('combines with tiled MC dropout: one position, T sampled rows', async () => {
    const tiny = buildTinyTransformer();
    const restricted = restrictMlmHeadToPositions(decodeModel(tiny.bytes)).model;
    const { model, plan } = insertMcDropout(restricted, { stochasticLayers: { lastK: 1 }, tiledPrefix: true });
    const ids = [[2, 20, 4, 25, 3]];
    const samples = 4;
    const results = await runOnce(encodeModel(model), {
      ...textFeeds(ids),
      mlm_positions: positions(Array(samples).fill(2)),
      ...toOrtFeeds(makeDropoutFeeds(plan, { rows: samples, seq: 5 }, createRng(4), 0)),
    });
    expect(results.logits.dims).toEqual([samples, tiny.config.vocab]);
    const full = await runOnce(tiny.bytes, textFeeds(ids));
    const vocab = tiny.config.vocab;
    const atMask = floats(full.logits).subarray(2 * vocab, 3 * vocab);
    for (let row = 0; row < samples; row++) {
      const got = floats(results.logits).subarray(row * vocab, (row + 1) * vocab);
      for (let i = 0; i < vocab; i++) expect(Math.abs(got[i] - atMask[i])).toBeLessThan(1e-5);
    }
  });

  it('leaves its input model untouched', () => {
    const tiny = buildTinyTransformer();
    const model = decodeModel(tiny.bytes);
    restrictMlmHeadToPositions(model);
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(tiny.bytes))).toBe(true);
  });

  it('refuses models without a fill-mask head', () => {
    expect(() => restrictMlmHeadToPositions(fusedAttentionModel())).toThrow(OnnxGraphError);
    expect(() => restrictMlmHeadToPositions(fusedAttentionModel())).toThrow(/no fill-mask logits output/);
  });
});
