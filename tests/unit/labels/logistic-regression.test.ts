import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  crossValPredictProba,
  fitLogisticRegression,
  predictProba,
  type FeatureMatrix,
  type LogisticModel,
} from '../../../src/core/labels';

const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/labels');

interface LrFixture {
  name: string;
  X: number[][];
  y: number[];
  num_classes: number;
  coef: number[][];
  intercept: number[];
  predict_proba: number[][];
  folds: number[];
  cross_val_predict_proba: number[][];
  predict_proba_single_fit: number[][];
  cross_val_predict_proba_single_fit: number[][];
}

/** scikit-learn stores one vector for two classes (class 1's); the softmax's class-0 vector is its negative. */
function allClassVectors(f: LrFixture): { coef: number[]; intercept: number[] } {
  if (f.name === 'binary_sigmoid') {
    // One vector u on the logit difference; our symmetric two-vector form holds ∓u/2.
    const half = f.coef[0].map((v) => v / 2);
    return { coef: [...half.map((v) => -v), ...half], intercept: [-f.intercept[0] / 2, f.intercept[0] / 2] };
  }
  if (f.num_classes === 2 && f.coef.length === 1) {
    return { coef: [...f.coef[0].map((v) => -v), ...f.coef[0]], intercept: [-f.intercept[0], f.intercept[0]] };
  }
  return { coef: f.coef.flat(), intercept: f.intercept };
}

function load(name: string): LrFixture {
  return JSON.parse(readFileSync(path.join(fixtureDir, `lr_${name}.json`), 'utf8')) as LrFixture;
}

function matrix(rows: number[][]): FeatureMatrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const centred = (v: ArrayLike<number>) => {
  const mean = Array.from(v).reduce((s, x) => s + x, 0) / v.length;
  return Array.from(v, (x) => x - mean);
};

/** The gradient of Σ log-loss/n + ||W||²/(2Cn) at a raw-feature model, written the naive way. */
function naiveGradientNorm(model: LogisticModel, X: FeatureMatrix, y: number[], C: number): number {
  const { weights: W } = model;
  const m = model.classes.length,
    d = X.cols,
    n = X.rows;
  const gW = new Float64Array(m * d),
    gb = new Float64Array(m);
  const P = predictProba(model, X);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const r = P[i * model.numClasses + model.classes[k]] - (y[i] === model.classes[k] ? 1 : 0);
      gb[k] += r / n;
      for (let j = 0; j < d; j++) gW[k * d + j] += (r * X.data[i * d + j]) / n;
    }
  }
  for (let i = 0; i < W.length; i++) gW[i] += W[i] / (C * n);
  return Math.max(...Array.from(gW, Math.abs), ...Array.from(gb, Math.abs));
}

describe('multinomial logistic regression matches scikit-learn', () => {
  const binaryModelFor = (name: string) => (name === 'binary_sigmoid' ? 'sigmoid' : 'softmax') as 'sigmoid' | 'softmax';
  for (const name of ['tiny', 'blobs300', 'separable', 'binary', 'binary_sigmoid']) {
    it(`${name}: coefficients, intercepts and probabilities within 1e-4`, () => {
      const f = load(name);
      const X = matrix(f.X);
      const model = fitLogisticRegression(X, f.y, f.num_classes, { C: 1, binaryModel: binaryModelFor(name) });
      expect(model.status).toBe('converged');
      const reference = allClassVectors(f);
      expect(maxDiff(model.weights, reference.coef)).toBeLessThan(1e-4);
      // Unpenalised intercepts sit in a flat valley when classes barely overlap: probabilities are the
      // sharp check there, the intercepts agree to 1e-4 relative.
      const interceptScale = Math.max(1, ...reference.intercept.map(Math.abs));
      expect(maxDiff(centred(model.intercepts), centred(reference.intercept))).toBeLessThan(1e-4 * interceptScale);
      expect(maxDiff(predictProba(model, X), f.predict_proba.flat())).toBeLessThan(1e-4);
      // A single scikit-learn fit stops early on its ftol criterion; it is still close.
      expect(maxDiff(predictProba(model, X), f.predict_proba_single_fit.flat())).toBeLessThan(5e-4);
    });

    it(`${name}: cross-validated probabilities on the same folds within 1e-4`, () => {
      const f = load(name);
      const result = crossValPredictProba(matrix(f.X), f.y, {
        foldAssignment: Int32Array.from(f.folds),
        C: 1,
        binaryModel: binaryModelFor(name),
      });
      expect(maxDiff(result.probabilities, f.cross_val_predict_proba.flat())).toBeLessThan(1e-4);
      expect(maxDiff(result.probabilities, f.cross_val_predict_proba_single_fit.flat())).toBeLessThan(5e-4);
      expect(result.probabilityRows[3]).toEqual(result.probabilities.subarray(3 * f.num_classes, 4 * f.num_classes));
    });
  }

  it('also accepts Float32Array features', () => {
    const f = load('blobs300');
    const X: FeatureMatrix = { data: Float32Array.from(f.X.flat()), rows: f.X.length, cols: f.X[0].length };
    const model = fitLogisticRegression(X, f.y, f.num_classes);
    // float32 rounding of the inputs moves the optimum slightly.
    expect(maxDiff(predictProba(model, X), f.predict_proba.flat())).toBeLessThan(1e-4);
  });
});

describe('logistic regression by hand', () => {
  it('two points on a line: w solves w = 2σ(−2w) and the intercepts vanish', () => {
    // x = −1 (class 0), x = +1 (class 1). By symmetry b = 0 and w₁ = −w₀ = w; the objective
    // 2·log(1 + e^{−2w}) + w² has derivative zero where w = 2σ(−2w) ≈ 0.5215.
    const X: FeatureMatrix = { data: Float64Array.from([-1, 1]), rows: 2, cols: 1 };
    const model = fitLogisticRegression(X, [0, 1], 2, { C: 1, tolerance: 1e-12 });
    const w = model.weights[1];
    expect(model.weights[0]).toBeCloseTo(-w, 12);
    expect(w - 2 / (1 + Math.exp(2 * w))).toBeCloseTo(0, 10);
    expect(w).toBeCloseTo(0.5215, 3);
    expect(Math.abs(model.intercepts[0]) + Math.abs(model.intercepts[1])).toBeLessThan(1e-10);
    const p = predictProba(model, X);
    expect(p[3]).toBeCloseTo(1 / (1 + Math.exp(-2 * w)), 12);
  });

  it('stops on the gradient-norm criterion, and the solution really has that gradient', () => {
    const f = load('blobs300');
    const X = matrix(f.X);
    const loose = fitLogisticRegression(X, f.y, f.num_classes, { tolerance: 1e-3 });
    const tight = fitLogisticRegression(X, f.y, f.num_classes, { tolerance: 1e-9 });
    expect(loose.status).toBe('converged');
    expect(loose.gradientNorm).toBeLessThanOrEqual(1e-3);
    expect(tight.gradientNorm).toBeLessThanOrEqual(1e-9);
    expect(tight.iterations).toBeGreaterThan(loose.iterations);
    // Independent check on the raw-feature parametrisation (centring must not change the optimum).
    expect(naiveGradientNorm(tight, X, f.y, 1)).toBeLessThan(1e-8);
    expect(naiveGradientNorm(loose, X, f.y, 1)).toBeGreaterThan(1e-7);
  });

  it('reports progress and stops when aborted', () => {
    const f = load('blobs300');
    const signal = { aborted: false };
    const seen: number[] = [];
    expect(() =>
      fitLogisticRegression(matrix(f.X), f.y, f.num_classes, {
        signal,
        onIteration: ({ iteration }) => {
          seen.push(iteration);
          if (iteration === 3) signal.aborted = true;
        },
      }),
    ).toThrow(/abort/i);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives probability 0 to a class with no training rows', () => {
    const X: FeatureMatrix = { data: Float64Array.from([0, 1, 2, 3]), rows: 4, cols: 1 };
    const model = fitLogisticRegression(X, [0, 0, 2, 2], 3);
    expect(model.classes).toEqual([0, 2]);
    const p = predictProba(model, X);
    expect([p[1], p[4], p[7], p[10]]).toEqual([0, 0, 0, 0]);
    expect(p[0] + p[2]).toBeCloseTo(1, 12);
  });
});

describe('preconditioning', () => {
  it('reaches the same optimum in far fewer iterations on correlated, non-centred features', async () => {
    const { createRng } = await import('../../../src/core/random');
    const rng = createRng(9);
    const [n, d, m] = [600, 24, 3];
    const labels = Array.from({ length: n }, (_, i) => i % m);
    const mix = Array.from({ length: d * d }, (_, i) => rng.nextNormal() / (1 + Math.floor(i / d) / 2));
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const z = Array.from({ length: d }, (_, a) => rng.nextNormal() + (a === labels[i] ? 1 : 0));
      for (let b = 0; b < d; b++) {
        let v = 2;
        for (let a = 0; a < d; a++) v += z[a] * mix[a * d + b];
        data[i * d + b] = v;
      }
    }
    const X: FeatureMatrix = { data, rows: n, cols: d };
    const plain = fitLogisticRegression(X, labels, m, { precondition: false, tolerance: 1e-8 });
    const preconditioned = fitLogisticRegression(X, labels, m, { tolerance: 1e-8 });
    expect(plain.status).toBe('converged');
    expect(preconditioned.status).toBe('converged');
    expect(maxDiff(predictProba(plain, X), predictProba(preconditioned, X))).toBeLessThan(1e-6);
    expect(preconditioned.iterations).toBeLessThan(plain.iterations / 2);
    // 'auto' starts without it, finds the fit slow, builds it and continues: the same optimum.
    const auto = fitLogisticRegression(X, labels, m, { precondition: 'auto', tolerance: 1e-8 });
    expect(auto.status).toBe('converged');
    expect(auto.preconditioned).toBe(true);
    expect(maxDiff(predictProba(plain, X), predictProba(auto, X))).toBeLessThan(1e-6);
    expect(auto.iterations).toBeLessThan(plain.iterations);
  });

  it("'auto' leaves it out on well-conditioned features, which converge without it", async () => {
    const { createRng } = await import('../../../src/core/random');
    const rng = createRng(3);
    const [n, d, m] = [600, 24, 3];
    const labels = Array.from({ length: n }, (_, i) => i % m);
    const data = Float64Array.from(
      { length: n * d },
      (_, i) => rng.nextNormal() + (i % d === labels[Math.floor(i / d)] ? 1 : 0),
    );
    const X: FeatureMatrix = { data, rows: n, cols: d };
    const always = fitLogisticRegression(X, labels, m, { tolerance: 1e-8 });
    const auto = fitLogisticRegression(X, labels, m, { precondition: 'auto', tolerance: 1e-8 });
    expect(auto.status).toBe('converged');
    expect(auto.preconditioned).toBe(false);
    expect(maxDiff(predictProba(always, X), predictProba(auto, X))).toBeLessThan(1e-6);
  });
});

describe('preconditioning wide inputs', () => {
  it('uses per-feature scaling above 768 features and still reaches the same optimum', async () => {
    const { tfidfFeatures } = await import('../../../src/core/labels');
    const { createRng } = await import('../../../src/core/random');
    const rng = createRng(4);
    const words = Array.from({ length: 900 }, (_, i) => `w${i}`);
    const labels = Array.from({ length: 240 }, (_, i) => i % 3);
    const texts = labels.map((y) =>
      Array.from(
        { length: 30 },
        () => words[(rng.nextInt(300) + (rng.nextFloat() < 0.3 ? y * 300 : rng.nextInt(3) * 300)) % 900],
      ).join(' '),
    );
    const tfidf = tfidfFeatures(texts, { maxFeatures: 900 });
    expect(tfidf.cols).toBeGreaterThan(768);
    const X: FeatureMatrix = { data: tfidf.features, rows: tfidf.rows, cols: tfidf.cols };
    const plain = fitLogisticRegression(X, labels, 3, { precondition: false, tolerance: 1e-8 });
    const scaled = fitLogisticRegression(X, labels, 3, { tolerance: 1e-8 });
    expect(scaled.status).toBe('converged');
    expect(maxDiff(predictProba(plain, X), predictProba(scaled, X))).toBeLessThan(1e-5);
  });
});
