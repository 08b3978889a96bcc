/**
 * Seeded pseudo-random numbers shared by every stochastic step (MC-dropout noise, K-fold shuffles,
 * synthetic data in tests and benchmarks). xoshiro128** seeded through splitmix32, so the same seed
 * gives the same stream in Node, in the worker and on every execution provider.
 */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 24 bits of resolution, exact in float32. */
  nextFloat(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Standard normal (Box–Muller). */
  nextNormal(): number;
  /** Fills `out` with uniform floats in [0, 1). */
  fillUniform(out: Float32Array): Float32Array;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function createRng(seed: number): Rng {
  const init = splitmix32(Math.floor(seed) >>> 0);
  let s0 = init(),
    s1 = init(),
    s2 = init(),
    s3 = init();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  let spareNormal: number | null = null;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    s0 >>>= 0;
    s1 >>>= 0;
    s2 >>>= 0;
    return result;
  };
  const nextFloat = () => (nextUint32() >>> 8) / 16777216;

  return {
    nextUint32,
    nextFloat,
    nextInt: (n) => Math.floor(nextFloat() * n),
    nextNormal() {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return z;
      }
      let u = 0;
      while (u === 0) u = nextFloat();
      const v = nextFloat();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    // nextFloat() over and over, with the state in locals and 32-bit integer arithmetic throughout: the
    // same values bit for bit (× 2⁻²⁴ is exact, as the division is), several times faster. MC dropout
    // draws its noise here (hundreds of thousands of values per run).
    fillUniform(out) {
      let a = s0 | 0,
        b = s1 | 0,
        c = s2 | 0,
        d = s3 | 0;
      const n = out.length;
      for (let i = 0; i < n; i++) {
        const m = Math.imul(b, 5);
        const result = Math.imul((m << 7) | (m >>> 25), 9);
        out[i] = (result >>> 8) * (1 / 16777216);
        const t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
      }
      s0 = a >>> 0;
      s1 = b >>> 0;
      s2 = c >>> 0;
      s3 = d >>> 0;
      return out;
    },
  };
}

/** Fisher–Yates shuffle in place with the given generator. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
