/**
 * The heads the worker keeps after training, so the uncertainty tool can run MC dropout through the
 * transformer and a trained head together. They belong to the model they were trained on (its embeddings
 * mean nothing to another): the same bytes, so the same model loaded again (the guided tour lends the model
 * slot and loads the user's model back) still has its heads. They live as long as the worker (a reload or a
 * worker restart loses them), and only the newest KEPT_HEADS are kept, so a long workshop does not fill the
 * memory with old heads.
 */
import type { TrainedHead } from '../../head/trained-head';
import type { PreparedModel } from '../model/prepare-model';

type ModelIdentity = Pick<PreparedModel, 'info'>;

/** Heads kept at most (each training adds one per run); an older head has to be trained again. */
export const KEPT_HEADS = 32;

const GONE = `is no longer in the worker (a page reload or a worker restart ends the heads trained in it, and only the newest ${KEPT_HEADS} are kept): train it again in the label tool`;

export class KeptHeads {
  /** Each head with the content digest of the model it was trained on. */
  private readonly heads = new Map<string, { digest: string; head: TrainedHead }>();
  private counter = 0;

  constructor(private readonly capacity = KEPT_HEADS) {}

  get size(): number {
    return this.heads.size;
  }

  /** Keeps a head of `model`; returns its id. */
  keep(model: ModelIdentity, head: TrainedHead): string {
    const id = `head-${++this.counter}`;
    this.heads.set(id, { digest: model.info.contentDigest, head });
    while (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value as string);
    return id;
  }

  /** The head under `id`, if it was trained on `model`; a clear message otherwise. */
  get(model: ModelIdentity, id: string): TrainedHead {
    const kept = this.heads.get(id);
    if (!kept) throw new Error(`The trained head ${id} ${GONE}.`);
    if (kept.digest !== model.info.contentDigest)
      throw new Error(
        `The trained head ${id} was trained on another model: load that model again, or train a head on this one in the label tool.`,
      );
    return kept.head;
  }
}
