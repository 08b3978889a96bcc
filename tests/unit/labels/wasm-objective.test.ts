import { describe, expect, it } from 'vitest';
import { crossValPredictProba } from '../../../src/core/labels/cross-validation';
import { makeObjective } from '../../../src/core/labels/logistic-regression';
import { featureCovariance } from '../../../src/core/labels/preconditioner';
import {
  classGroups,
  makeWasmObjective,
  prepareWasmFeatures,
  wasmCovariance,
} from '../../../src/core/labels/wasm-objective';
import { createRng } from '../../../src/core/random';

function data(rows: number, cols: number, classes: number, float64: boolean, seed = 3) {
  const rng = createRng(seed);
  const values = Array.from({ length: rows * cols }, () => 0.4 + rng.nextNormal());
  const labels = Int32Array.from({ length: rows }, () => rng.nextInt(classes));
  for (let i = 0; i < rows; i++) values[i * cols + (labels[i] % cols)] += 1.5;
  return {
    X: { data: float64 ? Float64Array.from(values) : Float32Array.from(values), rows, cols },
    labels,
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('WebAssembly SIMD objective kernels', () => {
  it('groups classes at most 6 to a group, with as few groups and as little padding as possible', () => {
    expect(classGroups(2)).toEqual({ group: 2, mPad: 2 });
    expect(classGroups(5)).toEqual({ group: 5, mPad: 5 });
    expect(classGroups(7)).toEqual({ group: 4, mPad: 8 });
    expect(classGroups(13)).toEqual({ group: 5, mPad: 15 });
  });

  for (const [rows, cols, m, float64] of [
    [1003, 64, 5, false],
    [999, 33, 2, false],
    [1001, 40, 7, true],
    [515, 17, 13, true],
  ] as const) {
    it(`gives the JS objective's value and gradient: ${rows} × ${cols}, ${m} classes, ${float64 ? 'float64' : 'float32'}`, () => {
      const { X, labels } = data(rows, cols, m, float64);
      const features = prepareWasmFeatures(X, m);
      expect(features).not.toBeNull();
      // Every third row, in a shuffled order, as a fold's training rows are.
      const trainRows = Int32Array.from({ length: Math.floor(rows / 3) }, (_, i) => (i * 3 * 7919) % rows);
      const target = Int32Array.from(trainRows, (r) => labels[r]);
      const mean = Float64Array.from({ length: cols }, (_, j) => 0.4 + 0.01 * j);
      const js = makeObjective(X, trainRows, target, m, mean, 0.7);
      const wasm = makeWasmObjective(features!, trainRows, target, m, mean, 0.7)!;
      expect(wasm).not.toBeNull();
      const rng = createRng(11);
      for (let trial = 0; trial < 3; trial++) {
        const theta = Float64Array.from({ length: m * cols + m }, () => rng.nextNormal() * 0.3);
        const g1 = new Float64Array(theta.length),
          g2 = new Float64Array(theta.length);
        const v1 = js(theta, g1),
          v2 = wasm(theta, g2);
        expect(Math.abs(v1 - v2)).toBeLessThan(1e-12 * Math.abs(v1));
        expect(maxDiff(g1, g2)).toBeLessThan(1e-12);
      }
    });
  }

  it('computes the covariance featureCovariance computes', () => {
    for (const float64 of [false, true]) {
      const { X } = data(701, 45, 3, float64);
      const features = prepareWasmFeatures(X, 3)!;
      const rows = Int32Array.from({ length: 350 }, (_, i) => (i * 2 + 1) % 701);
      const reference = featureCovariance(X, rows);
      expect(maxDiff(wasmCovariance(features, X, rows)!, reference)).toBeLessThan(1e-12);
    }
  });

  it('cross-validation gives the same probabilities with the kernels as with the JS loops', () => {
    const { X, labels } = data(1200, 24, 4, false, 5);
    const viaWasm = crossValPredictProba(X, labels, { folds: 3, kernel: 'auto' });
    const viaJs = crossValPredictProba(X, labels, { folds: 3, kernel: 'js' });
    expect(maxDiff(viaWasm.probabilities, viaJs.probabilities)).toBeLessThan(1e-9);
  });
});
