/** A continuation's tokens and their statistics as CSV and JSON (readable pieces, one row per generated token). */
import type { ContinuationResult } from '../../core/contracts/uncertainty';

export function continuationTable(result: ContinuationResult): { header: string[]; rows: (string | number)[][] } {
  const header = [
    'position',
    'token',
    'id',
    'probability_dropout_off',
    'probability_mc_mean',
    'predictive_entropy',
    'expected_entropy',
    'mutual_information',
    'variation_ratio',
    'top_candidates',
  ];
  const rows = result.tokens.map((token, n) => [
    n + 1,
    token.label,
    token.id,
    token.probability,
    token.meanProbability,
    token.predictiveEntropy,
    token.expectedEntropy,
    token.mutualInformation,
    token.variationRatio,
    token.candidates
      .slice(0, 5)
      .map((c) => `${c.label} ${c.mean.toFixed(4)}`)
      .join(' | '),
  ]);
  return { header, rows };
}

export function continuationJson(result: ContinuationResult, model: string | null): string {
  return JSON.stringify(
    {
      model,
      prompt: result.promptTokens,
      text: result.text,
      stoppedBy: result.stoppedBy,
      settings: result.settings,
      decoding: result.decoding,
      run: result.run,
      tokens: result.tokens,
      notes: result.notes,
    },
    null,
    1,
  );
}
