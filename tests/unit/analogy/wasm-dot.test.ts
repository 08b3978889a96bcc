import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import { createVectorSpace, dot, dotAll, dotAllThree, solveAnalogy } from '../../../src/core/analogy';
import {
  allocateMatrix,
  isWasmMatrix,
  kernelModuleBytes,
  setWasmKernelsDisabled,
  wasmKernelsAvailable,
  WASM_MIN_VALUES,
} from '../../../src/core/analogy/wasm-dot';

/** A wasm-backed matrix of random normal values (minValues 0: even tiny matrices go to wasm memory here). */
function wasmMatrix(seed: number, V: number, D: number): Float32Array {
  const rng = createRng(seed);
  const E = allocateMatrix(V, D, 0);
  for (let i = 0; i < E.length; i++) E[i] = rng.nextNormal();
  return E;
}

/** Runs `work` with the wasm kernels off, so dotAll/dotAllThree take the plain-JS path on the same array. */
function withJs<T>(work: () => T): T {
  setWasmKernelsDisabled(true);
  try {
    return work();
  } finally {
    setWasmKernelsDisabled(false);
  }
}

describe('WebAssembly SIMD dot kernels', () => {
  afterEach(() => setWasmKernelsDisabled(false));

  it('the module is valid wasm, small, and the kernels run in Node', () => {
    const bytes = kernelModuleBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(4096); // synchronous compile is allowed for modules under 4 KB even on a browser main thread
    expect(wasmKernelsAvailable()).toBe(true);
    expect(isWasmMatrix(allocateMatrix(10, 8, 0), 10, 8)).toBe(true);
  });

  it('dotAll gives the JS kernel values bit for bit (all rows and masked; D ≡ 0 and 2 mod 4), within 1e-5 of a plain sum', () => {
    const rng = createRng(5);
    for (const [V, D] of [
      [1, 2],
      [3, 2],
      [5, 6],
      [7, 8],
      [9, 10],
      [13, 64],
      [37, 768],
      [11, 770],
    ]) {
      const E = wasmMatrix(V * 1000 + D, V, D);
      expect(isWasmMatrix(E, V, D)).toBe(true);
      const q = Float32Array.from({ length: D }, () => rng.nextNormal());
      const wasm = dotAll(E, V, D, q, new Float64Array(V));
      const js = withJs(() => dotAll(E, V, D, q, new Float64Array(V)));
      expect(Array.from(wasm)).toEqual(Array.from(js));
      for (let v = 0; v < V; v++) {
        expect(wasm[v]).toBe(dot(E, v * D, q, 0, D));
        let plain = 0;
        for (let d = 0; d < D; d++) plain += E[v * D + d] * q[d];
        expect(Math.abs(wasm[v] - plain)).toBeLessThan(1e-5);
      }
      const rows = Uint8Array.from({ length: V }, () => (rng.nextFloat() < 0.6 ? 1 : 0));
      const wasmMasked = dotAll(E, V, D, q, new Float64Array(V).fill(-7), rows);
      const jsMasked = withJs(() => dotAll(E, V, D, q, new Float64Array(V).fill(-7), rows));
      expect(Array.from(wasmMasked)).toEqual(Array.from(jsMasked));
      for (let v = 0; v < V; v++) if (!rows[v]) expect(wasmMasked[v]).toBe(-7); // skipped rows are left untouched
    }
  });

  it('dotAllThree gives the JS kernel values bit for bit, all rows and masked', () => {
    const rng = createRng(6);
    for (const [V, D] of [
      [1, 2],
      [4, 6],
      [9, 8],
      [31, 768],
      [6, 770],
    ]) {
      const E = wasmMatrix(V * 7 + D, V, D);
      const [a, b, c] = [0, 1, 2].map(() => Float32Array.from({ length: D }, () => rng.nextNormal()));
      for (const rows of [undefined, Uint8Array.from({ length: V }, () => (rng.nextFloat() < 0.5 ? 1 : 0))]) {
        const run = () => {
          const outs = [0, 1, 2].map(() => new Float64Array(V).fill(-7));
          dotAllThree(E, V, D, a, b, c, outs[0], outs[1], outs[2], rows);
          return outs.map((out) => Array.from(out));
        };
        const wasm = run();
        expect(wasm).toEqual(withJs(run));
        for (let v = 0; v < V; v++) if (!rows || rows[v]) expect(wasm[1][v]).toBe(dot(E, v * D, b, 0, D));
      }
    }
  });

  it('works on a view that starts inside the wasm matrix (byte offset), and odd D stays in the JS heap', () => {
    const V = 12,
      D = 8;
    const E = wasmMatrix(3, V, D);
    const view = E.subarray(3 * D);
    const q = Float32Array.from({ length: D }, (_, d) => d - 3.5);
    const out = dotAll(view, V - 3, D, q, new Float64Array(V - 3));
    for (let v = 0; v < V - 3; v++) expect(out[v]).toBe(dot(E, (v + 3) * D, q, 0, D));
    expect(isWasmMatrix(allocateMatrix(100_000, 7, 0), 100_000, 7)).toBe(false);
    expect(isWasmMatrix(allocateMatrix(10, 8), 10, 8)).toBe(false); // below WASM_MIN_VALUES by default
    expect(WASM_MIN_VALUES).toBeGreaterThan(80);
  });

  it('a large vector space lives in wasm memory and solveAnalogy ranks exactly as with the JS kernels', () => {
    const V = 3000,
      D = 64;
    const rng = createRng(11);
    const data = Float32Array.from({ length: V * D }, () => rng.nextNormal());
    const words = Array.from({ length: V }, (_, v) => (v % 5 === 0 ? `##p${v}` : `w${v}`));
    const space = createVectorSpace(words, data);
    expect(isWasmMatrix(space.unit, V, D)).toBe(true);
    for (const method of ['3CosAdd', '3CosMul'] as const) {
      for (const wholeWordsOnly of [true, false]) {
        for (let trial = 0; trial < 3; trial++) {
          const [a, b, c] = [0, 1, 2].map(() => `w${1 + 5 * rng.nextInt(V / 5 - 1)}`);
          const options = { method, wholeWordsOnly, k: 25 };
          const wasm = solveAnalogy(space, a, b, c, options);
          const js = withJs(() => solveAnalogy(space, a, b, c, options));
          expect(wasm).toEqual(js);
        }
      }
    }
  });
});
