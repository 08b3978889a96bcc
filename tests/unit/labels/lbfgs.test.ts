import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../../src/core/labels';

describe('L-BFGS', () => {
  it('minimises an ill-conditioned quadratic to the gradient tolerance', () => {
    const scales = Float64Array.from({ length: 50 }, (_, i) => 10 ** (-2 + (4 * i) / 49));
    const target = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const result = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const r = x[i] - target[i];
          f += 0.5 * scales[i] * r * r;
          g[i] = scales[i] * r;
        }
        return f;
      },
      new Float64Array(50),
      { gradientTolerance: 1e-10, maxIterations: 2000 },
    );
    expect(result.status).toBe('converged');
    expect(result.gradientNorm).toBeLessThanOrEqual(1e-10);
    for (let i = 0; i < 50; i++) expect(result.x[i]).toBeCloseTo(target[i], 6);
  });

  it('minimises the Rosenbrock function', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0], x[1]];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { gradientTolerance: 1e-9, maxIterations: 500 },
    );
    expect(result.status).toBe('converged');
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('stops instead of looping when no step can decrease the objective (inconsistent gradient)', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        g[0] = 2 * (x[0] - 1e8) + 1e-3;
        return (x[0] - 1e8) ** 2;
      },
      Float64Array.from([0]),
      { gradientTolerance: 0, maxIterations: 10_000 },
    );
    expect(['no-progress', 'max-iterations']).toContain(result.status);
    expect(result.iterations).toBeLessThan(10_000);
  });
});
