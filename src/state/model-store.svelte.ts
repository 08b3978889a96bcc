import type { ModelInfo } from '../core/contracts/model';
import type { CachedModel } from '../core/model/model-cache';
import { ProgressAggregator } from '../core/model/progress';
import type { ModelSource } from '../core/model/sources';
import { listRemoteVariants, type VariantListing } from '../core/model/variant-listing';
import type { ExecutionProviderChoice } from '../core/runtime/execution-provider';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import { readPersisted, writePersisted } from './persisted';

/** What the model store needs of the worker client. */
export type ModelClient = Pick<
  PlaygroundClient,
  | 'newJobId'
  | 'cancel'
  | 'on'
  | 'load'
  | 'reset'
  | 'reloadLastModel'
  | 'cachedModels'
  | 'deleteCachedModel'
  | 'keepBuiltin'
  | 'tokenize'
>;

/** The part of navigator.storage the store uses to ask that a large kept model be spared eviction. */
export interface PersistentStorage {
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
}

/** A kept model at least this large is worth asking the browser not to evict (navigator.storage.persist()). */
export const PERSIST_FROM_BYTES = 50e6;

export interface EmbeddedModelEntry {
  name: string;
  /** Every file the app serves for it (models/index.json). */
  bytes: number;
  files?: { file: string; bytes: number }[];
}

export interface LoadProgress {
  loaded: number;
  total: number | null;
  fraction: number | null;
  file: string;
  stage: 'download' | 'prepare';
}

type RememberedSource = Exclude<ModelSource, { kind: 'files' }>;

const MODEL_KEY = 'model-choice';

/** The loaded model and everything about loading one, shared by every tool. */
export class ModelStore {
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  info = $state<ModelInfo | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  executionProvider = $state<ExecutionProviderChoice>('auto');
  embedded = $state<EmbeddedModelEntry[]>([]);
  cached = $state<CachedModel[]>([]);
  /** Where the loaded model came from; null for local files (they cannot be shared or reloaded). */
  source = $state<RememberedSource | null>(null);
  /**
   * Changes every time a model finishes loading, so tools can rerun on a new model. Each load gets a
   * number never used before, except when the guided tour gives the user's own model back: it gets its
   * old number again, so the results computed with it count as current once more.
   */
  generation = $state(0);
  /** The .onnx variants of the repo or folder last listed (listVariants), and for which source. */
  variants = $state<(VariantListing & { source: RememberedSource }) | null>(null);
  variantsStatus = $state<'idle' | 'listing' | 'error'>('idle');
  variantsError = $state<string | null>(null);
  #issued = 0;
  /** Where the loaded model came from, local files included (the tour reloads it when it gives it back). */
  #loadedSource: ModelSource | null = null;

  private readonly loadJob: Job<ModelInfo, LoadProgress>;
  /** The execution-provider choice the worker's current model was loaded with. */
  private loadedWith: ExecutionProviderChoice | null = null;

  constructor(
    readonly client: ModelClient,
    private readonly storage: PersistentStorage | undefined = globalThis.navigator?.storage,
  ) {
    // Loading a model does not depend on a model generation: its result is the next one.
    this.loadJob = new Job(client, 'load');
    client.on((event) => {
      if (event.type === 'restarted')
        this.notice = `The model worker stopped (${event.reason}) and was restarted. Your inputs are kept.`;
      if (event.type === 'reloaded') {
        this.info = event.info;
        this.status = 'ready';
        this.generation = ++this.#issued;
      }
      if (event.type === 'reload-failed') this.error = `Reloading the model after the restart failed: ${event.message}`;
    });
    const remembered = readPersisted<{ source: RememberedSource; executionProvider: ExecutionProviderChoice }>(
      MODEL_KEY,
    );
    if (remembered) this.executionProvider = remembered.executionProvider;
  }

  /** Loads the remembered model, else the first embedded one; the built-in one when the remembered one fails. */
  async start(): Promise<void> {
    await this.refreshEmbedded();
    const remembered = readPersisted<{ source: RememberedSource }>(MODEL_KEY);
    const source = remembered?.source ?? this.defaultSource;
    if (source && !(await this.load(source))) await this.loadDefaultInstead(source, 'The model you used last');
    void this.refreshCached();
  }

  /** The first built-in model: what a fresh page opens with. */
  get defaultSource(): { kind: 'embedded'; name: string } | null {
    return this.embedded[0] ? { kind: 'embedded', name: this.embedded[0].name } : null;
  }

  /**
   * After a load failed on a page with no model (a fresh page, a link, an offline reload), loads the
   * built-in model so the page is never left empty, and says so. Returns whether it loaded it.
   * `what` names the model that failed, as the start of a sentence.
   */
  async loadDefaultInstead(failed: ModelSource, what: string): Promise<boolean> {
    const fallback = this.defaultSource;
    if (this.info || this.status === 'loading' || !fallback || this.error === null) return false;
    if (failed.kind === 'embedded' && failed.name === fallback.name) return false;
    const why = this.error;
    if (!(await this.load(fallback))) return false;
    this.notice = `${what} could not be loaded (${why.replace(/\.$/, '')}); the built-in model ${fallback.name} is loaded instead.`;
    return true;
  }

  get progress(): LoadProgress | null {
    return this.loadJob.progress;
  }

  /** `generation`: the number the model gets once loaded (the tour's loan giving a model back); else a new one. */
  async load(source: ModelSource, generation?: number): Promise<boolean> {
    this.status = 'loading';
    this.error = null;
    const switchingProvider = this.loadedWith !== null && this.loadedWith !== this.executionProvider;
    if (switchingProvider) this.client.reset();
    const executionProvider = this.executionProvider;
    const outcome = await this.loadJob.start(
      ({ jobId, onProgress }) => {
        let latest: LoadProgress | null = null;
        const report = (progress: LoadProgress) => onProgress((latest = progress));
        const aggregator = new ProgressAggregator((overall) => report({ ...overall, stage: 'download' }));
        return this.client.load(
          source,
          { executionProvider },
          (event) => {
            aggregator.handle(event);
            // The .onnx loaded: onnx/model.onnx, or a decoder's decoder_model_merged.onnx / decoder_model.onnx.
            const onnx = /^onnx\/[^/]+\.onnx$/.test(event.file);
            if (onnx && (event.status === 'done' || event.status === 'cached') && latest)
              report({ ...latest, stage: 'prepare' });
          },
          jobId,
        );
      },
      {
        progress: { loaded: 0, total: null, fraction: null, file: '', stage: 'download' },
        apply: (info) => {
          this.info = info;
          this.status = 'ready';
          this.loadedWith = executionProvider;
          this.source = source.kind === 'files' ? null : source;
          this.#loadedSource = source;
          this.generation = generation ?? ++this.#issued;
          if (source.kind !== 'files') writePersisted(MODEL_KEY, { source, executionProvider });
          if (info.notKeptOffline) this.notice = info.notKeptOffline;
          else if (source.kind === 'hub' || source.kind === 'url') void this.keepPersistent(info);
          void this.refreshCached();
        },
        describe: () => null,
      },
    );
    if (outcome.status === 'done') return true;
    if (outcome.status === 'superseded') return false;
    this.error = outcome.status === 'failed' ? outcome.error.message : null;
    if (switchingProvider) await this.restorePreviousModel();
    // The previous model is still loaded in the worker: the tools keep working with it.
    this.status = this.info ? 'ready' : 'error';
    return false;
  }

  /**
   * Lists the .onnx files a hub repo or folder offers, with sizes where the host says them (no download). Read on
   * the page: it is a listing request or a few HEAD requests, no model bytes.
   */
  async listVariants(source: RememberedSource, fetchImpl?: typeof fetch): Promise<void> {
    this.variantsStatus = 'listing';
    this.variantsError = null;
    try {
      const listing = await listRemoteVariants(source, { appBase: globalThis.location?.href ?? '', fetchImpl });
      this.variants = { ...listing, source };
      this.variantsStatus = 'idle';
    } catch (error) {
      this.variants = null;
      this.variantsError = error instanceof Error ? error.message : String(error);
      this.variantsStatus = 'error';
    }
  }

  /** After a failed load in a fresh worker, the model the user had is loaded back. */
  private async restorePreviousModel(): Promise<void> {
    try {
      const info = await this.client.reloadLastModel();
      if (info) {
        this.info = info;
        this.generation = ++this.#issued;
      }
    } catch (error) {
      this.error = `${this.error ?? ''}\nThe previous model could not be restored: ${(error as Error).message}`.trim();
      this.info = null;
    }
  }

  /**
   * The guided tour borrows the model slot for a step that needs another model (the built-in decoder).
   * `giveBack` loads the user's model again (local files too: the browser keeps their File objects) with
   * its old generation, and puts back the remembered model choice, but only while the model loaded is
   * the tour's: a model the user picked themselves meanwhile stays.
   */
  lendToTour(): { borrow(source: ModelSource): Promise<boolean>; giveBack(): Promise<void> } {
    const own = { source: this.#loadedSource, generation: this.generation, remembered: readPersisted(MODEL_KEY) };
    let borrowed: number | null = null;
    return {
      borrow: async (source) => {
        if (borrowed !== null && borrowed === this.generation) return true;
        const current = this.source;
        const same = current?.kind === 'embedded' && source.kind === 'embedded' && current.name === source.name;
        if (same && this.info) return true;
        const loaded = await this.load(source);
        if (loaded) borrowed = this.generation;
        return loaded;
      },
      giveBack: async () => {
        if (borrowed === null || borrowed !== this.generation || !own.source) return;
        borrowed = null;
        if (await this.load(own.source, own.generation)) writePersisted(MODEL_KEY, own.remembered);
      },
    };
  }

  /** The user's Cancel: stops the download, restarting the worker if it does not stop. */
  async cancel(): Promise<void> {
    if (!this.loadJob.running) return;
    this.status = this.info ? 'ready' : 'idle';
    await this.loadJob.cancel();
  }

  /** The loaded model's tokenization of a text (the tokenizer preview). */
  tokenize(text: string, pair: string | null = null) {
    return this.client.tokenize(text, pair);
  }

  setExecutionProvider(choice: ExecutionProviderChoice): void {
    this.executionProvider = choice;
  }

  async refreshEmbedded(): Promise<void> {
    try {
      const response = await fetch(new URL('models/index.json', document.baseURI));
      const manifest = (await response.json()) as { models: EmbeddedModelEntry[] };
      this.embedded = manifest.models;
    } catch {
      this.embedded = [];
    }
  }

  /**
   * A large downloaded model that was kept: the browser is asked not to evict the site's storage when space
   * runs low (it may decline; the model is kept all the same, only without the promise, and the page says so).
   */
  private async keepPersistent(info: ModelInfo): Promise<void> {
    if (!this.storage || info.sizeBytes < PERSIST_FROM_BYTES) return;
    try {
      if ((await this.storage.persisted()) || (await this.storage.persist())) return;
      this.notice = `${info.label} is kept for offline use, but the browser did not agree to keep this site's storage for good: it may remove the model when disk space runs low.`;
    } catch {
      // No answer is the same as no promise; the model is kept either way.
    }
  }

  /**
   * Keeps every built-in model for offline use (the page calls this once it is idle after the service worker
   * installed): the loaded one is kept as it loads, the others are downloaded here without being loaded.
   * Returns, per model, what happened; a model that cannot be kept is skipped quietly (picking it offline
   * says why).
   */
  async keepBuiltinsForOffline(): Promise<Record<string, string>> {
    const outcome: Record<string, string> = {};
    for (const entry of this.embedded) {
      if (!entry.files) continue;
      try {
        // Plain copies: the list is reactive state, which cannot cross to the worker.
        const files = entry.files.map(({ file, bytes }) => ({ file, bytes }));
        const kept = await this.client.keepBuiltin(entry.name, files);
        outcome[entry.name] = kept.status === 'not-kept' ? `not kept: ${kept.reason}` : kept.status;
      } catch (error) {
        outcome[entry.name] = `not kept: ${(error as Error).message}`;
      }
    }
    return outcome;
  }

  async refreshCached(): Promise<void> {
    try {
      this.cached = await this.client.cachedModels();
    } catch {
      this.cached = [];
    }
  }

  async deleteCached(baseUrl: string): Promise<void> {
    await this.client.deleteCachedModel(baseUrl);
    await this.refreshCached();
  }
}
