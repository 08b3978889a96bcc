import type { ModelInfo } from '../core/contracts/model';

/**
 * What a tool's store reads of the model store: the loaded model and its generation (bumped on every
 * load, including the reload after a worker restart), which the stores' Jobs record as provenance.
 */
export interface LoadedModel {
  readonly info: ModelInfo | null;
  readonly generation: number;
}
