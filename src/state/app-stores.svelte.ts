/**
 * The composition root of the page's state: one worker client, and every store built on it (each store
 * takes the client and the model store as constructor arguments, so tests give them fakes). main.ts
 * creates them once, before the app mounts; nothing here runs on import, so importing a store module
 * never starts a Worker.
 */
import { PlaygroundClient } from '../worker/client';
import { AnalogyStore } from './analogy-store.svelte';
import { AttentionStore } from './attention-store.svelte';
import { LabelsStore } from './labels-store.svelte';
import { HeadTrainingStore } from './head-training-store.svelte';
import { ModelStore } from './model-store.svelte';
import { UncertaintyStore } from './uncertainty-store.svelte';
import { DecoderUncertaintyStore } from './decoder-uncertainty-store.svelte';
import { CalibrationStore } from './calibration-store.svelte';
import { WorkshopStore } from './workshop-store.svelte';
import { TokenizerPreviewStore } from './tokenizer-preview-store.svelte';

export interface AppStores {
  client: PlaygroundClient;
  model: ModelStore;
  /** The model panel's tokenizer preview. */
  tokenizer: TokenizerPreviewStore;
  attention: AttentionStore;
  uncertainty: UncertaintyStore;
  /** The uncertainty tool's next-token and continuation modes for decoders. */
  decoderUncertainty: DecoderUncertaintyStore;
  /** The uncertainty tool's calibration mode (every word piece of a text, dropout off and MC). */
  calibration: CalibrationStore;
  analogy: AnalogyStore;
  labels: LabelsStore;
  /** The label tool's "train a head" panel. */
  head: HeadTrainingStore;
  workshop: WorkshopStore;
}

export function createAppStores(client: PlaygroundClient = new PlaygroundClient()): AppStores {
  const model = new ModelStore(client);
  const labels = new LabelsStore(client, model);
  const head = new HeadTrainingStore(client, model, labels);
  return {
    client,
    model,
    tokenizer: new TokenizerPreviewStore(client, model),
    attention: new AttentionStore(client, model),
    uncertainty: new UncertaintyStore(client, model, labels, head),
    decoderUncertainty: new DecoderUncertaintyStore(client, model),
    calibration: new CalibrationStore(client, model, labels),
    analogy: new AnalogyStore(client, model),
    labels,
    head,
    workshop: new WorkshopStore(model),
  };
}

let installed: AppStores | null = null;

/** Called once by main.ts with the page's stores. */
export function installAppStores(stores: AppStores): AppStores {
  installed = stores;
  return stores;
}

/** The page's stores (components and the workshop modules read them here). */
export function appStores(): AppStores {
  if (!installed) throw new Error('The app stores are read before main.ts created them.');
  return installed;
}
