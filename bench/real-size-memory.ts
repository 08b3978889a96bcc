/**
 * Child process of the real-size suite: loads the BERT-base-shaped model through PlaygroundEngine as the
 * worker does, uses attention (128 tokens), MC dropout (fill-mask, T = 32, 128 tokens) and an analogy
 * query once each, and prints the process's resident memory after each step and its peak, as JSON on
 * the last line. A process of its own, so the peak is this sequence's alone. With the argument `raw`: the same
 * figures for onnxruntime-web alone creating one session on the file, for reference.
 */
import { statSync } from 'node:fs';
import { PlaygroundEngine } from '../src/core/engine/playground-engine';
import { BERT_BASE_ONNX } from './bert-base-model';
import { BENCH_BASE, folderFetch, textOfLength } from './real-size-load';
import { BENCH_THREADS } from './harness';

const MB = 1e6;
const rss = () => Math.round(process.memoryUsage().rss / MB);
const peak = () => Math.round((process.resourceUsage().maxRSS * 1024) / MB);
const steps: { step: string; rssMB: number; peakMB: number; arrayBuffersMB: number; ms: number }[] = [];
let last = performance.now();
const record = (step: string) => {
  const now = performance.now();
  // arrayBuffers: bytes JavaScript holds in ArrayBuffers (the loaded file, views of it, WebAssembly memory).
  const arrayBuffersMB = Math.round(process.memoryUsage().arrayBuffers / MB);
  steps.push({ step, rssMB: rss(), peakMB: peak(), arrayBuffersMB, ms: Math.round(now - last) });
  last = now;
};

record('start');
if (process.argv[2] === 'raw') {
  // The reference: onnxruntime-web alone, one session on the file's bytes (kept, as a page would keep them).
  const { readFileSync } = await import('node:fs');
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = BENCH_THREADS;
  const bytes = new Uint8Array(readFileSync(BERT_BASE_ONNX));
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  record('onnxruntime-web session alone');
  await session.release();
  console.log(JSON.stringify({ fileMB: Math.round(bytes.byteLength / MB), steps }));
  process.exit(0);
}
const engine = new PlaygroundEngine({
  appBase: BENCH_BASE,
  environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  fetchImpl: folderFetch,
});
await engine.load({ kind: 'url', url: BENCH_BASE }, { executionProvider: 'wasm', threads: BENCH_THREADS });
record('load');
const text = textOfLength((t) => engine.tokenize(t).ids.length, 128);
await engine.attention(text, null, { hideSpecial: false, averageHeads: false, rollout: false });
record('attention (128 tokens)');
const masked = text.replace(/ dog /, ' [MASK] ');
await engine.predict(
  { task: 'fill-mask', text: masked },
  { samples: 32, dropout: 0.1, sites: ['attention', 'hidden'], stochasticLayers: 'all', seed: 1 },
);
record('MC dropout (fill-mask, T = 32, 128 tokens)');
await engine.analogy(
  ['token', 'contextual'],
  { a: 'man', b: 'woman', c: 'king' },
  {
    method: '3CosAdd',
    k: 10,
    includeQueryWords: false,
    wholeWordsOnly: true,
    centered: false,
  },
);
record('analogy (token and contextual spaces)');
console.log(JSON.stringify({ fileMB: Math.round(statSync(BERT_BASE_ONNX).size / MB), steps }));
