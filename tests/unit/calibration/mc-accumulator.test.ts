/** Samples folded one at a time (a decoder's causal run) give exactly what the tool's statistics give on all of them. */
import { describe, expect, it } from 'vitest';
import { McAccumulator, mcPredictionColumns, reduceMcSamples } from '../../../src/core/calibration';
import { createRng } from '../../../src/core/random';
import { softmax } from '../../../src/core/uncertainty';

describe('McAccumulator', () => {
  it('equals reduceMcSamples (mcStatistics) bit for bit, and identical samples give zero mutual information', () => {
    const rng = createRng(4);
    const T = 7;
    const V = 50;
    const samples = softmax(
      Float64Array.from({ length: T * V }, () => 3 * rng.nextNormal()),
      V,
    );
    const whole = mcPredictionColumns(2);
    const folded = mcPredictionColumns(2);
    reduceMcSamples(whole, 1, samples, [T, V], 9);
    const accumulator = new McAccumulator(V);
    for (let t = 0; t < T; t++) accumulator.add(samples, t * V);
    accumulator.reduceInto(folded, 1, 9);
    for (const key of Object.keys(whole) as (keyof typeof whole)[])
      expect(Array.from(folded[key]), key).toEqual(Array.from(whole[key]));

    const same = new McAccumulator(V);
    for (let t = 0; t < T; t++) same.add(samples, 0);
    same.reduceInto(folded, 0, 9);
    expect(folded.mutualInformation[0]).toBe(0);
    expect(folded.trueProb[0]).toBe(samples[9]);
  });
});
