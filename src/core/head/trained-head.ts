/**
 * A trained head as the worker keeps it after training, so the uncertainty tool can put it on top of the
 * transformer: its weights, the z-scoring its inputs went through, the pooling its embeddings were made with,
 * its classes and its own dropout (for MC dropout on the head as well as on the encoder).
 */
import type { SentencePooling } from '../contracts/labels';
import type { Rng } from '../random';
import { rowProbabilities, type DropoutPlan, type HeadNetwork } from './head-network';
import { applyScaling, type FeatureScaling } from './feature-scaling';

export interface TrainedHead {
  network: HeadNetwork;
  /** Null when the head was trained on raw embeddings. */
  scaling: FeatureScaling | null;
  /** The run's dropout: on the input features, and on the hidden layer (0 for logistic regression). */
  inputDropout: number;
  hiddenDropout: number;
  classes: string[];
  /** How token vectors were pooled into the sentence embeddings the head learnt from. */
  pooling: SentencePooling;
}

/** The head's input width (the sentence embedding's). */
export const headInputs = (head: TrainedHead): number => head.network[0].inputs;

/** Whether the head's run trained with dropout (logistic regression has no hidden layer to drop). */
export const headHasDropout = (head: TrainedHead): boolean =>
  head.inputDropout > 0 || (head.network.length > 1 && head.hiddenDropout > 0);

/** The head's dropout with masks from `rng`, or null when the run had none. */
export function headDropoutPlan(head: TrainedHead, rng: Rng): DropoutPlan | null {
  if (!headHasDropout(head)) return null;
  return { input: head.inputDropout, hidden: head.network.length > 1 ? head.hiddenDropout : 0, rng };
}

/**
 * The head's class probabilities for `rows` pooled sentence embeddings ([rows × dim] row-major), scaled as in
 * training. `dropoutOf(r)` gives row r's head dropout (MC dropout on the head) or null for the plain head.
 */
export function headProbabilities(
  head: TrainedHead,
  embeddings: Float32Array,
  rows: number,
  dropoutOf: (row: number) => DropoutPlan | null = () => null,
): Float64Array {
  const dim = headInputs(head);
  if (embeddings.length !== rows * dim)
    throw new Error(`The head takes ${dim} features per text; the model gave ${embeddings.length / rows}.`);
  const features = { data: head.scaling ? applyScaling(embeddings, dim, head.scaling) : embeddings, dim };
  const classes = head.classes.length;
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) out.set(rowProbabilities(head.network, features, r, dropoutOf(r)), r * classes);
  return out;
}
