/**
 * MC dropout through the transformer and a trained head (the uncertainty tool's "trained head" task): each
 * of the T samples runs the encoder with its dropout on, pools the last hidden state into a sentence
 * embedding exactly as the label tool pooled the head's training rows, and feeds it to the head, with the
 * head's own dropout on too when asked. The dropout-off row is the plain encoder and the plain head, so with
 * p = 0 and the head's dropout off every sample is that one plain pass, bit for bit. Sampling, statistics and
 * views are the classification task's (mc-dropout-run.ts); this file only prepares the input.
 */
import type { McPredictRequest } from '../../contracts/uncertainty';
import {
  headDropoutPlan,
  headHasDropout,
  headInputs,
  headProbabilities,
  type TrainedHead,
} from '../../head/trained-head';
import { createRng } from '../../random';
import { lastTokenPool, meanPool } from '../model/sentence-embeddings';
import type { PreparedModel } from '../model/prepare-model';
import { checkTypeIds } from '../model/model-consistency';
import type { PreparedInput } from '../uncertainty/mc-dropout-run';
import { sampleSeed } from '../uncertainty/mc-sampling';

/**
 * Mixed into the seed of the head's masks, so sample t's head masks are not drawn from the same stream as
 * its encoder noise (both come from sampleSeed(seed, t, input) otherwise).
 */
const HEAD_STREAM = 0x68656164;

/** The seed of the head's dropout masks for sample t of input n. */
export const headSampleSeed = (seed: number, sample: number, input = 0): number =>
  sampleSeed((seed ^ HEAD_STREAM) >>> 0, sample, input);

/** The text encoded as the label tool encodes it (no pair), read at the hidden state and run through the head. */
export function prepareHeadInput(
  model: PreparedModel,
  head: TrainedHead,
  request: McPredictRequest,
  settings: { seed: number },
  input = 0,
): PreparedInput {
  const output = model.description.roles.sentenceEmbeddings;
  if (!output)
    throw new Error(`Sentence embeddings are not available for this model: ${model.info.tools.labels.reason}`);
  if (!request.text.trim()) throw new Error('Type a text for the trained head to classify.');
  const encoded = model.tokenizer.encode(request.text, null, model.info.maxPositions);
  checkTypeIds(encoded.typeIds, model.maxTypeId);
  const withHeadDropout = Boolean(request.head?.dropout) && headHasDropout(head);
  const seq = encoded.ids.length;
  const pool = head.pooling === 'last' ? lastTokenPool : meanPool;
  const notes: string[] = [];
  if (request.head?.dropout && !withHeadDropout)
    notes.push(
      "This head was trained without dropout, so it has no dropout of its own to keep on: only the transformer's varies.",
    );
  return {
    encoded,
    labelOf: (i) => head.classes[i] ?? `class ${i}`,
    notes,
    noiseOutsideGraph: withHeadDropout,
    target: {
      output,
      position: null,
      width: head.classes.length,
      toProbabilities: (hidden, dims, run) => {
        const [rows, outSeq, dim] = dims;
        if (dims.length !== 3 || rows !== run.rows || outSeq !== seq || dim !== headInputs(head))
          throw new Error(
            `Output ${output} is [${dims.join(', ')}], expected [${run.rows}, ${seq}, ${headInputs(head)}] for this head.`,
          );
        // One text repeated on the batch axis: no padding, every position counts (as a batch of one in embedTexts).
        const pooled = pool(hidden, new Uint8Array(rows * seq).fill(1), rows, seq, dim);
        return headProbabilities(head, pooled, rows, (row) => {
          if (!withHeadDropout || (run.leadRow && row === 0)) return null;
          const sample = run.firstSample + row - (run.leadRow ? 1 : 0);
          return headDropoutPlan(head, createRng(headSampleSeed(settings.seed, sample, input)));
        });
      },
    },
  };
}
