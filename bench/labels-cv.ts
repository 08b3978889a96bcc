/**
 * 5-fold cross-validated multinomial logistic regression on seeded random data (10,000 × 256 × 5),
 * the workload of the label audit on sentence embeddings. Writes bench/results/labels-cv.json.
 * Run: npx rolldown bench/labels-cv.ts --file /tmp/labels-cv.mjs --platform node && node /tmp/labels-cv.mjs
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { crossValPredictProba } from '../src/core/labels/cross-validation';
import { createRng } from '../src/core/random';

function syntheticEmbeddings(rows: number, cols: number, classes: number, seed: number) {
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: classes * cols }, () => rng.nextNormal() * 0.05);
  const labels = Int32Array.from({ length: rows }, () => rng.nextInt(classes));
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = 0.5 + centres[labels[i] * cols + j] + rng.nextNormal();
  }
  return { X: { data, rows, cols }, labels };
}

const [rows, cols, classes] = [10_000, 256, 5];
const { X, labels } = syntheticEmbeddings(rows, cols, classes, 42);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = crossValPredictProba(X, labels, { folds: 5, seed: 0, C: 1 });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
let correct = 0;
for (let i = 0; i < rows; i++) {
  const row = result.probabilityRows[i];
  let best = 0;
  for (let k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
  if (best === labels[i]) correct++;
}
const summary = {
  benchmark: 'labels-cv',
  rows, cols, classes, folds: 5,
  seconds: Number(seconds.toFixed(3)),
  cpuSeconds: Number(cpuSeconds.toFixed(3)),
  iterationsPerFold: result.iterationsPerFold,
  outOfSampleAccuracy: correct / rows,
  node: process.version,
  date: new Date().toISOString(),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/labels-cv.json', JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary));
