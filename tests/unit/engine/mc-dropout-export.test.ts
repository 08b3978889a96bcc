/** The uncertainty tool's CSV tables: one row per (sample, label), settings on every row, formula-safe via toCsv. */
import { describe, expect, it } from 'vitest';
import type { McPredictionResult } from '../../../src/core/contracts/uncertainty';
import { toCsv } from '../../../src/core/table/csv';
import { candidatesTable, convergenceTable, samplesTable } from '../../../src/ui/uncertainty/uncertainty-export';

const result = {
  task: 'fill-mask',
  labels: ['cat', '=SUM(A1)'],
  ids: [11, 12],
  samples: Float64Array.of(0.5, 0.2, 0.4, 0.3, 0.6, 0.1),
  mean: Float64Array.of(0.5, 0.2),
  std: Float64Array.of(0.1, 0.1),
  deterministic: Float64Array.of(0.45, 0.25),
  settings: { samples: 3, dropout: 0.1, sites: ['attention', 'hidden'], stochasticLayers: { lastK: 2 }, seed: 7 },
  running: {
    label: 'cat',
    meanOfClass: Float64Array.of(0.5, 0.45, 0.5),
    predictiveEntropy: Float64Array.of(1, 1, 1),
    expectedEntropy: Float64Array.of(1, 0.9, 0.9),
    mutualInformation: Float64Array.of(0, 0.1, 0.1),
  },
} as unknown as McPredictionResult;

describe('uncertainty exports', () => {
  it('samples: T × k long-format rows with the settings', () => {
    const table = samplesTable(result);
    expect(table.header).toEqual(['sample', 'token', 'id', 'probability', 'seed', 'p', 'stochastic_layers', 'sites']);
    expect(table.rows).toHaveLength(6);
    expect(table.rows[3]).toEqual([2, '=SUM(A1)', 12, 0.3, 7, 0.1, 'last 2', 'attention+hidden']);
    expect(toCsv(table.header, table.rows).split('\r\n')[4]).toBe("2,'=SUM(A1),12,0.3,7,0.1,last 2,attention+hidden");
  });

  it('candidates and convergence', () => {
    expect(candidatesTable(result).rows[0]).toEqual([
      1,
      'cat',
      11,
      0.5,
      0.1,
      0.45,
      3,
      7,
      0.1,
      'last 2',
      'attention+hidden',
    ]);
    const convergence = convergenceTable(result);
    expect(convergence.header[1]).toBe('mean_probability_cat');
    expect(convergence.rows.map((row) => row[0])).toEqual([1, 2, 3]);
  });
});
