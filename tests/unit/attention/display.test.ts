import { interpolateBlues } from 'd3';
import { describe, expect, it } from 'vitest';
import { stackLayers, type AttentionResult } from '../../../src/core/engine/attention/attention-run';
import { buildAttentionView } from '../../../src/core/engine/attention/attention-view';
import { paintProbabilities, probabilityColor, probabilityRgb } from '../../../src/ui/attention/colors';

function result(): AttentionResult {
  // 2 layers, 1 head, 2 tokens.
  return {
    tokens: ['[CLS]', 'a'],
    ids: [2, 10],
    typeIds: [0, 0],
    special: [true, false],
    continuation: [false, false],
    layers: [Float32Array.from([0.5, 0.5, 0.25, 0.75]), Float32Array.from([1, 0, 0.1, 0.9])],
    shape: [2, 1, 2, 2],
    untruncatedLength: 2,
    maxPositions: 128,
  };
}

describe('attention layers as onnxruntime returned them', () => {
  it('stack into one [layers, heads, seq, seq] array, a new one each time', () => {
    const raw = result();
    const a = stackLayers(raw);
    expect(Array.from(a)).toEqual([0.5, 0.5, 0.25, 0.75, 1, 0, 0.1, 0.9].map(Math.fround));
    expect(stackLayers(raw)).not.toBe(a);
  });

  it('give a view whose array can be transferred without touching the cached run', () => {
    const raw = result();
    const view = buildAttentionView(raw, { hideSpecial: false, averageHeads: false, rollout: false });
    expect(view.shape).toEqual([2, 1, 2, 2]);
    expect(view.probs.buffer).not.toBe(raw.layers[0].buffer);
    expect(view.summaries).toHaveLength(2);
    // Detaching the view's buffer (what a transfer does) leaves the cached layers intact.
    structuredClone(view.probs, { transfer: [view.probs.buffer] });
    expect(raw.layers[1][3]).toBeCloseTo(0.9, 6);
    const again = buildAttentionView(raw, { hideSpecial: false, averageHeads: false, rollout: false });
    expect(again.probs[7]).toBeCloseTo(0.9, 6);
  });
});

describe('heatmap colours from the table', () => {
  const channels = (css: string) =>
    css
      .slice(css.indexOf('(') + 1, css.indexOf(')'))
      .split(',')
      .map(Number);

  it('match d3 interpolateBlues on the sqrt scale to within one colour step', () => {
    for (const p of [0, 1e-4, 0.003, 0.02, 0.1, 0.33, 0.5, 0.9, 1]) {
      const exact = channels(interpolateBlues(Math.sqrt(p) * 0.95 + 0.02));
      const got = probabilityRgb(p);
      for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - exact[c])).toBeLessThanOrEqual(2);
      expect(channels(probabilityColor(p))).toEqual(got);
    }
    // Out of range and NaN clamp to the ends.
    expect(probabilityRgb(-1)).toEqual(probabilityRgb(0));
    expect(probabilityRgb(Number.NaN)).toEqual(probabilityRgb(0));
    expect(probabilityRgb(2)).toEqual(probabilityRgb(1));
  });

  it('paint RGBA pixels from a slice of values', () => {
    const values = Float32Array.from([0.9, 0, 1, 0.25]);
    const pixels = new Uint8ClampedArray(3 * 4);
    paintProbabilities(pixels, values, 1, 2, 1);
    expect(Array.from(pixels.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(pixels.subarray(4, 8))).toEqual([...probabilityRgb(0), 255]);
    expect(Array.from(pixels.subarray(8, 12))).toEqual([...probabilityRgb(1), 255]);
  });
});
