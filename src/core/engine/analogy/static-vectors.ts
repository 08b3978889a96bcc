/**
 * The static word vectors shipped next to a model (static-vectors/): a meta file, the words, and the vectors as
 * float16, fetched through the model cache on first use.
 */
import { fromCompactVectors, type VectorSpace } from '../../analogy';
import { fetchModelFile } from '../../model/download';
import type { CacheStorageLike } from '../../model/model-cache';
import type { AnalogyProgressCallback } from '../../contracts/analogy';

export const STATIC_VECTOR_FILES = {
  meta: 'static-vectors/meta.json',
  words: 'static-vectors/words.txt',
  vectors: 'static-vectors/vectors.f16.bin',
} as const;

export interface StaticVectorOptions {
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
}

/** The space, or null with a note saying why the model has none. */
export type StaticVectors = { space: VectorSpace; note: string } | { space: null; note: string | null };

/**
 * Downloads and reads the static vectors beside the model at `base` (null: a model from local files). It takes
 * no AbortSignal: one download serves every caller (see AnalogySpaces.static), and a cancelled caller only
 * stops waiting for it.
 */
export async function fetchStaticVectors(
  base: string | null,
  options: StaticVectorOptions,
  onProgress?: AnalogyProgressCallback,
): Promise<StaticVectors> {
  if (base === null) return { space: null, note: null };
  const fetchOne = (file: string, optional: boolean) =>
    fetchModelFile(base + file, {
      file,
      optional,
      cacheStorage: options.cacheStorage,
      fetchImpl: options.fetchImpl,
      onProgress: (event) => onProgress?.({ stage: `Downloading ${file}`, done: event.loaded, total: event.total }),
    });
  const metaBytes = await fetchOne(STATIC_VECTOR_FILES.meta, true);
  if (metaBytes === null)
    return {
      space: null,
      note: 'This model ships no static word vectors (no static-vectors/ folder beside it). Drop a word2vec/GloVe text file to compare with classic vectors.',
    };
  const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as { count?: number; dim?: number; dtype?: string };
  if (meta.dtype !== undefined && meta.dtype !== 'float16')
    throw new Error(`static-vectors/meta.json says dtype "${meta.dtype}"; only float16 is supported.`);
  const words = await fetchOne(STATIC_VECTOR_FILES.words, false);
  const vectors = await fetchOne(STATIC_VECTOR_FILES.vectors, false);
  const space = fromCompactVectors(new TextDecoder().decode(words!), vectors!, meta.dim);
  if (meta.count !== undefined && meta.count !== space.size)
    throw new Error(`static-vectors/meta.json announces ${meta.count} words, words.txt holds ${space.size}.`);
  return {
    space,
    note: `${space.size.toLocaleString('en-US')} words × ${space.dim} dimensions shipped with the model (trained on the same corpus).`,
  };
}
