/**
 * The heads the worker keeps after training, so the uncertainty tool can run MC dropout through the
 * transformer and a trained head together. They belong to the model they were trained on (its embeddings
 * mean nothing to another), live as long as the worker (a reload or a worker restart loses them), and only
 * the newest KEPT_HEADS are kept, so a long workshop does not fill the memory with old heads.
 */
import type { TrainedHead } from '../../head/trained-head';
import type { PreparedModel } from '../model/prepare-model';

/** Heads kept at most (each training adds one per run); an older head has to be trained again. */
export const KEPT_HEADS = 32;

const GONE =
  'is no longer in the worker (a page reload, a worker restart or another model ends the heads trained here, and only the newest 32 are kept): train it again in the label tool';

export class KeptHeads {
  private readonly heads = new Map<string, { model: PreparedModel; head: TrainedHead }>();
  private counter = 0;

  constructor(private readonly capacity = KEPT_HEADS) {}

  get size(): number {
    return this.heads.size;
  }

  /** Keeps a head of `model`; returns its id. */
  keep(model: PreparedModel, head: TrainedHead): string {
    const id = `head-${++this.counter}`;
    this.heads.set(id, { model, head });
    while (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value as string);
    return id;
  }

  /** The head under `id`, if it was trained on `model`; a clear message otherwise. */
  get(model: PreparedModel, id: string): TrainedHead {
    const kept = this.heads.get(id);
    if (!kept) throw new Error(`The trained head ${id} ${GONE}.`);
    if (kept.model !== model) throw new Error(`The trained head ${id} was trained on another model; ${GONE}.`);
    return kept.head;
  }

  /** Forgets every head (a new model is loaded). */
  clear(): void {
    this.heads.clear();
  }
}
