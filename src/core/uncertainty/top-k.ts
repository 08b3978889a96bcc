/**
 * Fill-mask candidates: tokens ranked by mean probability over T MC samples of [T, V] vocabulary
 * probabilities, with their sample std. Streams over the samples once to accumulate per-token sums (one
 * Float64Array of V, no per-sample copies), keeps the best k in a size-k min-heap (no sort of the whole
 * vocabulary), then computes the std only for those k tokens.
 */
import { checkSamples } from './mc-statistics';

export interface TokenCandidate {
  index: number;
  mean: number;
  /** Unbiased sample std over the T samples (T − 1); 0 when T = 1. */
  std: number;
}

/** Top-k tokens by mean probability, best first; ties go to the lower token index. */
export function topKByMeanProbability(
  samples: ArrayLike<number>,
  shape: readonly [samples: number, vocab: number],
  k: number,
): TokenCandidate[] {
  const [T, V] = shape;
  checkSamples(samples.length, T * V, `[${T}, ${V}]`);
  if (T < 1) return [];
  const sums = new Float64Array(V);
  for (let t = 0; t < T; t++) {
    const row = t * V;
    for (let v = 0; v < V; v++) sums[v] += samples[row + v];
  }
  const best = selectTopK(sums, Math.min(k, V));
  return best.map((index) => {
    const mean = sums[index] / T;
    let squares = 0;
    for (let t = 0; t < T; t++) {
      const d = samples[t * V + index] - mean;
      squares += d * d;
    }
    return { index, mean, std: T > 1 ? Math.sqrt(squares / (T - 1)) : 0 };
  });
}

/** Indices of the k largest scores, best first, ties → lower index. O(V log k). */
export function selectTopK(scores: ArrayLike<number>, k: number): number[] {
  if (k <= 0) return [];
  // Min-heap on "worse" order: the root is the weakest kept candidate.
  const heap: number[] = [];
  const worse = (x: number, y: number) => scores[x] < scores[y] || (scores[x] === scores[y] && x > y);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let v = 0; v < scores.length; v++) {
    if (heap.length < k) {
      heap.push(v);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (worse(heap[0], v)) {
      heap[0] = v;
      siftDown(0);
    }
  }
  return heap.sort((x, y) => (worse(x, y) ? 1 : worse(y, x) ? -1 : 0));
}
