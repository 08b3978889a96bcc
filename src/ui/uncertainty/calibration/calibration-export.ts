/**
 * The calibration mode's downloads (issue 24): one row per scored position, the summary figures as a table,
 * and the whole result as JSON. The tables go through the shared ExportMenu (CSV via core/table/csv).
 */
import {
  CALIBRATION_METHODS,
  type CalibrationFigures,
  type CalibrationResult,
  type SelectiveCurve,
} from '../../../core/contracts/calibration';

type Cell = string | number | boolean | null;
export type ExportTable = { header: string[]; rows: Cell[][] };

/**
 * Every position: where it is, whether each prediction was right, each method's confidence (its top-1
 * probability), the probability of the true token, the entropies and the mutual information. `half` says
 * whether temperature scaling was fitted on the position ('fit') or scored on it ('test').
 */
export function positionsTable(result: CalibrationResult): ExportTable {
  const p = result.positions;
  const rows: Cell[][] = [];
  for (let i = 0; i < p.trueId.length; i++)
    rows.push([
      p.text[i] + 1,
      p.position[i],
      p.token[i],
      p.trueId[i],
      p.fit[i] ? 'fit' : 'test',
      p.off.top1[i] === p.trueId[i],
      p.mc.top1[i] === p.trueId[i],
      p.off.maxProb[i],
      p.mc.maxProb[i],
      p.temperature.maxProb[i],
      p.off.trueProb[i],
      p.mc.trueProb[i],
      p.temperature.trueProb[i],
      p.off.entropy[i],
      p.mc.entropy[i],
      p.mc.expectedEntropy[i],
      p.mc.mutualInformation[i],
    ]);
  return {
    // A classification run's positions are the label tool's rows (numbered from 1) and their labels.
    header: [
      ...(result.task === 'classification'
        ? ['row', 'position', 'label', 'label_id']
        : ['text', 'position', 'token', 'token_id']),
      'half',
      'correct_dropout_off',
      'correct_mc',
      'confidence_dropout_off',
      'confidence_mc',
      'confidence_temperature_scaled',
      'p_true_dropout_off',
      'p_true_mc',
      'p_true_temperature_scaled',
      'entropy_dropout_off',
      'predictive_entropy_mc',
      'expected_entropy_mc',
      'mutual_information_mc',
    ],
    rows,
  };
}

const FIGURE_COLUMNS = ['count', 'accuracy', 'meanConfidence', 'eceWidth', 'eceMass', 'nll', 'brier'] as const;
const figureCells = (f: CalibrationFigures) => FIGURE_COLUMNS.map((c) => f[c]);

/**
 * The summary as one long table: a row per (positions, method) of calibration figures, then a row per
 * (method, measure) of selective prediction. Columns that do not apply to a row are empty.
 */
export function summaryTable(result: CalibrationResult): ExportTable {
  const s = result.summary;
  const { samples, dropout, seed } = result.settings;
  const settings = [s.bins, samples, dropout, seed, s.temperature.temperature];
  const empty = (n: number) => Array.from({ length: n }, () => null);
  const rows: Cell[][] = [];
  for (const method of ['off', 'mc'] as const)
    rows.push(['figures', 'all', method, null, ...figureCells(s.all[method]), null, null, ...settings]);
  for (const method of CALIBRATION_METHODS)
    rows.push(['figures', 'test', method, null, ...figureCells(s.test[method]), null, null, ...settings]);
  const selectiveRow = (method: string, curve: SelectiveCurve): Cell[] => [
    'selective',
    'all',
    method,
    curve.measure,
    curve.accuracy.length,
    ...empty(FIGURE_COLUMNS.length - 1),
    curve.area,
    curve.auroc,
    ...settings,
  ];
  for (const curve of s.selective.off) rows.push(selectiveRow('off', curve));
  for (const curve of s.selective.mc) rows.push(selectiveRow('mc', curve));
  return {
    header: [
      'kind',
      'positions',
      'method',
      'measure',
      'count',
      'accuracy',
      'mean_confidence',
      'ece_equal_width',
      'ece_equal_mass',
      'nll',
      'brier',
      'area_accuracy_coverage',
      'auroc_wrong_vs_right',
      'bins',
      'samples_T',
      'dropout_p',
      'seed',
      'fitted_temperature',
    ],
    rows,
  };
}

/** Accuracy of the k most certain positions against coverage k / n, one row per (method, measure, k). */
export function coverageTable(result: CalibrationResult): ExportTable {
  const rows: Cell[][] = [];
  for (const method of ['off', 'mc'] as const)
    for (const curve of result.summary.selective[method]) {
      const n = curve.accuracy.length;
      curve.accuracy.forEach((accuracy, k) => rows.push([method, curve.measure, k + 1, (k + 1) / n, accuracy]));
    }
  return { header: ['method', 'measure', 'kept', 'coverage', 'accuracy'], rows };
}

/** Typed arrays become plain arrays, so JSON.stringify writes lists rather than index-keyed objects. */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plain(v)]));
  return value;
}

/** The summary (figures, reliability bins, fitted temperature, selective curves) with the settings. */
export function summaryJson(result: CalibrationResult, model: string): string {
  return JSON.stringify(
    plain({ model, task: result.task, settings: result.settings, run: result.run, summary: result.summary }),
    null,
    1,
  );
}

/** The per-position results as JSON: one object per position, the same fields as the CSV. */
export function positionsJson(result: CalibrationResult, model: string): string {
  const table = positionsTable(result);
  return JSON.stringify(
    {
      model,
      task: result.task,
      settings: result.settings,
      temperature: result.summary.temperature.temperature,
      positions: table.rows.map((row) => Object.fromEntries(table.header.map((h, j) => [h, row[j]]))),
    },
    null,
    1,
  );
}
