import type { McBatchResult, McPredictionResult } from '../../core/contracts/uncertainty';

type Table = { header: string[]; rows: (string | number | boolean | null)[][] };

const settingsColumns = (result: { settings: McPredictionResult['settings'] }) => [
  result.settings.seed,
  result.settings.dropout,
  result.settings.stochasticLayers === 'all' ? 'all' : `last ${result.settings.stochasticLayers.lastK}`,
  result.settings.sites.join('+'),
];
const settingsHeader = ['seed', 'p', 'stochastic_layers', 'sites'];

/** Every sample's probability of every shown class/candidate, long format: one row per (sample, label). */
export function samplesTable(result: McPredictionResult): Table {
  const k = result.labels.length;
  const T = result.samples.length / k;
  const rows: Table['rows'] = [];
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < k; j++)
      rows.push([t + 1, result.labels[j], result.ids[j], result.samples[t * k + j], ...settingsColumns(result)]);
  }
  return {
    header: ['sample', result.task === 'fill-mask' ? 'token' : 'class', 'id', 'probability', ...settingsHeader],
    rows,
  };
}

/** Mean, spread and the dropout-off value per shown class/candidate. */
export function candidatesTable(result: McPredictionResult): Table {
  return {
    header: [
      'rank',
      result.task === 'fill-mask' ? 'token' : 'class',
      'id',
      'mean',
      'std',
      'deterministic',
      'samples',
      ...settingsHeader,
    ],
    rows: result.labels.map((label, j) => [
      j + 1,
      label,
      result.ids[j],
      result.mean[j],
      result.std[j],
      result.deterministic[j],
      result.samples.length / result.labels.length,
      ...settingsColumns(result),
    ]),
  };
}

export function convergenceTable(result: McPredictionResult): Table {
  const r = result.running;
  return {
    header: ['t', `mean_probability_${r.label}`, 'predictive_entropy', 'expected_entropy', 'mutual_information'],
    rows: Array.from(r.meanOfClass, (_, t) => [
      t + 1,
      r.meanOfClass[t],
      r.predictiveEntropy[t],
      r.expectedEntropy[t],
      r.mutualInformation[t],
    ]),
  };
}

export function batchTable(batch: McBatchResult, order: number[], givenLabels: string[] | null): Table {
  return {
    header: [
      'rank',
      'input',
      'text',
      'prediction',
      'mean_probability',
      'mutual_information',
      'predictive_entropy',
      'expected_entropy',
      'variation_ratio',
      'deterministic',
      'given_label',
      'error',
    ],
    rows: order.map((index, rank) => {
      const item = batch.items[index];
      const s = item.summary;
      return [
        rank + 1,
        index + 1,
        item.text,
        s?.predictedLabel ?? null,
        s?.predictedProbability ?? null,
        s?.mutualInformation ?? null,
        s?.predictiveEntropy ?? null,
        s?.expectedEntropy ?? null,
        s?.variationRatio ?? null,
        s?.deterministicLabel ?? null,
        givenLabels?.[index] ?? null,
        item.error,
      ];
    }),
  };
}

/** The whole single-input result as JSON (typed arrays as plain arrays). */
export function resultJson(result: McPredictionResult, model: string, text: string): string {
  return JSON.stringify(
    {
      model,
      text,
      task: result.task,
      tokens: result.tokens,
      maskPosition: result.maskPosition,
      settings: result.settings,
      run: result.run,
      labels: result.labels,
      ids: result.ids,
      mean: Array.from(result.mean),
      std: Array.from(result.std),
      deterministic: Array.from(result.deterministic),
      deterministicTop: result.deterministicTop,
      summary: result.summary,
      samples: Array.from({ length: result.samples.length / result.labels.length }, (_, t) =>
        Array.from(result.samples.subarray(t * result.labels.length, (t + 1) * result.labels.length)),
      ),
      running: {
        label: result.running.label,
        meanOfClass: Array.from(result.running.meanOfClass),
        predictiveEntropy: Array.from(result.running.predictiveEntropy),
        expectedEntropy: Array.from(result.running.expectedEntropy),
        mutualInformation: Array.from(result.running.mutualInformation),
      },
    },
    null,
    1,
  );
}
