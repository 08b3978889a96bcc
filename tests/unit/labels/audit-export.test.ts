import { describe, expect, it } from 'vitest';
import type { LabelAuditOutput } from '../../../src/core/contracts/labels';
import { auditJson, cleanedCsv, DECISION_ACCEPT, DECISION_REMOVE, finalLabel } from '../../../src/core/labels/export';

const result = {
  classes: ['x', 'y'],
  rows: 3,
  numClasses: 2,
  givenLabels: Int32Array.from([0, 1, 0]),
  suggestedLabels: Int32Array.from([1, 1, 0]),
  suggestedProbabilities: Float64Array.from([0.9, 0.8, 0.7]),
  probabilities: Float64Array.from([0.1, 0.9, 0.2, 0.8, 0.7, 0.3]),
  qualityScores: Float64Array.from([0.1, 0.8, 0.7]),
  isIssue: Uint8Array.from([1, 0, 0]),
  ranking: Int32Array.from([0]),
  numIssues: 1,
  confidentJoint: [
    [1, 1],
    [0, 1],
  ],
  flaggedConfusion: [
    [0, 1],
    [0, 0],
  ],
  estimatedJoint: [
    [0.34, 0.33],
    [0, 0.33],
  ],
  classSummaries: [],
  settings: {},
  folds: 2,
  truncatedRows: [2],
  timings: {},
  notes: [],
  modelLabel: 'tiny',
} as unknown as LabelAuditOutput;

describe('label audit export', () => {
  const decisions = Uint8Array.from([DECISION_ACCEPT, 0, DECISION_REMOVE]);

  it('applies accepted suggestions and leaves removed rows out of the cleaned CSV (formula cells escaped)', () => {
    expect(finalLabel(result, decisions, 0)).toBe('y');
    expect(cleanedCsv(result, ['=a', 'b', 'c'], decisions).trim().split(/\r?\n/)).toEqual([
      'text,label',
      "'=a,y",
      'b,y',
    ]);
  });

  it('writes every row with its source row, decision and probabilities into the audit JSON', () => {
    const json = JSON.parse(
      auditJson({ result, sourceRows: Int32Array.from([5, 6, 7]), texts: ['a', 'b', 'c'], decisions, source: 'f.csv' }),
    );
    expect(json.source).toBe('f.csv');
    expect(json.ranking).toEqual([5]);
    expect(json.rows[2]).toMatchObject({ row: 7, decision: 'remove', finalLabel: null, truncated: true });
    expect(json.rows[0].probabilities).toEqual({ x: 0.1, y: 0.9 });
  });
});
