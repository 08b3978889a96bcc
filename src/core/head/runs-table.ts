/**
 * The "train a head" results table: one row per finished run with its settings and final figures, kept across
 * runs so a workshop can compare p = 0 with p = 0.5, 5% of the data with 100%, and so on; exported as CSV or JSON.
 */
import type { HeadRunCurve, HeadTrainingResult } from '../contracts/head';

export interface HeadTableRow {
  /** 1-based, in the order runs finished. */
  id: number;
  run: string;
  modelLabel: string | null;
  data: string;
  head: string;
  optimiser: string;
  learningRate: number;
  epochs: number;
  batchSize: number;
  seed: number;
  dataPercent: number;
  trainRows: number;
  heldOutRows: number;
  inputDropout: number;
  hiddenDropout: number;
  weightDecay: number;
  finalTrainLoss: number;
  finalTrainAccuracy: number;
  finalHeldOutLoss: number;
  finalHeldOutAccuracy: number;
  /** Final held-out loss minus final training loss: how much the head memorised. */
  lossGap: number;
  bestEpoch: number;
  bestHeldOutLoss: number;
  /** MC dropout on the trained head (probabilities averaged over passes with dropout on); null for a run without dropout. */
  mcHeldOutLoss: number | null;
  mcHeldOutAccuracy: number | null;
}

export function tableRowsOf(result: HeadTrainingResult, dataName: string, firstId: number): HeadTableRow[] {
  const { options } = result;
  return result.runs.map((curve: HeadRunCurve, k) => {
    const last = curve.epochs.at(-1);
    const best = curve.epochs[curve.bestEpoch - 1];
    const r = curve.regularisation;
    return {
      id: firstId + k,
      run: r.name,
      modelLabel: result.modelLabel,
      data: dataName,
      head: options.model === 'mlp' ? `MLP (${options.hiddenWidth} hidden)` : 'logistic regression',
      optimiser: options.optimiser === 'adam' ? 'Adam' : 'SGD',
      learningRate: options.learningRate,
      epochs: curve.epochs.length,
      batchSize: options.batchSize,
      seed: options.seed,
      dataPercent: Math.round(options.dataFraction * 100),
      trainRows: result.trainRows,
      heldOutRows: result.heldOutRows,
      inputDropout: r.inputDropout,
      hiddenDropout: options.model === 'mlp' ? r.hiddenDropout : 0,
      weightDecay: r.weightDecay,
      finalTrainLoss: last?.trainLoss ?? NaN,
      finalTrainAccuracy: last?.trainAccuracy ?? NaN,
      finalHeldOutLoss: last?.heldOutLoss ?? NaN,
      finalHeldOutAccuracy: last?.heldOutAccuracy ?? NaN,
      lossGap: last ? last.heldOutLoss - last.trainLoss : NaN,
      bestEpoch: curve.bestEpoch,
      bestHeldOutLoss: best?.heldOutLoss ?? NaN,
      mcHeldOutLoss: curve.mcHeldOut?.loss ?? null,
      mcHeldOutAccuracy: curve.mcHeldOut?.accuracy ?? null,
    };
  });
}

/** What a run regularised with, in words (the runs table and the head's label say it the same way). */
export function regulariserText(row: Pick<HeadTableRow, 'inputDropout' | 'hiddenDropout' | 'weightDecay'>): string {
  return (
    [
      row.inputDropout > 0 ? `input p ${row.inputDropout}` : '',
      row.hiddenDropout > 0 ? `hidden p ${row.hiddenDropout}` : '',
      row.weightDecay > 0 ? `λ ${row.weightDecay}` : '',
    ]
      .filter(Boolean)
      .join(', ') || 'none'
  );
}

export const TABLE_COLUMNS: readonly (keyof HeadTableRow)[] = [
  'id',
  'run',
  'modelLabel',
  'data',
  'head',
  'optimiser',
  'learningRate',
  'epochs',
  'batchSize',
  'seed',
  'dataPercent',
  'trainRows',
  'heldOutRows',
  'inputDropout',
  'hiddenDropout',
  'weightDecay',
  'finalTrainLoss',
  'finalTrainAccuracy',
  'finalHeldOutLoss',
  'finalHeldOutAccuracy',
  'lossGap',
  'bestEpoch',
  'bestHeldOutLoss',
  'mcHeldOutLoss',
  'mcHeldOutAccuracy',
];

export function tableCsv(rows: readonly HeadTableRow[]): { header: string[]; rows: (string | number | null)[][] } {
  return { header: [...TABLE_COLUMNS], rows: rows.map((row) => TABLE_COLUMNS.map((column) => row[column])) };
}

export function tableJson(rows: readonly HeadTableRow[]): string {
  return JSON.stringify({ kind: 'transformer-playground/head-runs', version: 1, runs: rows }, null, 2);
}
