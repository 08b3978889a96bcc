/**
 * Limited-memory BFGS for smooth convex objectives (Nocedal & Wright 2006, Alg. 7.4 and 7.5) with a
 * strong-Wolfe line search (Alg. 3.5/3.6). Operates on Float64Array in place so a fit allocates its
 * buffers once, whatever the number of iterations.
 */

/** Writes the gradient at x into grad and returns the objective value. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max |gradient| falls to this (default 1e-6). */
  gradientTolerance?: number;
  maxIterations?: number;
  /** Number of correction pairs kept (default 10, as scipy). */
  memory?: number;
  /**
   * Applies an approximate inverse Hessian in place (the initial matrix of the two-loop recursion);
   * by default the identity scaled by sᵀy / yᵀy.
   */
  preconditioner?: (v: Float64Array) => void;
  /** Called after each iteration; return nothing. Throwing (e.g. on abort) stops the solver. */
  onIteration?: (state: { iteration: number; value: number; gradientNorm: number }) => void;
}

export type LbfgsStatus = 'converged' | 'max-iterations' | 'no-progress';

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  status: LbfgsStatus;
}

const ARMIJO = 1e-4;
const CURVATURE = 0.9;
const MAX_LINE_SEARCH_STEPS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Cubic interpolation of the minimiser between two points with values and slopes, safeguarded to the middle 80%. */
function interpolate(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const radicand = d1 * d1 - da * db;
  let t: number;
  if (radicand >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(radicand);
    t = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
  } else {
    t = (a + b) / 2;
  }
  const lo = Math.min(a, b),
    hi = Math.max(a, b),
    margin = 0.1 * (hi - lo);
  if (!Number.isFinite(t) || t < lo + margin || t > hi - margin) t = (a + b) / 2;
  return t;
}

export function minimizeLbfgs(
  objective: ObjectiveWithGradient,
  start: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const tol = options.gradientTolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 1000;
  const memory = options.memory ?? 10;
  const dim = start.length;
  const x = Float64Array.from(start);
  const grad = new Float64Array(dim);
  const direction = new Float64Array(dim);
  const trialX = new Float64Array(dim);
  const trialGrad = new Float64Array(dim);
  const sHistory = Array.from({ length: memory }, () => new Float64Array(dim));
  const yHistory = Array.from({ length: memory }, () => new Float64Array(dim));
  const rhoHistory = new Float64Array(memory);
  const alphaScratch = new Float64Array(memory);
  const precondition = options.preconditioner;
  const preconditionedY = precondition ? new Float64Array(dim) : null;
  let stored = 0;
  let newest = -1;
  let evaluations = 1;
  let value = objective(x, grad);
  let gradientNorm = maxAbs(grad);
  let iteration = 0;
  let status: LbfgsStatus = 'max-iterations';

  let trialAlpha = NaN;
  let trialValue = NaN;
  const evaluateAt = (alpha: number): { f: number; slope: number } => {
    for (let i = 0; i < dim; i++) trialX[i] = x[i] + alpha * direction[i];
    const f = objective(trialX, trialGrad);
    evaluations++;
    trialAlpha = alpha;
    trialValue = f;
    return { f, slope: dot(trialGrad, direction) };
  };

  /** Strong-Wolfe step length; leaves trialX/trialGrad at the returned step, or returns 0 on failure. */
  const lineSearch = (f0: number, slope0: number, initial: number): number => {
    let prevAlpha = 0,
      prevF = f0,
      prevSlope = slope0;
    let alpha = initial;
    const zoom = (lo: number, fLo: number, sLo: number, hi: number, fHi: number, sHi: number): number => {
      for (let step = 0; step < MAX_LINE_SEARCH_STEPS; step++) {
        const a = interpolate(lo, fLo, sLo, hi, fHi, sHi);
        const { f, slope } = evaluateAt(a);
        if (f > f0 + ARMIJO * a * slope0 || f >= fLo) {
          hi = a;
          fHi = f;
          sHi = slope;
        } else {
          if (Math.abs(slope) <= -CURVATURE * slope0) return a;
          if (slope * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            sHi = sLo;
          }
          lo = a;
          fLo = f;
          sLo = slope;
        }
        if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      }
      // Accept the best sufficient-decrease point found, if any.
      if (lo > 0 && fLo < f0) {
        if (trialAlpha !== lo) evaluateAt(lo);
        return lo;
      }
      return 0;
    };
    for (let step = 0; step < MAX_LINE_SEARCH_STEPS; step++) {
      const { f, slope } = evaluateAt(alpha);
      if (!Number.isFinite(f)) {
        alpha = (prevAlpha + alpha) / 2;
        continue;
      }
      if (f > f0 + ARMIJO * alpha * slope0 || (step > 0 && f >= prevF)) {
        return zoom(prevAlpha, prevF, prevSlope, alpha, f, slope);
      }
      if (Math.abs(slope) <= -CURVATURE * slope0) return alpha;
      if (slope >= 0) return zoom(alpha, f, slope, prevAlpha, prevF, prevSlope);
      prevAlpha = alpha;
      prevF = f;
      prevSlope = slope;
      alpha *= 2;
    }
    return 0;
  };

  while (gradientNorm > tol) {
    if (iteration >= maxIterations) break;
    // Two-loop recursion: direction = -H·grad.
    for (let i = 0; i < dim; i++) direction[i] = -grad[i];
    for (let j = 0, idx = newest; j < stored; j++, idx = (idx - 1 + memory) % memory) {
      const a = rhoHistory[idx] * dot(sHistory[idx], direction);
      alphaScratch[idx] = a;
      const yv = yHistory[idx];
      for (let i = 0; i < dim; i++) direction[i] -= a * yv[i];
    }
    if (precondition) precondition(direction);
    if (stored > 0) {
      const yv = yHistory[newest];
      let yHy = dot(yv, yv);
      if (precondition && preconditionedY) {
        preconditionedY.set(yv);
        precondition(preconditionedY);
        yHy = dot(yv, preconditionedY);
      }
      const gamma = 1 / (rhoHistory[newest] * yHy);
      for (let i = 0; i < dim; i++) direction[i] *= gamma;
    }
    for (let j = 0, idx = (newest - stored + 1 + memory) % memory; j < stored; j++, idx = (idx + 1) % memory) {
      const b = rhoHistory[idx] * dot(yHistory[idx], direction);
      const coeff = alphaScratch[idx] - b;
      const sv = sHistory[idx];
      for (let i = 0; i < dim; i++) direction[i] += coeff * sv[i];
    }
    let slope0 = dot(grad, direction);
    if (!(slope0 < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < dim; i++) direction[i] = -grad[i];
      slope0 = dot(grad, direction);
    }
    const initial = stored === 0 ? Math.min(1, 1 / Math.max(maxAbs(direction), 1e-300)) : 1;
    const alpha = lineSearch(value, slope0, initial);
    if (alpha === 0) {
      if (stored === 0) {
        status = 'no-progress';
        break;
      }
      stored = 0; // retry once with steepest descent
      continue;
    }
    // Keep the pair only with positive curvature (always true for a strictly convex objective, but
    // rounding near the optimum can break it); write it only then, so a full ring keeps its oldest pair.
    let sy = 0,
      ss = 0,
      yy = 0;
    for (let i = 0; i < dim; i++) {
      const si = trialX[i] - x[i],
        yi = trialGrad[i] - grad[i];
      sy += si * yi;
      ss += si * si;
      yy += yi * yi;
    }
    if (sy > 1e-12 * Math.sqrt(ss * yy) && sy > 0) {
      newest = (newest + 1) % memory;
      const sv = sHistory[newest],
        yv = yHistory[newest];
      for (let i = 0; i < dim; i++) {
        sv[i] = trialX[i] - x[i];
        yv[i] = trialGrad[i] - grad[i];
      }
      rhoHistory[newest] = 1 / sy;
      stored = Math.min(stored + 1, memory);
    }
    x.set(trialX);
    grad.set(trialGrad);
    value = trialValue;
    gradientNorm = maxAbs(grad);
    iteration++;
    options.onIteration?.({ iteration, value, gradientNorm });
  }
  if (gradientNorm <= tol) status = 'converged';
  return { x, value, gradientNorm, iterations: iteration, evaluations, status };
}
