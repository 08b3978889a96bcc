import type { McAttentionViewWithSource } from '../../state/attention-store.svelte';

/** Columns of the per-head stability table (CSV) and of the JSON's `heads`. */
export const HEAD_STABILITY_COLUMNS = [
  'layer',
  'head',
  'mean_js_divergence_nats',
  'entropy_spread_nats',
  'mean_entropy_nats',
  'mean_std',
  'max_std',
] as const;

/** One row per sampled (layer, head), 1-based like the tool shows them. */
export function headStabilityRows(result: McAttentionViewWithSource): number[][] {
  return result.heads.map((h) => [
    h.layer + 1,
    h.head + 1,
    h.meanJsDivergence,
    h.entropySpread,
    h.meanEntropy,
    h.meanStd,
    h.maxStd,
  ]);
}

/** Index of model layer `layer` in the result's sampled layers, or -1 when it was not sampled. */
export function sampledIndex(result: Pick<McAttentionViewWithSource, 'layers'>, layer: number): number {
  return result.layers.indexOf(layer);
}

/** One head's mean, std and dropout-off weights as long-format rows (query, key), 1-based layer and head. */
export function headMatrixRows(result: McAttentionViewWithSource, layer: number, head: number): (string | number)[][] {
  const index = sampledIndex(result, layer);
  if (index < 0) return [];
  const [, heads, seq] = result.shape;
  const rows: (string | number)[][] = [];
  for (let i = 0; i < seq; i++)
    for (let j = 0; j < seq; j++) {
      const at = ((index * heads + head) * seq + i) * seq + j;
      rows.push([
        layer + 1,
        head + 1,
        i,
        result.tokens[i],
        j,
        result.tokens[j],
        result.mean[at],
        result.std[at],
        result.plain[at],
      ]);
    }
  return rows;
}

export const HEAD_MATRIX_COLUMNS = [
  'layer',
  'head',
  'query_position',
  'query_token',
  'key_position',
  'key_token',
  'mean',
  'std',
  'dropout_off',
];

/** Where the numbers came from, with what settings. */
function provenance(result: McAttentionViewWithSource, meta: { text: string; pair: string | null }) {
  return {
    model: result.producedBy.model,
    executionProvider: result.producedBy.executionProvider,
    text: meta.text,
    pair: meta.pair,
    settings: result.settings,
    samples: result.settings.samples,
    stdDivisor: 'T - 1',
    causal: result.causal,
    tokens: result.tokens,
    notes: result.notes,
  };
}

/** One head's matrices as JSON: mean, std and dropout-off rows, [seq][seq] each. */
export function headMatrixJson(
  result: McAttentionViewWithSource,
  layer: number,
  head: number,
  meta: { text: string; pair: string | null },
): string {
  const index = sampledIndex(result, layer);
  const [, heads, seq] = result.shape;
  const matrixOf = (values: Float32Array) =>
    Array.from({ length: seq }, (_, i) =>
      Array.from(
        values.subarray(((index * heads + head) * seq + i) * seq, ((index * heads + head) * seq + i + 1) * seq),
      ),
    );
  return JSON.stringify(
    {
      ...provenance(result, meta),
      layer: layer + 1,
      head: head + 1,
      mean: index < 0 ? null : matrixOf(result.mean),
      std: index < 0 ? null : matrixOf(result.std),
      dropoutOff: index < 0 ? null : matrixOf(result.plain),
    },
    null,
    1,
  );
}

/**
 * Most weights a whole-model JSON carries as numbers: about 20 MB of text per tensor. Above it (a 12 × 12 model
 * past about 80 tokens) the tensors are left out, and each head's export has them.
 */
export const MAX_JSON_WEIGHTS = 1_000_000;

/** Every sampled layer: per-head stability, and the mean and std tensors as flat arrays [layers, heads, seq, seq]. */
export function mcAttentionJson(
  result: McAttentionViewWithSource,
  meta: { text: string; pair: string | null },
): string {
  const withTensors = result.mean.length <= MAX_JSON_WEIGHTS;
  return JSON.stringify({
    ...provenance(result, meta),
    layers: result.layers.map((l) => l + 1),
    shape: result.shape,
    heads: result.heads.map((h) => ({
      layer: h.layer + 1,
      head: h.head + 1,
      meanJsDivergence: h.meanJsDivergence,
      entropySpread: h.entropySpread,
      meanEntropy: h.meanEntropy,
      meanStd: h.meanStd,
      maxStd: h.maxStd,
    })),
    tensors: withTensors
      ? 'mean, std and dropoutOff: flat, row-major [layers, heads, seq, seq]'
      : `left out: ${result.mean.length} weights per tensor is more than ${MAX_JSON_WEIGHTS} (export a head from its heatmap instead)`,
    mean: withTensors ? Array.from(result.mean) : null,
    std: withTensors ? Array.from(result.std) : null,
    dropoutOff: withTensors ? Array.from(result.plain) : null,
  });
}
