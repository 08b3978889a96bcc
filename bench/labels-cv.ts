/**
 * 5-fold cross-validated multinomial logistic regression on seeded synthetic data, 10,000 × 256 × 5:
 * the label audit's workload on sentence embeddings. Two data sets: independent features ("random")
 * and correlated, non-centred ones with a decaying spectrum ("correlated"), which is how real
 * embeddings look and what makes solvers slow. Writes bench/results/labels-cv.json.
 * Run: npx rolldown bench/labels-cv.ts --file /tmp/labels-cv.mjs --platform node && node /tmp/labels-cv.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { crossValPredictProba } from '../src/core/labels/cross-validation';
import type { FeatureMatrix } from '../src/core/labels/logistic-regression';
import { createRng } from '../src/core/random';

const [ROWS, COLS, CLASSES] = [10_000, 256, 5];

function randomData(seed: number): { X: FeatureMatrix; labels: Int32Array } {
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: CLASSES * COLS }, () => rng.nextNormal() * 0.05);
  const labels = Int32Array.from({ length: ROWS }, () => rng.nextInt(CLASSES));
  const data = new Float32Array(ROWS * COLS);
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < COLS; j++) data[i * COLS + j] = 0.5 + centres[labels[i] * COLS + j] + rng.nextNormal();
  }
  return { X: { data, rows: ROWS, cols: COLS }, labels };
}

/** Mixes independent features through a random matrix whose scales fall from 1 to ~1/30. */
function correlatedData(seed: number): { X: FeatureMatrix; labels: Int32Array } {
  const { X, labels } = randomData(seed);
  const rng = createRng(seed + 1);
  const mix = new Float64Array(COLS * COLS);
  for (let a = 0; a < COLS; a++) {
    const scale = 1 / (1 + a / 8);
    for (let b = 0; b < COLS; b++) mix[a * COLS + b] = (rng.nextNormal() * scale) / Math.sqrt(COLS);
  }
  const data = new Float32Array(ROWS * COLS);
  const row = new Float64Array(COLS);
  for (let i = 0; i < ROWS; i++) {
    row.fill(0.3);
    for (let a = 0; a < COLS; a++) {
      const v = X.data[i * COLS + a] - 0.5;
      for (let b = 0; b < COLS; b++) row[b] += v * mix[a * COLS + b];
    }
    data.set(row, i * COLS);
  }
  return { X: { data, rows: ROWS, cols: COLS }, labels };
}

function run(name: string, { X, labels }: { X: FeatureMatrix; labels: Int32Array }) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = crossValPredictProba(X, labels, { folds: 5, seed: 0, C: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  let correct = 0;
  for (let i = 0; i < ROWS; i++) {
    const p = result.probabilityRows[i];
    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (p[k] > p[best]) best = k;
    if (best === labels[i]) correct++;
  }
  return {
    data: name,
    seconds: Number(seconds.toFixed(3)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    iterationsPerFold: result.iterationsPerFold,
    outOfSampleAccuracy: correct / ROWS,
  };
}

const summary = {
  benchmark: 'labels-cv',
  rows: ROWS, cols: COLS, classes: CLASSES, folds: 5, tolerance: 1e-7,
  runs: [run('random', randomData(42)), run('correlated', correlatedData(42))],
  node: process.version,
  date: new Date().toISOString(),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/labels-cv.json', JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary));
