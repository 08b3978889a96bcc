/**
 * The worker's embedding cache in IndexedDB (idb-keyval), keyed by [model key, text], so a rerun or
 * a page reload does not embed the same texts again. Worker-only: src/core only sees the interface.
 */
import { clear, createStore, getMany, setMany, type UseStore } from 'idb-keyval';
import type { EmbeddingCache } from '../core/engine/model/embedding-cache';

export class IdbEmbeddingCache implements EmbeddingCache {
  private store: UseStore | null = null;

  private open(): UseStore {
    this.store ??= createStore('transformer-playground-embeddings', 'embeddings');
    return this.store;
  }

  async getMany(modelKey: string, texts: readonly string[]): Promise<(Float32Array | undefined)[]> {
    return getMany<Float32Array>(
      texts.map((text) => [modelKey, text]),
      this.open(),
    );
  }

  async setMany(modelKey: string, entries: readonly [string, Float32Array][]): Promise<void> {
    await setMany(
      entries.map(([text, vector]) => [[modelKey, text], vector]),
      this.open(),
    );
  }

  async clear(): Promise<void> {
    await clear(this.open());
  }
}

/** IndexedDB when the worker has it (not in some private modes), else nothing is cached. */
export function createEmbeddingCache(): EmbeddingCache | undefined {
  return typeof indexedDB === 'undefined' ? undefined : new IdbEmbeddingCache();
}
