/**
 * Where sentence embeddings are remembered between runs and reloads. src/core never touches
 * IndexedDB: the worker injects an implementation (src/worker/embedding-cache.ts), tests inject a
 * Map-backed one.
 */
export interface EmbeddingCache {
  /** One entry per text, undefined when not cached. */
  getMany(modelKey: string, texts: readonly string[]): Promise<(Float32Array | undefined)[]>;
  setMany(modelKey: string, entries: readonly [text: string, embedding: Float32Array][]): Promise<void>;
  /** Removes every embedding of every model; returns nothing useful, may be a no-op. */
  clear?(): Promise<void>;
}

/** An in-memory cache (tests, benchmarks, and the fallback when IndexedDB is unavailable). */
export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly entries = new Map<string, Float32Array>();
  gets = 0;
  sets = 0;

  async getMany(modelKey: string, texts: readonly string[]): Promise<(Float32Array | undefined)[]> {
    this.gets += texts.length;
    return texts.map((text) => this.entries.get(JSON.stringify([modelKey, text])));
  }

  async setMany(modelKey: string, entries: readonly [string, Float32Array][]): Promise<void> {
    this.sets += entries.length;
    for (const [text, embedding] of entries) this.entries.set(JSON.stringify([modelKey, text]), embedding);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }
}
