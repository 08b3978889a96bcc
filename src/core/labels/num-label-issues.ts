/**
 * How many label issues to expect, and the guard every filter applies last: a row is only an issue
 * if its given label is not (within float slack) the model's top prediction.
 */
import { argmaxFirst, numpySumBy, roundHalfEven } from './numeric';
import { confidentJointUnchecked, estimateJointUnchecked } from './confident-joint';
import { validateLabelInputs, type ProbabilityRows } from './validation';

/** Boost for the given label before re-taking the argmax, so near-ties resolve toward the label. */
const GIVEN_LABEL_BOOST = 1e-6;

/** True when the given label wins the argmax after a 1e-6 boost: such rows are never flagged. */
export function givenLabelIsTopPrediction(row: ArrayLike<number>, label: number): boolean {
  const boosted = row[label] + GIVEN_LABEL_BOOST;
  // First-index argmax of the boosted row equals the label iff no earlier class reaches the boosted
  // value and no later class exceeds it (NaN anywhere wins the argmax in numpy).
  if (Number.isNaN(boosted)) return argmaxFirst(row) === label;
  for (let k = 0; k < row.length; k++) {
    if (k === label) continue;
    const v = row[k];
    if (Number.isNaN(v) || (k < label ? v >= boosted : v > boosted)) return false;
  }
  return true;
}

export type NumLabelIssuesMethod = 'off_diagonal' | 'off_diagonal_calibrated';

export function numLabelIssues(
  labels: readonly number[],
  predProbs: ProbabilityRows,
  method: NumLabelIssuesMethod = 'off_diagonal',
): number {
  const numClasses = validateLabelInputs(labels, predProbs, { allowSingleClass: 'only-all-zero' });
  if (method === 'off_diagonal_calibrated') {
    const joint = estimateJointUnchecked(labels, predProbs, numClasses);
    const trace = numpySumBy(joint.length, (k) => joint[k][k]);
    return roundHalfEven((1 - trace) * labels.length);
  }
  const { offDiagonalIndices } = confidentJointUnchecked(labels, predProbs, numClasses, { calibrate: false });
  return offDiagonalIndices.filter((i) => !givenLabelIsTopPrediction(predProbs[i], labels[i])).length;
}
