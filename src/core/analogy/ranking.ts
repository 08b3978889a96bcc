/**
 * Ranking of candidate rows by score. Order: higher score first; EQUAL SCORES GO TO THE LOWER ROW INDEX, so
 * results are deterministic and the single-query and block-evaluation paths agree.
 */

/** True when row x ranks strictly ahead of row y. */
export function ranksAhead(scores: ArrayLike<number>, x: number, y: number): boolean {
  return scores[x] > scores[y] || (scores[x] === scores[y] && x < y);
}

/** The k best eligible rows, best first, using a size-k heap (no sort of the whole vocabulary). */
export function topKRows(scores: ArrayLike<number>, eligible: Uint8Array, k: number): number[] {
  const heap: number[] = []; // root = weakest kept row
  const weaker = (x: number, y: number) => ranksAhead(scores, y, x);
  const swap = (i: number, j: number) => {
    const t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
  };
  if (k <= 0) return heap;
  for (let v = 0; v < eligible.length; v++) {
    if (!eligible[v] || Number.isNaN(scores[v])) continue;
    if (heap.length < k) {
      heap.push(v);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!weaker(heap[i], heap[parent])) break;
        swap(i, parent);
        i = parent;
      }
    } else if (weaker(heap[0], v)) {
      heap[0] = v;
      for (let i = 0; ;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < heap.length && weaker(heap[l], heap[m])) m = l;
        if (r < heap.length && weaker(heap[r], heap[m])) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((x, y) => (ranksAhead(scores, x, y) ? -1 : 1));
}

/** 1-based rank `row` would have among the eligible rows plus itself. */
export function rankAmong(scores: ArrayLike<number>, eligible: Uint8Array, row: number): number {
  let ahead = 0;
  for (let v = 0; v < eligible.length; v++) if (eligible[v] && v !== row && ranksAhead(scores, v, row)) ahead++;
  return ahead + 1;
}
