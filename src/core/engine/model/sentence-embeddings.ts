/**
 * Sentence embeddings: the mean of the last hidden state over a text's real tokens (attention mask
 * 1, special tokens included, padding excluded), as sentence-transformers' mean pooling does.
 * Texts are embedded in batches sorted by token length (little padding), each distinct text once,
 * with cached embeddings reused and new ones stored.
 */
import { throwIfAborted } from '../../cancel';
import { quantizesActivations } from '../../onnx/quantized';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import type { EmbeddingCache } from './embedding-cache';
import { DEFAULT_POOLING, type SentencePooling } from '../../contracts/labels';
import type { PreparedModel } from './prepare-model';

export interface EmbeddingProgress {
  /** Texts done (cached or computed) out of `total` distinct texts. */
  done: number;
  total: number;
  cached: number;
}

export interface EmbedTextsOptions {
  /** 'mean' over the text's tokens (default) or the 'last' token's vector (causal decoders). */
  pooling?: SentencePooling;
  batchSize?: number;
  cache?: EmbeddingCache;
  signal?: AbortSignal;
  onProgress?: (progress: EmbeddingProgress) => void;
}

export interface EmbeddingResult {
  /** [texts × dim] row-major, one row per input text (duplicates share the value). */
  embeddings: Float32Array;
  rows: number;
  dim: number;
  /** Input indices whose text was longer than the model's maximum and was cut. */
  truncatedRows: number[];
  /** Distinct texts taken from the cache / computed by the model. */
  cachedTexts: number;
  computedTexts: number;
  /** Model runs (batches) made. */
  batches: number;
}

/**
 * Identifies a model for the embedding cache: same bytes, same embeddings. The digest, not the name
 * or size: a retrained model keeps both, and its old embeddings must not be served for it.
 */
export function embeddingModelKey(
  model: Pick<PreparedModel, 'info' | 'description'>,
  pooling: SentencePooling = DEFAULT_POOLING,
): string {
  return `sha256:${model.info.contentDigest}|${model.description.roles.sentenceEmbeddings ?? ''}|${pooling}+length`;
}

/** The vector of each row's last position with mask 1 (a causal decoder's summary of the whole text). */
export function lastTokenPool(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number>,
  batch: number,
  seq: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    let last = -1;
    for (let s = 0; s < seq; s++) if (mask[b * seq + s]) last = s;
    if (last < 0) continue;
    const base = (b * seq + last) * dim;
    for (let d = 0; d < dim; d++) out[b * dim + d] = hidden[base + d];
  }
  return out;
}

/** Mean over positions with mask 1 of hidden [batch, seq, dim]; rows with no token stay zero. */
export function meanPool(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number>,
  batch: number,
  seq: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(batch * dim);
  const sum = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    sum.fill(0);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (!mask[b * seq + s]) continue;
      count++;
      const base = (b * seq + s) * dim;
      for (let d = 0; d < dim; d++) sum[d] += hidden[base + d];
    }
    if (count > 0) for (let d = 0; d < dim; d++) out[b * dim + d] = sum[d] / count;
  }
  return out;
}

const CACHE_CHUNK = 500;

export async function embedTexts(
  model: PreparedModel,
  texts: readonly string[],
  options: EmbedTextsOptions = {},
): Promise<EmbeddingResult> {
  const output = model.description.roles.sentenceEmbeddings;
  if (!output)
    throw new Error(`Sentence embeddings are not available for this model: ${model.info.tools.labels.reason}`);
  // An int8 graph that quantizes activations at run time scales them over the whole batch (padding included):
  // one text at a time keeps a text's embedding the same whatever it is batched with, and so cacheable.
  const batchSize = quantizesActivations(model.graph) ? 1 : Math.max(1, options.batchSize ?? 32);
  const { signal, cache } = options;
  const pooling = options.pooling ?? DEFAULT_POOLING;
  const modelKey = embeddingModelKey(model, pooling);

  // Distinct texts, and for every input row the distinct text it maps to.
  const distinct: string[] = [];
  const slotOf = new Map<string, number>();
  const rowSlot = new Int32Array(texts.length);
  texts.forEach((text, i) => {
    let slot = slotOf.get(text);
    if (slot === undefined) {
      slot = distinct.length;
      slotOf.set(text, slot);
      distinct.push(text);
    }
    rowSlot[i] = slot;
  });
  const total = distinct.length;
  const vectors: (Float32Array | undefined)[] = new Array(total);
  const truncatedSlots = new Set<number>();
  let cachedTexts = 0;
  if (cache) {
    for (let start = 0; start < total; start += CACHE_CHUNK) {
      throwIfAborted(signal);
      const chunk = distinct.slice(start, start + CACHE_CHUNK);
      let found: (Float32Array | undefined)[];
      try {
        found = await cache.getMany(modelKey, chunk);
      } catch {
        found = []; // An unreadable cache only costs time.
      }
      // A cached entry is the embedding followed by the text's untruncated token count.
      found.forEach((entry, j) => {
        if (entry instanceof Float32Array && entry.length > 1) {
          vectors[start + j] = entry.subarray(0, entry.length - 1);
          if (entry[entry.length - 1] > model.info.maxPositions) truncatedSlots.add(start + j);
          cachedTexts++;
        }
      });
    }
  }
  options.onProgress?.({ done: cachedTexts, total, cached: cachedTexts });

  // Tokenize what is missing (cached entries know their own length); note truncation.
  const maxLength = model.info.maxPositions;
  const missing: { slot: number; ids: number[]; typeIds: number[]; length: number }[] = [];
  for (let slot = 0; slot < total; slot++) {
    if (vectors[slot]) continue;
    if (missing.length % 2000 === 0) throwIfAborted(signal);
    const encoded = model.tokenizer.encode(distinct[slot], null, maxLength);
    if (encoded.untruncatedLength > encoded.ids.length) truncatedSlots.add(slot);
    missing.push({ slot, ids: encoded.ids, typeIds: encoded.typeIds, length: encoded.untruncatedLength });
  }
  missing.sort((a, b) => a.ids.length - b.ids.length || a.slot - b.slot);

  let dim: number = vectors.find((v) => v)?.length ?? model.info.hiddenSize ?? 0;
  let done = cachedTexts;
  let batches = 0;
  let lastYield = Date.now();
  for (let start = 0; start < missing.length; start += batchSize) {
    // Runs settle in microtasks: give the worker a macrotask turn now and then so a cancel message
    // is read between batches (a soft stop instead of a worker restart).
    if (Date.now() - lastYield > 100) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = Date.now();
    }
    throwIfAborted(signal);
    const items = missing.slice(start, start + batchSize);
    const tokens = batchOf(items);
    const feeds = textFeeds(model.session.inputNames, tokens, model.decoder);
    const results = await model.runs.run(() => {
      throwIfAborted(signal);
      return model.session.run(feeds, [output]);
    });
    batches++;
    const tensor = results[output];
    const hidden = await tensorToFloat32(tensor);
    for (const t of Object.values(results)) t.dispose?.();
    dim = Number(tensor.dims[2]);
    const pool = pooling === 'last' ? lastTokenPool : meanPool;
    const pooled = pool(hidden, tokens.attentionMask, tokens.batch, tokens.seq, dim);
    const fresh: [string, Float32Array][] = [];
    items.forEach((item, b) => {
      const vector = pooled.slice(b * dim, (b + 1) * dim);
      vectors[item.slot] = vector;
      const entry = new Float32Array(dim + 1);
      entry.set(vector);
      entry[dim] = item.length;
      fresh.push([distinct[item.slot], entry]);
    });
    if (cache) {
      try {
        await cache.setMany(modelKey, fresh);
      } catch {
        // Quota exceeded or no IndexedDB: the run goes on without remembering.
      }
    }
    done += items.length;
    options.onProgress?.({ done, total, cached: cachedTexts });
  }

  const embeddings = new Float32Array(texts.length * dim);
  const truncatedRows: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    const vector = vectors[rowSlot[i]]!;
    if (vector.length !== dim)
      throw new Error(
        `A cached embedding has ${vector.length} values, the model gives ${dim}; clear the embedding cache.`,
      );
    embeddings.set(vector, i * dim);
    if (truncatedSlots.has(rowSlot[i])) truncatedRows.push(i);
  }
  return { embeddings, rows: texts.length, dim, truncatedRows, cachedTexts, computedTexts: missing.length, batches };
}
