import type { LabelAuditSettings } from './label-audit-run';

/**
 * Defaults and limits the page's stores need. They live apart from the engine modules so that
 * importing them does not pull onnxruntime-web and protobufjs into the main-thread bundle.
 */
export const DEFAULT_AUDIT_SETTINGS: LabelAuditSettings = {
  features: 'embeddings',
  folds: 5,
  seed: 0,
  filterBy: 'prune_by_noise_rate',
  fracNoise: 1,
  minExamplesPerClass: 1,
  rankBy: 'self_confidence',
};

/** Most inputs the MC-dropout batch mode ranks at once. */
export const MAX_BATCH_INPUTS = 1000;
