/**
 * The calibration mode's plain-words reading of one result (issue 24). Every sentence about the outcome is
 * chosen by the measured numbers, so the page never claims a result the text did not give: the seed's claim
 * ("MC dropout makes the model less over-confident") is checked against this run and called supported, not
 * supported or mixed, and always as a statement about this model and this text.
 */
import type {
  CalibrationFigures,
  CalibrationResult,
  CalibrationSummary,
  CertaintyMeasure,
} from '../contracts/calibration';

export type ClaimVerdict = 'supported' | 'not-supported' | 'mixed' | 'not-over-confident';

export interface CalibrationReading {
  verdict: ClaimVerdict;
  /** Sentences about this run's numbers, in reading order. */
  findings: string[];
}

/** What each figure means, the same for every run (definitions, not results). */
export const FIGURE_MEANINGS: readonly { term: string; meaning: string }[] = [
  { term: 'accuracy', meaning: 'how often the most probable word piece was the right one.' },
  {
    term: 'mean confidence',
    meaning:
      'the average probability the model gave its own top guess. Above the accuracy means over-confident, below means under-confident.',
  },
  {
    term: 'ECE (expected calibration error)',
    meaning:
      'positions are grouped by confidence; in each group the gap between confidence and accuracy is taken, weighted by the group’s size. 0 is perfectly calibrated. Equal-width groups split confidence into even steps; equal-mass groups hold the same number of positions each.',
  },
  {
    term: 'NLL (negative log-likelihood)',
    meaning: 'the average of −log p(right word piece), in nats: lower is better, and being sure and wrong costs a lot.',
  },
  {
    term: 'Brier score',
    meaning: 'the squared distance between the probabilities and the right answer: lower is better.',
  },
  {
    term: 'temperature scaling',
    meaning:
      'one number T that softens (T > 1) or sharpens (T < 1) the dropout-off probabilities, fitted on half the positions and scored on the other half: the standard fix to compare MC dropout against.',
  },
  {
    term: 'accuracy–coverage area',
    meaning:
      'set aside the least certain positions first and measure the accuracy of the rest; the area is the mean accuracy over every fraction kept. Higher means the ranking puts the wrong guesses last.',
  },
  {
    term: 'AUROC',
    meaning:
      'the chance that a wrong guess looks less certain than a right one under the ranking: 0.5 is no better than a coin, 1 is perfect.',
  },
];

const MEASURE_NAMES: Record<CertaintyMeasure, string> = {
  maxProbability: 'max probability',
  predictiveEntropy: 'predictive entropy',
  mutualInformation: 'mutual information',
};

const f3 = (v: number) => v.toFixed(3);
const gap = (f: CalibrationFigures) => f.meanConfidence - f.accuracy;

function confidenceSentence(name: string, f: CalibrationFigures): string {
  const g = gap(f);
  const kind = g > 0 ? 'over-confident' : g < 0 ? 'under-confident' : 'exactly as confident as it was right';
  return `${name}: right on ${(100 * f.accuracy).toFixed(1)}% with a mean confidence of ${(100 * f.meanConfidence).toFixed(1)}%, so ${g === 0 ? kind : `${kind} by ${(100 * Math.abs(g)).toFixed(1)} points`} (ECE ${f3(f.eceWidth)}, NLL ${f3(f.nll)}).`;
}

/** The reading of a summary: the verdict on the seed's claim and the sentences behind it. */
export function readCalibration(summary: CalibrationSummary): CalibrationReading {
  const { off, mc, temperature } = summary.test;
  const findings: string[] = [
    `On the ${off.count} test positions (the half temperature scaling was not fitted on):`,
    confidenceSentence('Dropout off', off),
    confidenceSentence('MC dropout (mean of the samples)', mc),
  ];

  const lowerEce = mc.eceWidth < off.eceWidth;
  const lowerNll = mc.nll < off.nll;
  const smallerGap = gap(mc) < gap(off);
  let verdict: ClaimVerdict;
  if (gap(off) <= 0) {
    verdict = 'not-over-confident';
    findings.push(
      'With dropout off the model was not over-confident on this text, so there was no over-confidence for MC dropout to reduce; the claim cannot be tested here.',
    );
  } else if (smallerGap && lowerEce && lowerNll) {
    verdict = 'supported';
    findings.push(
      `Here the claim holds: MC dropout narrowed the gap between confidence and accuracy, and lowered the ECE (${f3(off.eceWidth)} → ${f3(mc.eceWidth)}) and the NLL (${f3(off.nll)} → ${f3(mc.nll)}).`,
    );
  } else if (!smallerGap && !lowerEce && !lowerNll) {
    verdict = 'not-supported';
    findings.push(
      `Here the claim does not hold: MC dropout did not narrow the gap, and the ECE (${f3(off.eceWidth)} → ${f3(mc.eceWidth)}) and NLL (${f3(off.nll)} → ${f3(mc.nll)}) did not fall.`,
    );
  } else {
    verdict = 'mixed';
    findings.push(
      `Here the evidence is mixed: with MC dropout the gap ${smallerGap ? 'narrowed' : 'did not narrow'}, the ECE ${lowerEce ? 'fell' : 'did not fall'} (${f3(off.eceWidth)} → ${f3(mc.eceWidth)}) and the NLL ${lowerNll ? 'fell' : 'did not fall'} (${f3(off.nll)} → ${f3(mc.nll)}).`,
    );
  }
  if (mc.accuracy !== off.accuracy)
    findings.push(
      `The MC mean was also ${mc.accuracy > off.accuracy ? 'more' : 'less'} often right (${(100 * off.accuracy).toFixed(1)}% → ${(100 * mc.accuracy).toFixed(1)}%), so part of any change is a change in the guesses, not only in their confidence.`,
    );

  const t = summary.temperature.temperature;
  findings.push(
    `Temperature scaling fitted T = ${t.toFixed(2)} (${t > 1 ? 'softening' : t < 1 ? 'sharpening' : 'leaving'} the dropout-off probabilities) and reached ECE ${f3(temperature.eceWidth)} and NLL ${f3(temperature.nll)}: ${
      temperature.eceWidth < mc.eceWidth
        ? 'better calibrated than MC dropout, at the cost of one forward pass instead of T'
        : 'MC dropout was at least as well calibrated as this one-number fix'
    }.`,
  );

  const best = [...summary.selective.mc].sort((a, b) => b.area - a.area)[0];
  if (best) {
    const auroc = best.auroc === null ? '' : ` (AUROC ${f3(best.auroc)} for telling wrong guesses from right)`;
    findings.push(
      `For abstaining, ranking the MC predictions by ${MEASURE_NAMES[best.measure]} set the wrong guesses aside best: area ${f3(best.area)}${auroc}, against an accuracy of ${f3(mc.accuracy)} when every position is kept.`,
    );
  }

  findings.push(
    `This is a statement about this model on this text with these settings, measured on ${off.count} positions, not a law: another text, another model, another T or p (and chance, on a short text) can give a different answer. MC dropout is not guaranteed to help; it often does not when the model was trained without dropout or when the text is far from what the model was trained on.`,
  );
  return { verdict, findings };
}

/**
 * The tour's answer to "how does MC dropout reduce over-confidence?" from one measured run: what was scored and
 * how, the dropout-off and MC-dropout figures on the test half, and the verdict sentence, all taken from
 * readCalibration, so the tour quotes exactly what the calibration panel below it shows.
 */
export function measuredAnswer(result: CalibrationResult): string {
  const { findings } = readCalibration(result.summary);
  const unit = result.task === 'classification' ? 'rows' : 'word pieces';
  const layers = result.settings.stochasticLayers === 'all' ? 'every layer' : 'the last layer only';
  // findings: [the test half, dropout off, MC dropout, the verdict, …]
  return `Measured just now on ${result.positions.trueId.length} ${unit} (T = ${result.settings.samples}, p = ${result.settings.dropout}, dropout in ${layers}), scored on the ${result.summary.test.off.count} the temperature was not fitted on. ${findings.slice(1, 4).join(' ')}`;
}
