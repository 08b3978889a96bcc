import { fetchModelFile } from './download';
import { BUILTIN_MODEL_CACHE_NAME, deleteCachedModel, type CacheStorageLike } from './model-cache';
import { modelBaseUrl } from './sources';
import { fitsIn, storageRoom, type NotKept, type StorageEstimator } from './storage-room';

export interface KeepBuiltinOptions {
  appBase: string;
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
  storage?: StorageEstimator;
}

export type KeptBuiltin =
  { status: 'kept'; downloadedBytes: number } | { status: 'not-kept'; reason: string } | { status: 'no-cache' };

/**
 * The files of a built-in model that the app keeps itself: everything the model manifest lists except the
 * static word vectors, which the service worker precaches (src/sw.ts).
 */
export function builtinFilesToKeep(files: readonly BuiltinFile[]): BuiltinFile[] {
  return files.filter(({ file }) => !file.startsWith('static-vectors/'));
}

/** One file of a built-in model as models/index.json lists it. */
export interface BuiltinFile {
  file: string;
  bytes: number;
}

/**
 * Puts a built-in model's files into the built-in cache, where loading it reads them (load.ts), so it works
 * offline without ever having been picked online. Files already kept are not fetched again. When the
 * browser leaves too little room for all of them, none is fetched; when a write fails, what was kept is
 * removed again (a built-in half-kept would only fail offline).
 */
export async function keepBuiltinModel(
  name: string,
  files: readonly BuiltinFile[],
  options: KeepBuiltinOptions,
): Promise<KeptBuiltin> {
  const { cacheStorage } = options;
  if (!cacheStorage) return { status: 'no-cache' };
  const baseUrl = modelBaseUrl({ kind: 'embedded', name }, options.appBase);
  const cache = await cacheStorage.open(BUILTIN_MODEL_CACHE_NAME);
  const missing: BuiltinFile[] = [];
  for (const entry of builtinFilesToKeep(files)) if (!(await cache.match(baseUrl + entry.file))) missing.push(entry);
  if (missing.length === 0) return { status: 'kept', downloadedBytes: 0 };
  const needed = missing.reduce((sum, entry) => sum + entry.bytes, 0);
  const room = await storageRoom(options.storage);
  if (!fitsIn(needed, room)) return { status: 'not-kept', reason: noRoom(needed, room) };

  const notKept: NotKept[] = [];
  let downloadedBytes = 0;
  for (const { file } of missing) {
    const bytes = await fetchModelFile(baseUrl + file, {
      file,
      cacheStorage,
      cacheName: BUILTIN_MODEL_CACHE_NAME,
      fetchImpl: options.fetchImpl,
      storage: options.storage,
      onNotKept: (entry) => notKept.push(entry),
    });
    downloadedBytes += bytes?.byteLength ?? 0;
    if (notKept.length > 0) break;
  }
  if (notKept.length === 0) return { status: 'kept', downloadedBytes };
  await deleteCachedModel(cacheStorage, baseUrl, BUILTIN_MODEL_CACHE_NAME);
  const [first] = notKept;
  return {
    status: 'not-kept',
    reason: first.room !== null ? noRoom(needed, first.room) : `the browser refused to store ${first.file}`,
  };
}

const noRoom = (needed: number, room: number | null) =>
  `it needs ${(needed / 1e6).toFixed(1)} MB and the browser leaves this site ${((room ?? 0) / 1e6).toFixed(1)} MB of storage`;
