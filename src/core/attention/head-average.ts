/** Mean over heads of each layer's attention: [L, H, S, S] → [L, S, S]. Rows of the mean still sum to 1. */
import { checkAttentionShape, type AttentionShape } from './shape';

export function averageHeads(probs: ArrayLike<number>, shape: AttentionShape): Float32Array {
  checkAttentionShape(probs, shape);
  const [layers, heads, seq] = shape;
  const size = seq * seq;
  const out = new Float32Array(layers * size);
  const sum = new Float64Array(size);
  for (let layer = 0; layer < layers; layer++) {
    sum.fill(0);
    for (let head = 0; head < heads; head++) {
      const offset = (layer * heads + head) * size;
      for (let e = 0; e < size; e++) sum[e] += probs[offset + e];
    }
    for (let e = 0; e < size; e++) out[layer * size + e] = heads > 0 ? sum[e] / heads : 0;
  }
  return out;
}
