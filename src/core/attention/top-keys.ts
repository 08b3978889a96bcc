/**
 * The keys one query token attends to most, for views that cannot draw every key of a long input: each
 * key's weight is its largest over the heads shown, the `limit` heaviest are kept (earlier positions first on
 * ties) and returned in position order, so the text still reads left to right.
 */
export function topKeys(
  layerProbs: Float32Array,
  seq: number,
  query: number,
  activeHeads: readonly boolean[],
  limit: number,
): { keys: number[]; restMax: number } {
  const heads = Math.floor(layerProbs.length / (seq * seq));
  const weight = new Float64Array(seq);
  for (let h = 0; h < heads; h++) {
    if (activeHeads[h] === false) continue;
    const row = (h * seq + query) * seq;
    for (let j = 0; j < seq; j++) if (layerProbs[row + j] > weight[j]) weight[j] = layerProbs[row + j];
  }
  const order = Array.from({ length: seq }, (_, j) => j).sort((a, b) => weight[b] - weight[a] || a - b);
  const kept = order.slice(0, Math.max(0, Math.min(seq, limit)));
  const restMax = order.length > kept.length ? weight[order[kept.length]] : 0;
  return { keys: kept.sort((a, b) => a - b), restMax };
}
