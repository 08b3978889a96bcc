/**
 * The two matrices the label audit shows as a heatmap, with the words that say what they are.
 *
 * - estimated: confident learning's estimate of how labels were corrupted, the calibrated confident
 *   joint C[given][true] (Northcutt et al. 2021, eq. 3) in row counts. Row k sums to the rows labelled k.
 * - flagged: only the rows flagged as label issues, by given label and the model's suggested label.
 */
import { computeConfidentJoint } from './confident-joint';

export type NoiseMatrixView = 'estimated' | 'flagged';

export interface NoiseMatrices {
  /** Calibrated confident joint C[given][estimated true label], integer counts. */
  confidentJoint: number[][];
  /** Flagged rows by given label × suggested label. */
  flaggedConfusion: number[][];
}

/** What an audit output keeps; results saved before the matrices were stored lack them. */
export interface AuditArrays extends Partial<NoiseMatrices> {
  numClasses: number;
  givenLabels: ArrayLike<number>;
  /** [rows × numClasses] row-major, out-of-sample. */
  probabilities: Float64Array;
  suggestedLabels: ArrayLike<number>;
  isIssue: ArrayLike<number>;
}

/** The stored matrices, or (for a result saved before they were stored) the same matrices recomputed from its arrays. */
export function noiseMatricesOf(output: AuditArrays): NoiseMatrices {
  if (output.confidentJoint && output.flaggedConfusion) {
    return { confidentJoint: output.confidentJoint, flaggedConfusion: output.flaggedConfusion };
  }
  const k = output.numClasses;
  const labels = Array.from(output.givenLabels);
  const rows = labels.map((_, i) => output.probabilities.subarray(i * k, (i + 1) * k));
  const flaggedConfusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  labels.forEach((given, i) => {
    if (output.isIssue[i] === 1) flaggedConfusion[given][output.suggestedLabels[i]]++;
  });
  return {
    confidentJoint: output.confidentJoint ?? computeConfidentJoint(labels, rows),
    flaggedConfusion: output.flaggedConfusion ?? flaggedConfusion,
  };
}

export interface NoiseMatrixDisplay {
  view: NoiseMatrixView;
  title: string;
  rowAxis: string;
  columnAxis: string;
  /** One or two plain sentences under the heatmap. */
  caption: string;
  /** counts[row][column]: exactly what the heatmap draws. */
  counts: number[][];
  /** Tooltip of one cell. */
  cellTitle: (given: string, other: string, count: number) => string;
}

const rowsWord = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

export function noiseMatrixDisplay(view: NoiseMatrixView, matrices: NoiseMatrices): NoiseMatrixDisplay {
  if (view === 'estimated') {
    return {
      view,
      title: 'Estimated noise matrix (confident learning)',
      rowAxis: 'given label',
      columnAxis: 'estimated true label',
      caption:
        'How many rows of each given label confident learning estimates truly belong to each class (the calibrated confident joint). ' +
        'Each row adds up to the rows with that label; off-diagonal cells are the estimated label errors.',
      counts: matrices.confidentJoint,
      cellTitle: (given, other, count) => `given ${given}, estimated truly ${other}: ${rowsWord(count)}`,
    };
  }
  return {
    view,
    title: 'Flagged rows: given × suggested label',
    rowAxis: 'given label',
    columnAxis: 'suggested label',
    caption:
      'Only the rows flagged as likely label errors, counted by their given label and the label the model suggests. ' +
      'Unlike the estimated noise matrix, these are the individual rows listed in the table.',
    counts: matrices.flaggedConfusion,
    cellTitle: (given, other, count) => `given ${given}, suggested ${other}: ${rowsWord(count)} flagged`,
  };
}

/** The displayed matrix as a table for CSV export: one row per given label, one column per class. */
export function noiseMatrixTable(
  classes: readonly string[],
  display: NoiseMatrixDisplay,
): { header: string[]; rows: (string | number)[][] } {
  return {
    header: [`${display.rowAxis} \\ ${display.columnAxis}`, ...classes],
    rows: display.counts.map((row, i) => [classes[i], ...row]),
  };
}

/** The displayed matrix as JSON, labelled so the file explains itself. */
export function noiseMatrixJson(classes: readonly string[], display: NoiseMatrixDisplay): string {
  return JSON.stringify(
    {
      matrix: display.title,
      description: display.caption,
      rows: display.rowAxis,
      columns: display.columnAxis,
      classes,
      counts: display.counts,
    },
    null,
    1,
  );
}
