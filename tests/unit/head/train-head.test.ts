import { describe, expect, it } from 'vitest';
import type { HeadRegularisation, HeadTrainingOptions } from '../../../src/core/contracts/head';
import { fillDropoutMask } from '../../../src/core/head/dropout';
import { accumulateGradients, logSumExp, zerosLike } from '../../../src/core/head/head-network';
import { splitHeldOut } from '../../../src/core/head/split';
import { initialNetwork, trainHeads, type HeadData } from '../../../src/core/head/train-head';
import { createRng } from '../../../src/core/random';
import { CancelledError } from '../../../src/core/cancel';

const NONE: HeadRegularisation = { name: 'A', inputDropout: 0, hiddenDropout: 0, weightDecay: 0 };
const DROPOUT: HeadRegularisation = { name: 'B', inputDropout: 0.2, hiddenDropout: 0.5, weightDecay: 0 };

function options(patch: Partial<HeadTrainingOptions> = {}): HeadTrainingOptions {
  return {
    model: 'mlp',
    hiddenWidth: 8,
    optimiser: 'sgd',
    learningRate: 0.1,
    epochs: 10,
    batchSize: 1000,
    seed: 5,
    heldOutFraction: 0.3,
    dataFraction: 1,
    standardize: false,
    ...patch,
  };
}

/** Gaussian rows; the label is set by the first two features (with `flip` of them flipped), `classes` by angle. */
function planted(seed: number, rows: number, dim: number, classes: number, flip = 0): HeadData {
  const rng = createRng(seed);
  const data = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let d = 0; d < dim; d++) data[i * dim + d] = rng.nextNormal();
    const angle = Math.atan2(data[i * dim + 1], data[i * dim]) + Math.PI;
    let label = Math.min(classes - 1, Math.floor((angle / (2 * Math.PI)) * classes));
    if (rng.nextFloat() < flip) label = (label + 1) % classes;
    labels[i] = label;
  }
  return { data, dim, labels, numClasses: classes };
}

// ------------------------------------------------------------------ an independent full-batch reference

type Matrix = number[][];

/** Plain nested arrays, written from the textbook formulas and sharing no code with the trainer. */
class Reference {
  layers: { W: Matrix; b: number[] }[];
  adam: { m: number[][]; v: number[][]; t: number } | null;

  constructor(
    start: { inputs: number; outputs: number; weights: Float64Array; biases: Float64Array }[],
    private readonly optimiser: 'sgd' | 'adam',
    private readonly rate: number,
  ) {
    this.layers = start.map((l) => ({
      W: Array.from({ length: l.inputs }, (_, i) =>
        Array.from({ length: l.outputs }, (_, j) => l.weights[i * l.outputs + j]),
      ),
      b: Array.from(l.biases),
    }));
    this.adam = null;
  }

  /** Logits of one input, keeping every layer's activation. */
  forward(x: number[]): number[][] {
    const acts = [x];
    this.layers.forEach((layer, l) => {
      const a = acts[acts.length - 1];
      const z = layer.b.map((bj, j) => bj + a.reduce((s, ai, i) => s + ai * layer.W[i][j], 0));
      acts.push(l < this.layers.length - 1 ? z.map((v) => Math.max(0, v)) : z);
    });
    return acts;
  }

  loss(X: number[][], y: number[]): number {
    let total = 0;
    X.forEach((x, n) => {
      const logits = this.forward(x).at(-1)!;
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
      total += lse - logits[y[n]];
    });
    return total / X.length;
  }

  step(X: number[][], y: number[]): void {
    const gradW = this.layers.map((l) => l.W.map((row) => row.map(() => 0)));
    const gradB = this.layers.map((l) => l.b.map(() => 0));
    X.forEach((x, n) => {
      const acts = this.forward(x);
      const logits = acts.at(-1)!;
      const max = Math.max(...logits);
      const exps = logits.map((v) => Math.exp(v - max));
      const sum = exps.reduce((s, v) => s + v, 0);
      let delta = exps.map((e, c) => (e / sum - (c === y[n] ? 1 : 0)) / X.length);
      for (let l = this.layers.length - 1; l >= 0; l--) {
        const a = acts[l];
        a.forEach((ai, i) => delta.forEach((dj, j) => (gradW[l][i][j] += ai * dj)));
        delta.forEach((dj, j) => (gradB[l][j] += dj));
        if (l > 0) {
          const W = this.layers[l].W;
          delta = a.map((ai, i) => (ai > 0 ? W[i].reduce((s, w, j) => s + w * delta[j], 0) : 0));
        }
      }
    });
    const flatParams = this.layers.flatMap((l) => [l.W.flat(), l.b]);
    const flatGrads = gradW.flatMap((g, l) => [g.flat(), gradB[l]]);
    let updated: number[][];
    if (this.optimiser === 'sgd') {
      updated = flatParams.map((p, k) => p.map((v, i) => v - this.rate * flatGrads[k][i]));
    } else {
      this.adam ??= { m: flatParams.map((p) => p.map(() => 0)), v: flatParams.map((p) => p.map(() => 0)), t: 0 };
      const s = this.adam;
      s.t += 1;
      updated = flatParams.map((p, k) =>
        p.map((v, i) => {
          const g = flatGrads[k][i];
          s.m[k][i] = 0.9 * s.m[k][i] + 0.1 * g;
          s.v[k][i] = 0.999 * s.v[k][i] + 0.001 * g * g;
          const mHat = s.m[k][i] / (1 - 0.9 ** s.t);
          const vHat = s.v[k][i] / (1 - 0.999 ** s.t);
          return v - (this.rate * mHat) / (Math.sqrt(vHat) + 1e-8);
        }),
      );
    }
    this.layers.forEach((layer, l) => {
      const cols = layer.b.length;
      layer.W = layer.W.map((row, i) => row.map((_, j) => updated[2 * l][i * cols + j]));
      layer.b = updated[2 * l + 1];
    });
  }
}

describe('head trainer against a full-batch reference (p = 0, no decay)', () => {
  const data = planted(11, 40, 5, 3);
  const rowsOf = (indices: Int32Array) =>
    Array.from(indices, (r) => Array.from(data.data.subarray(r * data.dim, (r + 1) * data.dim)));

  for (const [model, optimiser, learningRate] of [
    ['logistic', 'sgd', 0.5],
    ['mlp', 'sgd', 0.2],
    ['logistic', 'adam', 0.05],
    ['mlp', 'adam', 0.02],
  ] as const) {
    it(`matches ${model} with ${optimiser} epoch by epoch to 1e-6`, async () => {
      const opts = options({ model, optimiser, learningRate, epochs: 12 });
      const { runs, split } = await trainHeads(data, opts, [NONE]);
      const reference = new Reference(initialNetwork(opts, data.dim, data.numClasses), optimiser, learningRate);
      const trainX = rowsOf(split.train);
      const trainY = Array.from(split.train, (r) => data.labels[r]);
      const heldX = rowsOf(split.heldOut);
      const heldY = Array.from(split.heldOut, (r) => data.labels[r]);
      const curve = runs[0].curve.epochs;
      expect(curve).toHaveLength(12);
      for (const metrics of curve) {
        reference.step(trainX, trainY);
        expect(Math.abs(metrics.trainLoss - reference.loss(trainX, trainY))).toBeLessThan(1e-6);
        expect(Math.abs(metrics.heldOutLoss - reference.loss(heldX, heldY))).toBeLessThan(1e-6);
      }
      // The reference moved: a trainer that did nothing would not have matched it.
      expect(curve.at(-1)!.trainLoss).toBeLessThan(curve[0].trainLoss);
    });
  }
});

describe('numerics', () => {
  it('log-sum-exp stays finite for huge logits', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp([-1000, -1e6])).toBeCloseTo(-1000, 12);
  });

  it('trains on features in the thousands without NaN (standardized)', async () => {
    const base = planted(2, 60, 4, 2);
    const data = { ...base, data: base.data.map((v) => v * 5000 + 1e4) };
    const { runs } = await trainHeads(data, options({ standardize: true, optimiser: 'adam', learningRate: 0.05 }), [
      NONE,
    ]);
    for (const m of runs[0].curve.epochs)
      expect(Number.isFinite(m.trainLoss) && Number.isFinite(m.heldOutLoss)).toBe(true);
  });
});

describe('dropout masks', () => {
  for (const p of [0.1, 0.5, 0.8]) {
    it(`keeps units at rate 1 − ${p} within the 99% binomial interval, scaled by 1/(1 − p)`, () => {
      const n = 200_000;
      const mask = fillDropoutMask(createRng(17), p, new Float64Array(n));
      const kept = mask.filter((v) => v !== 0);
      const keep = 1 - p;
      const halfWidth = 2.5758 * Math.sqrt(n * keep * (1 - keep));
      expect(Math.abs(kept.length - n * keep)).toBeLessThan(halfWidth);
      expect(new Set(kept).size).toBe(1);
      expect(kept[0]).toBeCloseTo(1 / keep, 12);
    });
  }

  it('p = 0 keeps everything and p = 1 is refused', () => {
    expect(fillDropoutMask(createRng(1), 0, new Float64Array(10)).every((v) => v === 1)).toBe(true);
    expect(() => fillDropoutMask(createRng(1), 1, new Float64Array(10))).toThrow(/below 1/);
  });
});

describe('seeds and splits', () => {
  const data = planted(3, 90, 6, 3, 0.1);

  it('gives identical curves for the same seed, different ones for another', async () => {
    const opts = options({ optimiser: 'adam', learningRate: 0.02, batchSize: 8, epochs: 6 });
    const first = await trainHeads(data, opts, [NONE, DROPOUT]);
    const second = await trainHeads(data, opts, [NONE, DROPOUT]);
    const other = await trainHeads(data, { ...opts, seed: 6 }, [NONE, DROPOUT]);
    const curves = (t: typeof first) => t.runs.map((r) => r.curve);
    expect(curves(second)).toEqual(curves(first));
    expect(curves(other)[1].epochs[5].trainLoss).not.toBe(curves(first)[1].epochs[5].trainLoss);
  });

  it('holds out the same rows for every data share, stratified, with nested training rows', () => {
    const full = splitHeldOut(data.labels, 3, 9, 0.3, 1);
    const tenth = splitHeldOut(data.labels, 3, 9, 0.3, 0.1);
    const quarter = splitHeldOut(data.labels, 3, 9, 0.3, 0.25);
    expect(Array.from(tenth.heldOut)).toEqual(Array.from(full.heldOut));
    expect(new Set([...full.train, ...full.heldOut]).size).toBe(90);
    for (const row of tenth.train) expect(quarter.train).toContain(row);
    for (let k = 0; k < 3; k++) {
      expect(Array.from(full.heldOut).some((r) => data.labels[r] === k)).toBe(true);
      expect(Array.from(tenth.train).some((r) => data.labels[r] === k)).toBe(true);
    }
    expect(tenth.train.length).toBeLessThan(quarter.train.length);
  });

  it('refuses bad settings with a message naming them', async () => {
    await expect(trainHeads(data, options({ learningRate: 0 }), [NONE])).rejects.toThrow(/learning rate/);
    await expect(trainHeads(data, options(), [{ ...NONE, hiddenDropout: 1 }])).rejects.toThrow(/hidden dropout/);
  });

  it('stops at an epoch boundary when cancelled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = trainHeads(data, options({ epochs: 50 }), [NONE], {
      signal: controller.signal,
      onEpoch: (epoch) => {
        seen.push(epoch);
        if (epoch === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('waits while paused and goes on after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: number[] = [];
    const run = trainHeads(data, options({ epochs: 3 }), [NONE], {
      onEpoch: (epoch) => seen.push(epoch),
      waitWhilePaused: () => (seen.length === 1 ? gate : Promise.resolve()),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([1]);
    release();
    await run;
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('dropout against overfitting on a planted small data set', () => {
  it("the no-dropout run's held-out loss rises after its minimum and the dropout run's gap is smaller", async () => {
    // 80 rows of 20 Gaussian features, the label set by two of them with 15% flipped: an MLP memorises the flips.
    const data = planted(1, 80, 20, 2, 0.15);
    const opts = options({
      hiddenWidth: 64,
      optimiser: 'adam',
      learningRate: 0.01,
      epochs: 150,
      batchSize: 16,
      seed: 3,
      heldOutFraction: 0.5,
    });
    const { runs } = await trainHeads(data, opts, [NONE, DROPOUT]);
    const [plain, dropped] = runs.map((r) => r.curve);
    const last = (c: typeof plain) => c.epochs.at(-1)!;
    const gap = (c: typeof plain) => last(c).heldOutLoss - last(c).trainLoss;
    const bestPlain = plain.epochs[plain.bestEpoch - 1].heldOutLoss;
    expect(plain.bestEpoch).toBeLessThan(opts.epochs / 2);
    expect(last(plain).heldOutLoss).toBeGreaterThan(2 * bestPlain);
    expect(last(plain).trainLoss).toBeLessThan(0.01);
    expect(gap(dropped)).toBeLessThan(0.75 * gap(plain));
    // MC dropout on the trained head: only the run with dropout has it, and it scores the held-out rows.
    expect(plain.mcHeldOut).toBe(null);
    expect(dropped.mcHeldOut?.samples).toBe(32);
    expect(dropped.mcHeldOut!.accuracy).toBeGreaterThan(0.5);
    expect(dropped.mcHeldOut!.loss).toBeLessThan(last(plain).heldOutLoss);
  });
});

describe('gradients with dropout on', () => {
  it('match finite differences of the loss under the same masks', () => {
    const data = planted(4, 12, 5, 3);
    const network = initialNetwork(options({ hiddenWidth: 6 }), 5, 3);
    const rows = Array.from({ length: 12 }, (_, i) => i);
    // The same seed draws the same masks, so the loss is a fixed function of the weights.
    const plan = () => ({ input: 0.3, hidden: 0.5, rng: createRng(99) });
    const grads = zerosLike(network);
    accumulateGradients(network, data, data.labels, rows, grads, plan());
    const lossAt = () => accumulateGradients(network, data, data.labels, rows, zerosLike(network), plan());
    const epsilon = 1e-6;
    let checked = 0;
    for (const [l, kind] of [
      [0, 'weights'],
      [0, 'biases'],
      [1, 'weights'],
      [1, 'biases'],
    ] as const) {
      const params = network[l][kind];
      for (let i = 0; i < params.length; i += 3) {
        const saved = params[i];
        params[i] = saved + epsilon;
        const up = lossAt();
        params[i] = saved - epsilon;
        const down = lossAt();
        params[i] = saved;
        expect(grads[l][kind][i]).toBeCloseTo((up - down) / (2 * epsilon), 6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
