/**
 * Controls a teacher can hide for a lesson (the TensorFlow Playground's `_hide` idea). Hidden ones are
 * part of the shared state, so every participant who opens the link sees the same reduced page.
 * Each is found by its test id, and hidden together with the label around it (or by a `data-hide` mark on a group).
 */
export interface HideableControl {
  id: string;
  label: string;
  group: string;
}

const control = (group: string, id: string, label: string): HideableControl => ({ id, label, group });

export const HIDEABLE_CONTROLS: readonly HideableControl[] = [
  control('Page', 'model-panel', 'Model panel (source, execution provider, cache)'),
  control('Page', 'tab-attention', 'Attention tab'),
  control('Page', 'tab-uncertainty', 'Uncertainty tab'),
  control('Page', 'tab-analogy', 'Word analogies tab'),
  control('Page', 'tab-labels', 'Label audit tab'),
  control('Page', 'tab-model', 'Model & tokenizer tab'),
  control('Attention', 'pair-toggle', 'Sentence pair'),
  control('Attention', 'hide-special', 'The "hide special tokens" checkbox'),
  control('Attention', 'layer-select', 'Layer'),
  control('Attention', 'head-select', 'Head'),
  control('Uncertainty', 'mc-mode', 'One input / batch'),
  control('Uncertainty', 'mc-samples', 'Samples T'),
  control('Uncertainty', 'mc-dropout', 'Dropout p'),
  control('Uncertainty', 'mc-sites', 'Dropout sites'),
  control('Uncertainty', 'mc-layers', 'Stochastic layers'),
  control('Uncertainty', 'mc-seed', 'Seed and "New seed"'),
  control('Word analogies', 'analogy-method', 'Method (3CosAdd / 3CosMul)'),
  control('Word analogies', 'analogy-k', 'Top-k'),
  control('Word analogies', 'analogy-centered', 'Mean-centring'),
  control('Word analogies', 'analogy-include-query', 'Show query words'),
  control('Word analogies', 'analogy-whole-words', 'Whole words only'),
  control('Label audit', 'labels-filter-by', 'Confident-learning filter'),
];

/** CSS that hides the chosen controls: the element with the test id and the label or fieldset around it. */
export function hiddenControlsCss(hidden: readonly string[]): string {
  const known = new Set(HIDEABLE_CONTROLS.map((c) => c.id));
  const selectors = hidden
    .filter((id) => known.has(id))
    .flatMap((id) => [`[data-hide="${id}"]`, `[data-testid="${id}"]`, `label:has([data-testid="${id}"])`]);
  return selectors.length === 0 ? '' : `${selectors.join(',\n')} { display: none !important; }`;
}
