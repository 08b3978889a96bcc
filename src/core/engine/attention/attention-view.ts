import { attentionRollout, averageHeads, headSummaries, hidePositions, type AttentionShape } from '../../attention';
import { stackLayers, type AttentionResult } from './attention-run';
import { unknownCharactersNote } from '../../model/tokenizer';
import type { AttentionDisplayOptions, AttentionMode, AttentionView } from '../../contracts/attention';

export function buildAttentionView(result: AttentionResult, options: AttentionDisplayOptions): AttentionView {
  const [layers, , seq] = result.shape;
  const notes: string[] = [];
  if (result.untruncatedLength > seq) {
    notes.push(
      `The input has ${result.untruncatedLength} tokens; the model reads at most ${result.maxPositions}, so it was cut to ${seq}.`,
    );
  }
  const unknownNote = result.unknown ? unknownCharactersNote(result.unknown.characters, result.unknown.token) : null;
  if (unknownNote) notes.push(unknownNote);
  // A fresh array on every call: the worker transfers it, and the cached raw run must stay intact.
  const stacked = stackLayers(result);
  const summaries = headSummaries(stacked, result.shape, result.special, undefined, { causal: result.causal ?? false });

  let probs: Float32Array = stacked;
  let shape: AttentionShape = result.shape;
  let mode: AttentionMode = 'heads';
  if (options.rollout) {
    probs = attentionRollout(stacked, result.shape).rollout;
    shape = [layers, 1, seq, seq];
    mode = 'rollout';
    notes.push(
      'Rollout: layer n shows attention multiplied through layers 1..n, with heads averaged and the residual added.',
    );
  } else if (options.averageHeads) {
    probs = averageHeads(stacked, result.shape);
    shape = [layers, 1, seq, seq];
    mode = 'average';
  }

  let positions = result.special.map((_, i) => i);
  if (options.hideSpecial && result.special.some(Boolean)) {
    if (result.special.every(Boolean)) {
      notes.push('Every token is a special token, so none were hidden.');
    } else {
      const hidden = hidePositions(probs, shape, result.special);
      probs = hidden.probs;
      shape = hidden.shape;
      positions = hidden.kept;
      if (hidden.renormalized)
        notes.push('Special tokens are hidden and every row was renormalised to sum to 1 over the remaining tokens.');
      if (hidden.uniformRows.length > 0)
        notes.push(
          `${hidden.uniformRows.length} rows put all their attention on special tokens and are shown as uniform.`,
        );
    }
  }
  const pick = <T>(values: T[]) => positions.map((i) => values[i]);
  return {
    tokens: pick(result.tokens),
    ids: pick(result.ids),
    typeIds: pick(result.typeIds),
    special: pick(result.special),
    continuation: pick(result.continuation),
    positions,
    probs,
    shape: [shape[0], shape[1], shape[2], shape[3]],
    mode,
    summaries,
    causal: result.causal ?? false,
    notes,
    untruncatedLength: result.untruncatedLength,
    maxPositions: result.maxPositions,
  };
}
