import { describe, expect, it } from 'vitest';
import { AttentionSampleAccumulator, accumulatorBytes } from '../../../src/core/attention';
import { createRng } from '../../../src/core/random';

type Shape = [number, number, number, number];

/** T random attention samples [T, layers, heads, seq, seq], each row a distribution (float32, some exact zeros). */
function randomSamples(T: number, shape: Shape, seed: number, sharpness = 1): Float32Array[] {
  const rng = createRng(seed);
  const [layers, heads, seq] = shape;
  return Array.from({ length: T }, () => {
    const sample = new Float32Array(layers * heads * seq * seq);
    for (let row = 0; row < layers * heads * seq; row++) {
      const weights = Array.from({ length: seq }, (_, j) =>
        j === seq - 1 && row % 3 === 0 ? 0 : Math.exp(sharpness * rng.nextNormal()),
      );
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, j) => (sample[row * seq + j] = w / total));
    }
    return sample;
  });
}

function accumulate(samples: Float32Array[], shape: Shape) {
  const accumulator = new AttentionSampleAccumulator(shape);
  for (const sample of samples) accumulator.add(sample);
  return accumulator.result();
}

const entropyOf = (row: ArrayLike<number>) => {
  let h = 0;
  for (let j = 0; j < row.length; j++) if (row[j] > 0) h -= row[j] * Math.log(row[j]);
  return h;
};

describe('attention sample statistics', () => {
  it('the running mean and std equal a two-pass computation to 1e-6', () => {
    const shape: Shape = [2, 3, 5, 5];
    for (const T of [2, 7, 64]) {
      const samples = randomSamples(T, shape, 100 + T);
      const stats = accumulate(samples, shape);
      expect(stats.samples).toBe(T);
      for (let i = 0; i < stats.mean.length; i++) {
        let sum = 0;
        for (const sample of samples) sum += sample[i];
        const mean = sum / T;
        let squares = 0;
        for (const sample of samples) squares += (sample[i] - mean) ** 2;
        expect(Math.abs(stats.mean[i] - mean)).toBeLessThan(1e-6);
        expect(Math.abs(stats.std[i] - Math.sqrt(squares / (T - 1)))).toBeLessThan(1e-6);
      }
    }
  });

  it('with one sample the mean is that sample exactly and every spread is 0', () => {
    const shape: Shape = [2, 2, 4, 4];
    const [sample] = randomSamples(1, shape, 3);
    const stats = accumulate([sample], shape);
    expect(Array.from(stats.mean)).toEqual(Array.from(sample));
    expect(stats.std.every((s) => s === 0)).toBe(true);
    for (const head of stats.heads) {
      expect(head.meanJsDivergence).toBe(0);
      expect(head.entropySpread).toBe(0);
    }
  });

  it('identical samples have zero std, zero JS divergence and zero entropy spread', () => {
    const shape: Shape = [1, 2, 6, 6];
    const [sample] = randomSamples(1, shape, 9);
    const stats = accumulate([sample, sample, sample, sample], shape);
    expect(stats.std.every((s) => s < 1e-9)).toBe(true);
    for (const head of stats.heads) {
      expect(head.meanJsDivergence).toBeLessThan(1e-7);
      expect(head.entropySpread).toBeLessThan(1e-9);
    }
  });

  it('per-head JS divergence equals the mean KL of the samples from the mean row and the mixture definition', () => {
    const shape: Shape = [2, 2, 4, 4];
    const [layers, heads, seq] = shape;
    const T = 9;
    const samples = randomSamples(T, shape, 42, 2);
    const stats = accumulate(samples, shape);
    for (let layer = 0; layer < layers; layer++)
      for (let head = 0; head < heads; head++) {
        let meanKl = 0;
        let mixtureJs = 0;
        let spread = 0;
        for (let i = 0; i < seq; i++) {
          const offset = ((layer * heads + head) * seq + i) * seq;
          const rows = samples.map((sample) => Array.from(sample.subarray(offset, offset + seq)));
          const mixture = Array.from({ length: seq }, (_, j) => rows.reduce((sum, row) => sum + row[j], 0) / T);
          for (const row of rows)
            for (let j = 0; j < seq; j++) if (row[j] > 0) meanKl += (row[j] * Math.log(row[j] / mixture[j])) / T;
          const entropies = rows.map(entropyOf);
          mixtureJs += entropyOf(mixture) - entropies.reduce((a, b) => a + b, 0) / T;
          const meanEntropy = entropies.reduce((a, b) => a + b, 0) / T;
          spread += Math.sqrt(entropies.reduce((sum, h) => sum + (h - meanEntropy) ** 2, 0) / (T - 1));
        }
        const record = stats.heads[layer * heads + head];
        expect(record).toMatchObject({ layer, head });
        expect(record.meanJsDivergence).toBeGreaterThan(1e-3);
        expect(Math.abs(record.meanJsDivergence - meanKl / seq)).toBeLessThan(1e-6);
        expect(Math.abs(record.meanJsDivergence - mixtureJs / seq)).toBeLessThan(1e-6);
        expect(Math.abs(record.entropySpread - spread / seq)).toBeLessThan(1e-6);
      }
  });

  it('refuses a result with no samples or with layers given different counts, and a layer out of range', () => {
    const accumulator = new AttentionSampleAccumulator([2, 1, 2, 2]);
    expect(() => accumulator.result()).toThrow(/No attention samples/);
    accumulator.addLayer(0, [0.5, 0.5, 1, 0]);
    expect(() => accumulator.result()).toThrow(/different sample counts/);
    expect(() => accumulator.addLayer(2, [0.5, 0.5, 1, 0])).toThrow(/Layer 2 is outside 0..1/);
    expect(() => accumulator.addLayer(1, [0.5, 0.5, 1])).toThrow(/needs 4 values/);
  });

  it('states the memory of a 12 × 12 model at 512 tokens: 24 bytes a weight, about 0.9 GB', () => {
    const bytes = accumulatorBytes(12, 12, 512);
    expect(bytes).toBe(144 * 512 * 512 * 24 + 144 * 512 * 16);
    expect(bytes / 2 ** 30).toBeGreaterThan(0.84);
  });
});
