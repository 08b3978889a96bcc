/**
 * Evaluates every question of an analogy file in a space, in BLOCKS of questions: for each block the query
 * vectors are packed into one contiguous matrix Q and E is streamed once, row by row, computing each row's
 * dot products with all of Q (four query vectors per pass over the row) while the row sits in L1. This is
 * Q·Eᵀ fused with a running argmax, so no [B, V] score matrix is stored. The kernels sum in the same order
 * as solveAnalogy's, the 3CosAdd target is built the same way, and ties go to the lower row in both, so the
 * answers equal one-at-a-time queries exactly.
 *
 * Questions whose four words are not all in the space are skipped and reported as coverage. Query words are
 * excluded from the answers and candidates are whole words only, as in solveAnalogy's defaults.
 */
import { CancelledError } from '../cancel';
import type { AnalogyFile } from './analogy-file';
import { COSMUL_EPSILON, type AnalogyMethod } from './analogy-search';
import { cosAddTarget, cosMulScore, dot4 } from './dot-kernels';
import { findRow, type LookupOptions } from './query-words';
import type { VectorSpace } from './vector-space';

export interface EvaluationOptions extends LookupOptions {
  methods?: AnalogyMethod[];
  /** Questions per block; at 64 the packed query matrix is at most 256 × D float32 (~790 KB at D = 768). */
  blockSize?: number;
  wholeWordsOnly?: boolean;
  epsilon?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
  signal?: AbortSignal;
  isCancelled?: () => boolean;
}

export interface SectionScore {
  name: string;
  questions: number;
  /** Questions with all four words in the space. */
  evaluated: number;
  skipped: number;
  correct: Partial<Record<AnalogyMethod, number>>;
  /** correct / evaluated (accuracy on the covered questions); absent when no question was covered. */
  accuracy: Partial<Record<AnalogyMethod, number>>;
}

export interface AnalogyEvaluation {
  methods: AnalogyMethod[];
  sections: SectionScore[];
  overall: SectionScore;
  /** evaluated / questions. */
  coverage: number;
  /** Missing words with how many questions each one knocked out, most frequent first. */
  missingWords: Array<{ word: string; questions: number }>;
  /** Predicted row per question in file order (sections in order), −1 when skipped or no candidate. */
  predictions: Partial<Record<AnalogyMethod, Int32Array>>;
}

interface PendingQuestion {
  ordinal: number;
  section: number;
  rows: [number, number, number, number];
}

export async function evaluateAnalogies(
  space: VectorSpace,
  file: AnalogyFile,
  options: EvaluationOptions = {},
): Promise<AnalogyEvaluation> {
  const methods = options.methods ?? ['3CosAdd', '3CosMul'];
  const blockSize = Math.max(1, Math.floor(options.blockSize ?? 64));
  const epsilon = options.epsilon ?? COSMUL_EPSILON;
  const eligible = options.wholeWordsOnly === false ? new Uint8Array(space.size).fill(1) : space.wholeWord;

  const sections = file.sections.map((s) => emptyScore(s.name));
  const missing = new Map<string, number>();
  const pending: PendingQuestion[] = [];
  let ordinal = 0;
  file.sections.forEach((section, s) => {
    for (const q of section.questions) {
      sections[s].questions++;
      const words = [q.a, q.b, q.c, q.d];
      const rows = words.map((w) => findRow(space, w, options));
      const absent = words.filter((_, i) => rows[i] === undefined);
      if (absent.length > 0) {
        sections[s].skipped++;
        for (const word of new Set(absent)) missing.set(word, (missing.get(word) ?? 0) + 1);
      } else {
        sections[s].evaluated++;
        pending.push({ ordinal, section: s, rows: rows as [number, number, number, number] });
      }
      ordinal++;
    }
  });

  const predictions: AnalogyEvaluation['predictions'] = {};
  for (const method of methods) predictions[method] = new Int32Array(ordinal).fill(-1);
  for (let start = 0; start < pending.length; start += blockSize) {
    if (options.signal?.aborted || options.isCancelled?.()) throw new CancelledError();
    const block = pending.slice(start, start + blockSize);
    const answers = answerBlock(space, block, methods, eligible, epsilon);
    block.forEach((question, i) => {
      for (const method of methods) {
        const predicted = answers[method]![i];
        predictions[method]![question.ordinal] = predicted;
        if (predicted === question.rows[3]) sections[question.section].correct[method]! += 1;
      }
    });
    options.onProgress?.({ done: Math.min(start + blockSize, pending.length), total: pending.length });
    // Give the worker's event loop a turn so a cancel message can arrive between blocks.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  const overall = emptyScore('overall');
  for (const section of sections) {
    overall.questions += section.questions;
    overall.evaluated += section.evaluated;
    overall.skipped += section.skipped;
    for (const method of methods) overall.correct[method]! += section.correct[method]!;
  }
  for (const score of [...sections, overall]) {
    for (const method of methods) {
      score.correct[method] ??= 0;
      // A section none of whose questions could be asked has no accuracy (not 0%: nothing was tried).
      if (score.evaluated > 0) score.accuracy[method] = score.correct[method]! / score.evaluated;
    }
  }
  return {
    methods,
    sections,
    overall,
    coverage: overall.questions > 0 ? overall.evaluated / overall.questions : 0,
    missingWords: [...missing]
      .map(([word, questions]) => ({ word, questions }))
      .sort((x, y) => y.questions - x.questions || (x.word < y.word ? -1 : 1)),
    predictions,
  };

  function emptyScore(name: string): SectionScore {
    const correct: SectionScore['correct'] = {};
    for (const method of methods) correct[method] = 0;
    return { name, questions: 0, evaluated: 0, skipped: 0, correct, accuracy: {} };
  }
}

/**
 * Best row per question and method for one block: one streaming pass over E. The block's query vectors are
 * packed into one matrix Q: the B 3CosAdd targets, then each DISTINCT word row used by the block's 3CosMul
 * questions (analogy files repeat words heavily within a section), padded to a multiple of 4 for dot4.
 */
function answerBlock(
  space: VectorSpace,
  block: readonly PendingQuestion[],
  methods: readonly AnalogyMethod[],
  eligible: Uint8Array,
  epsilon: number,
): Partial<Record<AnalogyMethod, Int32Array>> {
  const { unit: E, size: V, dim: D } = space;
  const B = block.length;
  const doAdd = methods.includes('3CosAdd');
  const doMul = methods.includes('3CosMul');
  const targets = doAdd ? B : 0;
  const slotOfRow = new Map<number, number>();
  const slots = new Int32Array(3 * B); // Q row of each question's a, b, c
  if (doMul) {
    block.forEach(({ rows }, q) => {
      for (let r = 0; r < 3; r++) {
        let slot = slotOfRow.get(rows[r]);
        if (slot === undefined) {
          slot = targets + slotOfRow.size;
          slotOfRow.set(rows[r], slot);
        }
        slots[3 * q + r] = slot;
      }
    });
  }
  const vectors = targets + slotOfRow.size;
  const padded = Math.ceil(vectors / 4) * 4;
  const Q = new Float32Array(padded * D);
  block.forEach(({ rows: [a, b, c] }, q) => {
    if (doAdd)
      cosAddTarget(
        E.subarray(a * D, (a + 1) * D),
        E.subarray(b * D, (b + 1) * D),
        E.subarray(c * D, (c + 1) * D),
        Q,
        q * D,
      );
  });
  for (const [row, slot] of slotOfRow) Q.set(E.subarray(row * D, (row + 1) * D), slot * D);
  const excluded = new Int32Array(3 * B);
  block.forEach(({ rows: [a, b, c] }, q) => excluded.set([a, b, c], 3 * q));

  const dots = new Float64Array(padded);
  const bestAdd = new Int32Array(B).fill(-1),
    bestMul = new Int32Array(B).fill(-1);
  const scoreAdd = new Float64Array(B).fill(-Infinity),
    scoreMul = new Float64Array(B).fill(-Infinity);
  for (let v = 0, off = 0; v < V; v++, off += D) {
    if (!eligible[v]) continue;
    for (let m = 0; m < padded; m += 4) dot4(E, off, Q, m * D, D, dots, m);
    for (let q = 0; q < B; q++) {
      if (v === excluded[3 * q] || v === excluded[3 * q + 1] || v === excluded[3 * q + 2]) continue;
      // Rows arrive in ascending order, so a strict '>' keeps the lower row on ties (as topKRows does).
      if (doAdd && dots[q] > scoreAdd[q]) {
        scoreAdd[q] = dots[q];
        bestAdd[q] = v;
      }
      if (doMul) {
        const s = cosMulScore(dots[slots[3 * q]], dots[slots[3 * q + 1]], dots[slots[3 * q + 2]], epsilon);
        if (s > scoreMul[q]) {
          scoreMul[q] = s;
          bestMul[q] = v;
        }
      }
    }
  }
  const out: Partial<Record<AnalogyMethod, Int32Array>> = {};
  if (doAdd) out['3CosAdd'] = bestAdd;
  if (doMul) out['3CosMul'] = bestMul;
  return out;
}
