import type { ModelInfo } from '../../src/core/contracts/model';
import { fakeInfo } from './fake-client';

/** A model store stand-in whose info and generation are runes, so a store's follow() effects see a new model. */
export class ReactiveModel {
  info = $state.raw<ModelInfo | null>(fakeInfo());
  generation = $state(1);

  loadAnother(): void {
    this.info = fakeInfo(`other-${this.generation}`);
    this.generation++;
  }
}
