/**
 * Worker thread for the analogy benchmark: builds a random [V, D] space (BERT-base size) and times single
 * analogy queries with the same src/core/analogy code the browser worker runs. Started by
 * bench/suites/analogy.ts through node:worker_threads, so the timing happens off the main thread as in the app.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createVectorSpace, dot3, dotAllThree, solveAnalogy, type AnalogyMethod } from '../src/core/analogy';
import { isWasmMatrix, setWasmKernelsDisabled } from '../src/core/analogy/wasm-dot';
import { createRng } from '../src/core/random';

interface Job {
  V: number;
  D: number;
  /** Share of rows labelled as ## pieces or [unusedN] (not answers by default). */
  pieceShare: number;
  repeats: number;
  warmup: number;
  cases: { name: string; method: AnalogyMethod; wholeWordsOnly: boolean }[];
}

const job = workerData as Job;
const rng = createRng(2014);
const data = new Float32Array(job.V * job.D);
for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal();
// Labels: pieces spread through the vocabulary (as in BERT, where ## pieces and [unused] rows are interleaved with words).
const words = Array.from({ length: job.V }, (_, v) => (rng.nextFloat() < job.pieceShare ? `##p${v}` : `w${v}`));
const space = createVectorSpace(words, data, { inPlace: true });
const wholeRows = words.flatMap((w, v) => (w.startsWith('##') ? [] : [v]));
const wholeShare = wholeRows.length / job.V;
const wasm = isWasmMatrix(space.unit, job.V, job.D);

// Cases are interleaved (case 1, case 2, …, case 1, case 2, …) so load from other processes hits them alike.
// Each query is also asked of the previous plain-JS kernels (wasm kernels switched off, same matrix), right
// before or right after (alternating), and must give the same answer.
const results: Record<string, number[]> = {};
const PREVIOUS = ' — previous JS kernel';
for (const testCase of job.cases) results[testCase.name] = [];
let flip = false;
for (let i = 0; i < job.warmup + job.repeats; i++) {
  for (const testCase of job.cases) {
    const pick = () => words[wholeRows[rng.nextInt(wholeRows.length)]];
    const [a, b, c] = [pick(), pick(), pick()];
    const ask = (js: boolean) => {
      setWasmKernelsDisabled(js);
      const start = performance.now();
      const outcome = solveAnalogy(space, a, b, c, {
        method: testCase.method,
        k: 10,
        wholeWordsOnly: testCase.wholeWordsOnly,
      });
      const elapsed = performance.now() - start;
      setWasmKernelsDisabled(false);
      if (!outcome.ok || outcome.candidates.length !== 10) throw new Error('benchmark query failed');
      return { elapsed, answer: JSON.stringify(outcome.candidates) };
    };
    const [first, second] = flip ? [ask(true), ask(false)] : [ask(false), ask(true)];
    const [now, before] = flip ? [second, first] : [first, second];
    flip = !flip;
    if (now.answer !== before.answer) throw new Error('the wasm and JS kernels ranked differently');
    if (i >= job.warmup) {
      results[testCase.name].push(now.elapsed);
      (results[testCase.name + PREVIOUS] ??= []).push(before.elapsed);
      (results[`${testCase.name}: ratio previous / current`] ??= []).push(before.elapsed / now.elapsed);
    }
  }
  // The previous 3CosMul kernel (one row at a time, dot3), kept here as a baseline for dotAllThree's two-row pass.
  if (job.cases.some((testCase) => testCase.method === '3CosMul')) {
    const [qa, qb, qc] = [0, 1, 2].map(() => {
      const row = wholeRows[rng.nextInt(wholeRows.length)];
      return space.unit.slice(row * job.D, (row + 1) * job.D);
    });
    const outA = new Float64Array(job.V),
      outB = new Float64Array(job.V),
      outC = new Float64Array(job.V),
      three = new Float64Array(3);
    let start = performance.now();
    for (let v = 0, off = 0; v < job.V; v++, off += job.D) {
      dot3(space.unit, off, qa, qb, qc, job.D, three, 0);
      outA[v] = three[0];
      outB[v] = three[1];
      outC[v] = three[2];
    }
    const oneRow = performance.now() - start;
    setWasmKernelsDisabled(true);
    start = performance.now();
    dotAllThree(space.unit, job.V, job.D, qa, qb, qc, outA, outB, outC);
    const twoRows = performance.now() - start;
    setWasmKernelsDisabled(false);
    start = performance.now();
    dotAllThree(space.unit, job.V, job.D, qa, qb, qc, outA, outB, outC);
    const simd = performance.now() - start;
    if (i >= job.warmup) {
      (results['kernel only: 3 cosines per row, previous one-row pass'] ??= []).push(oneRow);
      (results['kernel only: 3 cosines per row, JS two-row pass (dotAllThree fallback)'] ??= []).push(twoRows);
      (results['kernel only: 3 cosines per row, wasm SIMD pass (dotAllThree, three rows at a time)'] ??= []).push(simd);
    }
  }
}
parentPort!.postMessage({ results, wholeShare, wasm });
