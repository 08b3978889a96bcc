import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import { cosMulScore, dot, dot3, dot4, dotAll } from '../../../src/core/analogy';

describe('dot kernels', () => {
  it('single, three- and four-vector and four-row kernels agree bit for bit (odd and even D) and match a plain sum', () => {
    const rng = createRng(17);
    for (const D of [1, 2, 3, 5, 8, 13, 64, 77]) {
      const E = Float32Array.from({ length: 3 * D }, () => rng.nextNormal());
      const Q = Float32Array.from({ length: 4 * D }, () => rng.nextNormal());
      const rows = [0, 1, 2, 3].map((m) => Q.subarray(m * D, (m + 1) * D));
      for (let v = 0; v < 3; v++) {
        const four = new Float64Array(4);
        const three = new Float64Array(3);
        dot4(E, v * D, Q, 0, D, four, 0);
        dot3(E, v * D, rows[0], rows[1], rows[2], D, three, 0);
        for (let m = 0; m < 4; m++) {
          const single = dot(E, v * D, Q, m * D, D);
          expect(four[m]).toBe(single);
          if (m < 3) expect(three[m]).toBe(single);
          let plain = 0;
          for (let d = 0; d < D; d++) plain += E[v * D + d] * Q[m * D + d];
          expect(single).toBeCloseTo(plain, 10);
        }
      }
      // dotAll (four rows per pass plus a remainder row) gives the same values as `dot`.
      const all = dotAll(E, 3, D, rows[1], new Float64Array(3));
      for (let v = 0; v < 3; v++) expect(all[v]).toBe(dot(E, v * D, Q, D, D));
      const E5 = Float32Array.from({ length: 5 * D }, () => rng.nextNormal());
      const all5 = dotAll(E5, 5, D, rows[2], new Float64Array(5));
      for (let v = 0; v < 5; v++) expect(all5[v]).toBe(dot(E5, v * D, Q, 2 * D, D));
    }
  });

  it('3CosMul shifts cosines to [0, 1] and adds ε to the denominator', () => {
    expect(cosMulScore(-1, 1, 1, 0.001)).toBeCloseTo(1 / 0.001, 9);
    expect(cosMulScore(0, 0, 0, 0.001)).toBeCloseTo(0.25 / 0.501, 12);
  });
});
