/**
 * The confident joint C[given][guessed]: counts of rows confidently belonging to another class than
 * their label (Northcutt et al. 2021, eq. 1), its calibration to the label counts (eq. 3) and the
 * estimated joint distribution of given and true labels Q = C / N.
 */
import { argmaxFirst, numpySumBy } from './numeric';
import { roundPreservingRowTotals } from './round-preserving';
import { confidentThresholdsUnchecked } from './thresholds';
import { validateLabelInputs, type ProbabilityRows } from './validation';

/** Slack when comparing a probability with a threshold, so a row exactly at the mean counts. */
const THRESHOLD_SLACK = 1e-6;
/** Stands in for zero in denominators. */
const TINY = 1e-100;

export interface ConfidentJointOptions {
  /** Per-class thresholds; by default the mean self-confidence per class. */
  thresholds?: readonly number[];
  /** Rescale rows to the label counts and the total to N (default true). */
  calibrate?: boolean;
}

export interface ConfidentJointResult {
  confidentJoint: number[][];
  /** Rows counted off the diagonal of the uncalibrated joint, ascending. */
  offDiagonalIndices: number[];
}

export function computeConfidentJointWithIndices(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: ConfidentJointOptions = {},
): ConfidentJointResult {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'no' });
  return confidentJointUnchecked(labels, predProbs, numClasses, options);
}

/** For callers that validated already (find_label_issues also accepts all-zero labels). */
export function confidentJointUnchecked(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  numClasses: number,
  options: ConfidentJointOptions = {},
): ConfidentJointResult {
  if (options.thresholds && options.thresholds.length !== numClasses) {
    throw new Error(`thresholds has ${options.thresholds.length} entries but there are ${numClasses} classes.`);
  }
  const thresholds = options.thresholds ?? confidentThresholdsUnchecked(labels, predProbs, numClasses);
  const joint = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const offDiagonalIndices: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const row = predProbs[i];
    let confidentCount = 0;
    let onlyConfident = -1;
    for (let k = 0; k < numClasses; k++) {
      if (row[k] >= thresholds[k] - THRESHOLD_SLACK) {
        confidentCount++;
        onlyConfident = k;
      }
    }
    if (confidentCount === 0) continue;
    // With several confident classes the guess is the overall argmax, even if it is below its own threshold.
    const guess = confidentCount === 1 ? onlyConfident : argmaxFirst(row);
    joint[labels[i]][guess] += 1;
    if (guess !== labels[i]) offDiagonalIndices.push(i);
  }
  for (let k = 0; k < numClasses; k++) joint[k][k] = Math.max(joint[k][k], 1);
  const calibrated = options.calibrate === false ? joint : calibrateConfidentJoint(joint, labels, 'column-major');
  return { confidentJoint: calibrated, offDiagonalIndices };
}

export function computeConfidentJoint(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: ConfidentJointOptions = {},
): number[][] {
  return computeConfidentJointWithIndices(labels, predProbs, options).confidentJoint;
}

/**
 * Rescales each row of the joint to its class size, then the whole matrix to N, and rounds while
 * keeping row totals. `totalOrder` is the memory order numpy sums the matrix in: cleanlab's own
 * joint is column-major, one handed in by a caller is row-major, and the float total can differ.
 */
export function calibrateConfidentJoint(
  joint: readonly (readonly number[])[],
  labels: readonly number[],
  totalOrder: 'row-major' | 'column-major' = 'row-major',
): number[][] {
  const numClasses = joint.length;
  const labelCounts = new Array<number>(numClasses).fill(0);
  for (const y of labels) if (y < numClasses) labelCounts[y]++;
  const scaled = joint.map((row, i) => {
    let rowTotal = 0;
    for (const c of row) rowTotal += c;
    return row.map((c) => (c / Math.max(rowTotal, TINY)) * labelCounts[i]);
  });
  const size = numClasses * numClasses;
  const total =
    totalOrder === 'column-major'
      ? numpySumBy(size, (idx) => scaled[idx % numClasses][Math.floor(idx / numClasses)])
      : numpySumBy(size, (idx) => scaled[Math.floor(idx / numClasses)][idx % numClasses]);
  const n = labels.length;
  const rescaled = scaled.map((row) => row.map((a) => (a / Math.max(total, TINY)) * n));
  return roundPreservingRowTotals(rescaled);
}

export interface EstimateJointOptions extends ConfidentJointOptions {
  /** A confident joint computed earlier; it is recalibrated before use. */
  confidentJoint?: readonly (readonly number[])[];
}

/** Q[given][true]: the joint distribution of given and true labels, summing to 1. */
export function estimateJoint(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  options: EstimateJointOptions = {},
): number[][] {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'no' });
  return estimateJointUnchecked(labels, predProbs, numClasses, options);
}

export function estimateJointUnchecked(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  numClasses: number,
  options: EstimateJointOptions = {},
): number[][] {
  if (options.confidentJoint && options.confidentJoint.length !== numClasses) {
    throw new Error(
      `confidentJoint is ${options.confidentJoint.length}×${options.confidentJoint.length} but there are ${numClasses} classes.`,
    );
  }
  const calibrated = options.confidentJoint
    ? calibrateConfidentJoint(options.confidentJoint, labels, 'row-major')
    : confidentJointUnchecked(labels, predProbs, numClasses, { thresholds: options.thresholds }).confidentJoint;
  const k = calibrated.length;
  const total = numpySumBy(k * k, (idx) => calibrated[Math.floor(idx / k)][idx % k]);
  return calibrated.map((row) => row.map((c) => c / Math.max(total, TINY)));
}
