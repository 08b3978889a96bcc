/**
 * The guided tour: a short walk through the four tools, each step tied to a live view (link
 * parameters the step sets) and to the question it answers. Plain words, a few sentences each.
 */

export type TourAction =
  | 'run-uncertainty'
  | 'run-uncertainty-and-calibration'
  | 'run-next-token'
  | 'run-analogy'
  | 'load-label-example'
  | 'run-labels'
  | 'train-head';

export interface TourStep {
  id: string;
  /** The big question this step belongs to. */
  question: string;
  title: string;
  /** What to look at and what it means, in two to four sentences. */
  body: string;
  /** View state the step sets (link parameters; everything else stays as the user has it). */
  state: Record<string, string>;
  /**
   * What the step runs once the view is set, so the user sees a result, not an empty panel. Attention
   * steps need none: the attention tool reruns by itself when its text or toggles change.
   */
  action?: TourAction;
  /**
   * A built-in model the step needs (the decoder step); the tour loads it for the step and loads the
   * user's own model back for the other steps and when it closes. Without it, the step uses the user's model.
   */
  model?: string;
  /**
   * The step quotes a live measurement: 'calibration', the calibration panel's run (its action starts it), read
   * out in the tour panel as it finishes, so the figures quoted are this model's own, never fixed prose.
   */
  measured?: 'calibration';
}

/** The built-in decoder the tour's decoder step loads. */
export const TOUR_DECODER = 'playground-gpt-mini';

export const TOUR_QUESTIONS = {
  bayes: 'In what sense do attention and dropout make a transformer a Bayesian model?',
  overconfidence: 'How does MC dropout reduce over-confidence?',
  analogies: 'Can a transformer do word analogies — and why or why not?',
  labels: 'How does a transformer help find bad labels?',
  overfitting: 'Why does dropout, read as Bayesian, reduce overfitting in training?',
} as const;

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'attention-grid',
    question: TOUR_QUESTIONS.bayes,
    title: 'Every head, every layer',
    body: 'Each thumbnail is one attention head: row i shows where token i looks. Some heads look at the previous word, some at [SEP], some spread out. Click a thumbnail to open it.',
    state: {
      tool: 'attention',
      view: 'model',
      text: 'The cat sat on the mat because it was tired.',
      pair: '0',
      hideSpecial: '0',
      avgHeads: '0',
      rollout: '0',
    },
  },
  {
    id: 'attention-distribution',
    question: TOUR_QUESTIONS.bayes,
    title: 'Attention is a probability distribution',
    body: 'One query token\'s row: a softmax, so the bars are non-negative and sum to 1, a posterior over "which position holds what I need". Low entropy: the head is sure. Many heads park probability on [CLS] or [SEP] when nothing fits; tick "Hide special tokens" to see what remains.',
    state: { tool: 'attention', view: 'row', attnLayer: '2', attnHead: '1', hideSpecial: '0' },
  },
  {
    id: 'dropout-samples',
    question: TOUR_QUESTIONS.bayes,
    title: 'Dropout kept on: many networks in one',
    body: 'With dropout on at inference every pass drops different units: each pass is a sample from an approximate posterior over networks (Gal & Ghahramani 2016). The bars show the mean over T samples and their spread.',
    state: {
      tool: 'uncertainty',
      mcMode: 'single',
      mcTask: 'fill-mask',
      mcText: 'The cat sat on the [MASK] and looked out of the window.',
      T: '32',
      seed: '1',
      lastK: '0',
    },
    action: 'run-uncertainty',
  },
  {
    id: 'attention-under-dropout',
    question: TOUR_QUESTIONS.bayes,
    title: 'How sure is a head of where to look?',
    body: 'The two halves together: the same dropout, now on the attention itself. The mean of 32 samples sits beside the attention with dropout off, and the orange map shows how much each weight moves. Sort the per-head table by JS divergence: stable heads route the same way in every sample; unstable ones are not fixed by the input.',
    state: {
      tool: 'attention',
      attnDropout: 'mc',
      view: 'matrix',
      attnLayer: '4',
      attnHead: '1',
      attnT: '32',
      attnSeed: '1',
    },
  },
  {
    id: 'dropout-overconfidence',
    question: TOUR_QUESTIONS.overconfidence,
    title: 'One pass is sure; is the average honest?',
    body: 'A single pass often puts most probability on one class; the MC mean spreads it. Is that more honest? Below, every word piece of a sample text from outside the training sources is masked in turn and the confidence compared with how often the model was right (dropout in the last layer only here, for speed).',
    state: {
      tool: 'uncertainty',
      mcMode: 'single',
      mcTask: 'classification',
      mcClassText: 'It was green and it moved slowly.',
      T: '64',
      seed: '7',
      calOpen: '1',
      calSource: 'text',
      calLayers: 'last-layer',
      calT: '8',
      calP: '',
      calSeed: '1',
      calBins: '10',
    },
    action: 'run-uncertainty-and-calibration',
    measured: 'calibration',
  },
  {
    id: 'dropout-epistemic',
    question: TOUR_QUESTIONS.overconfidence,
    title: 'Not knowing vs. noise',
    body: 'Mutual information (BALD) is the part of the uncertainty that comes from disagreement between samples: what more data would fix. Rank a batch by it; the convergence plot shows how many samples the estimate needs.',
    state: { tool: 'uncertainty', mcMode: 'batch', mcTask: 'classification', T: '32', rank: 'mutualInformation' },
    action: 'run-uncertainty',
  },
  {
    id: 'decoder-next-token',
    question: TOUR_QUESTIONS.overconfidence,
    title: 'A text generator that can say "I am guessing"',
    body: `This step loads the built-in text generator, ${TOUR_DECODER}, which writes one word piece at a time. After "She opened the box and found a" many words fit. With dropout kept on, the samples disagree: see how far each bar spreads, and the mutual information, the share of the uncertainty due to that disagreement. Your own model returns after this step.`,
    state: {
      tool: 'uncertainty',
      decMode: 'next-token',
      decPrompt: 'She opened the box and found a',
      decT: '32',
      decP: '',
      decSeed: '1',
      decSites: 'attention,hidden',
    },
    action: 'run-next-token',
    model: TOUR_DECODER,
  },
  {
    id: 'analogy-offsets',
    question: TOUR_QUESTIONS.analogies,
    title: "king − man + woman on the model's own embeddings",
    body: "The query is vector arithmetic: start at king, subtract man, add woman, take the nearest word by cosine. Compare the transformer's token embeddings with the static word vectors shipped beside it.",
    state: { tool: 'analogy', analogy: 'man,woman,king', method: '3CosAdd', spaces: 'token,static', center: '0' },
    action: 'run-analogy',
  },
  {
    id: 'analogy-why-hard',
    question: TOUR_QUESTIONS.analogies,
    title: 'Why transformers find it hard',
    body: 'Input embeddings are trained to be read by attention, not to be a geometric map of meaning; rare words are split into pieces; and all vectors lean the same way (anisotropy). Tick "Mean-centre" and 3CosMul and see what changes.',
    state: {
      tool: 'analogy',
      analogy: 'france,paris,japan',
      method: '3CosMul',
      spaces: 'token,contextual,static',
      center: '1',
    },
    action: 'run-analogy',
  },
  {
    id: 'labels-example',
    question: TOUR_QUESTIONS.labels,
    title: 'A labelled set with planted mistakes',
    body: 'The example holds WordNet glosses labelled by topic, some labels deliberately wrong. The model embeds every row; a classifier trained on the other folds gives each row probabilities it never saw its own label for.',
    state: { tool: 'labels', features: 'embeddings', folds: '5' },
    action: 'load-label-example',
  },
  {
    id: 'labels-confident-learning',
    question: TOUR_QUESTIONS.labels,
    title: 'Confident learning flags the suspects',
    body: "A row is flagged when the out-of-sample probability of another class beats that class's own average confidence (Northcutt et al. 2021). Review the flagged rows first: accept the suggested label, keep yours, or drop the row, then export the cleaned set.",
    state: { tool: 'labels' },
    action: 'run-labels',
  },
  {
    id: 'head-dropout-overfitting',
    question: TOUR_QUESTIONS.overfitting,
    title: 'Watch dropout fight overfitting',
    body: "Two small heads learn the labels from the frozen embeddings: A without dropout, B with p = 0.5. Watch A's held-out loss (dashed) turn and rise after the marked epoch while its training loss falls to zero; B's curves stay closer. Dropout trains an ensemble of thinned networks sharing weights.",
    state: { tool: 'labels', headData: '25', pInA: '0', pHidA: '0', pInB: '0.5', pHidB: '0.5' },
    action: 'train-head',
  },
];
