import { MODEL_FILES } from './sources';

export const MODEL_CACHE_NAME = 'transformer-playground-models-v1';
/**
 * Where the app keeps the built-in models' files (it fetches them itself; the service worker does not
 * precache them): apart from MODEL_CACHE_NAME, so the "Cached models" list shows only downloaded models.
 */
export const BUILTIN_MODEL_CACHE_NAME = 'transformer-playground-builtin-v1';

/** The part of the Cache Storage API we use, so Node tests can pass a fake or none at all. */
export type CacheStorageLike = Pick<CacheStorage, 'open'> & Partial<Pick<CacheStorage, 'match'>>;

export interface CachedModel {
  /** Folder URL the files were downloaded from. */
  baseUrl: string;
  files: { file: string; bytes: number }[];
  bytes: number;
  cachedAt: string | null;
}

/** Files known to live in a model folder; static-vectors/ is fetched by the analogy tool next to the model. */
const KNOWN_SUFFIXES = [
  ...Object.values(MODEL_FILES),
  'static-vectors/meta.json',
  'static-vectors/words.txt',
  'static-vectors/vectors.f16.bin',
];

function splitModelUrl(url: string): { baseUrl: string; file: string } {
  for (const suffix of KNOWN_SUFFIXES) {
    if (url.endsWith(`/${suffix}`)) return { baseUrl: url.slice(0, url.length - suffix.length), file: suffix };
  }
  // External data files (onnx/model.onnx_data, …) sit next to onnx/model.onnx under names the .onnx chooses.
  const onnxFolder = url.lastIndexOf('/onnx/');
  if (onnxFolder >= 0) return { baseUrl: url.slice(0, onnxFolder + 1), file: url.slice(onnxFolder + 1) };
  const slash = url.lastIndexOf('/');
  return { baseUrl: url.slice(0, slash + 1), file: url.slice(slash + 1) };
}

/**
 * Every model folder with files in the cache, with sizes, newest first. A folder without its .onnx (the
 * small files of a download that was not kept, or broke off) is not a usable model and is not listed.
 */
export async function listCachedModels(cacheStorage: CacheStorageLike): Promise<CachedModel[]> {
  const cache = await cacheStorage.open(MODEL_CACHE_NAME);
  const byBase = new Map<string, CachedModel>();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (!response) continue;
    const size = Number(response.headers.get('content-length')) || (await response.blob()).size;
    const { baseUrl, file } = splitModelUrl(request.url);
    const entry = byBase.get(baseUrl) ?? { baseUrl, files: [], bytes: 0, cachedAt: null };
    entry.files.push({ file, bytes: size });
    entry.bytes += size;
    const cachedAt = response.headers.get('x-cached-at');
    if (cachedAt && (!entry.cachedAt || cachedAt > entry.cachedAt)) entry.cachedAt = cachedAt;
    byBase.set(baseUrl, entry);
  }
  return [...byBase.values()]
    .filter((model) => model.files.some((f) => f.file.endsWith('.onnx')))
    .sort((a, b) => (b.cachedAt ?? '').localeCompare(a.cachedAt ?? ''));
}

/** Removes every cached file of one model folder; returns how many files were removed. */
export async function deleteCachedModel(
  cacheStorage: CacheStorageLike,
  baseUrl: string,
  cacheName: string = MODEL_CACHE_NAME,
): Promise<number> {
  const cache = await cacheStorage.open(cacheName);
  let removed = 0;
  for (const request of await cache.keys()) {
    if (splitModelUrl(request.url).baseUrl === baseUrl && (await cache.delete(request))) removed++;
  }
  return removed;
}
