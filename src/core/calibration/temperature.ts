/**
 * Temperature scaling (Guo et al. 2017): one number T divides every logit, softmax(z / T), fitted by
 * minimising the mean negative log-likelihood on held-out positions. Dividing log-probabilities works the
 * same as dividing logits (they differ by a constant per position, which softmax ignores).
 *
 * The NLL is convex in β = 1/T (a log-sum-exp of lines minus a line), so it has one minimum along log T
 * too; a golden-section search on log T over TEMPERATURE_RANGE finds it without derivatives and cannot
 * step outside the range, whatever the data (all right, all wrong, one position).
 */
import { TEMPERATURE_RANGE, type PredictionColumns } from '../contracts/calibration';
import { reduceDistribution } from './reduce';

/** Row-major log-probabilities (or logits), `width` values per position. */
export interface LogProbRows {
  values: Float32Array | Float64Array;
  width: number;
}

/** log Σ_k exp(row_k / T) of one row, stable. */
function logSumExp(rows: LogProbRows, row: number, temperature: number): number {
  const { values, width } = rows;
  const start = row * width;
  let max = -Infinity;
  for (let k = start; k < start + width; k++) if (values[k] > max) max = values[k];
  let sum = 0;
  for (let k = start; k < start + width; k++) sum += Math.exp((values[k] - max) / temperature);
  return max / temperature + Math.log(sum);
}

/** Mean −log softmax(row / T)[true] over `indices`. */
export function temperatureNll(
  rows: LogProbRows,
  trueId: ArrayLike<number>,
  indices: readonly number[],
  temperature: number,
): number {
  if (indices.length === 0) throw new Error('There are no positions to fit the temperature on.');
  let nll = 0;
  for (const i of indices)
    nll += logSumExp(rows, i, temperature) - rows.values[i * rows.width + trueId[i]] / temperature;
  return nll / indices.length;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The minimiser of a function unimodal in log T over [min, max], to `tolerance` in log T; `atBound` when the
 * minimum is (within the tolerance) an end of the range.
 */
export function minimizeOverLogTemperature(
  objective: (temperature: number) => number,
  range: { min: number; max: number } = TEMPERATURE_RANGE,
  tolerance = 1e-9,
): { temperature: number; value: number; atBound: boolean } {
  let a = Math.log(range.min);
  let b = Math.log(range.max);
  const f = (u: number) => objective(Math.exp(u));
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = f(d);
    }
  }
  // The ends themselves are candidates too: golden section never evaluates them.
  const candidates = [
    { u: (a + b) / 2, value: f((a + b) / 2) },
    { u: Math.log(range.min), value: f(Math.log(range.min)) },
    { u: Math.log(range.max), value: f(Math.log(range.max)) },
  ];
  const best = candidates.reduce((x, y) => (y.value < x.value ? y : x));
  const atBound =
    Math.abs(best.u - Math.log(range.min)) <= 10 * tolerance ||
    Math.abs(best.u - Math.log(range.max)) <= 10 * tolerance;
  return { temperature: Math.exp(best.u), value: best.value, atBound };
}

/** The temperature minimising the mean NLL of `indices`. */
export function fitTemperature(rows: LogProbRows, trueId: ArrayLike<number>, indices: readonly number[]) {
  const best = minimizeOverLogTemperature((t) => temperatureNll(rows, trueId, indices, t));
  return {
    temperature: best.temperature,
    fitNllBefore: temperatureNll(rows, trueId, indices, 1),
    fitNllAfter: best.value,
    fitCount: indices.length,
    atBound: best.atBound,
  };
}

/** Writes the reduction of softmax(row / T) for every row into `into`. */
export function applyTemperature(
  into: PredictionColumns,
  rows: LogProbRows,
  trueId: ArrayLike<number>,
  temperature: number,
): void {
  const { values, width } = rows;
  const scratch = new Float64Array(width);
  for (let i = 0; i < trueId.length; i++) {
    const lse = logSumExp(rows, i, temperature);
    for (let k = 0; k < width; k++) scratch[k] = Math.exp(values[i * width + k] / temperature - lse);
    reduceDistribution(into, i, scratch, trueId[i]);
  }
}
