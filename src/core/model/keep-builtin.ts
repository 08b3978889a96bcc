import { fetchModelFile } from './download';
import { BUILTIN_MODEL_CACHE_NAME, type CacheStorageLike } from './model-cache';
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
 * browser leaves too little room for all of them, none is fetched. The .onnx comes last: it is what marks
 * a model as there (Cached models lists no folder without it), so a keep cut short never looks whole. When a
 * write fails or a download breaks off (the connection lost while the page is idle), the files this call
 * kept are removed again: a built-in half-kept would only fail offline.
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
  const stored: string[] = [];
  let downloadedBytes = 0;
  try {
    for (const { file } of onnxLast(missing)) {
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
      stored.push(baseUrl + file);
    }
  } catch (error) {
    await forget(cache, stored);
    return { status: 'not-kept', reason: (error as Error).message };
  }
  if (notKept.length === 0) return { status: 'kept', downloadedBytes };
  await forget(cache, stored);
  const [first] = notKept;
  return {
    status: 'not-kept',
    reason: first.room !== null ? noRoom(needed, first.room) : `the browser refused to store ${first.file}`,
  };
}

/** The files in manifest order, the .onnx graphs after everything else (their external data included). */
export function onnxLast(files: readonly BuiltinFile[]): BuiltinFile[] {
  const isModel = ({ file }: BuiltinFile) => file.endsWith('.onnx');
  return [...files.filter((entry) => !isModel(entry)), ...files.filter(isModel)];
}

/** Removes what a keep that did not finish put in the cache; a failed delete only leaves a folder without its .onnx. */
async function forget(cache: Cache, urls: readonly string[]): Promise<void> {
  for (const url of urls) await cache.delete(url).catch(() => false);
}

const noRoom = (needed: number, room: number | null) =>
  `it needs ${(needed / 1e6).toFixed(1)} MB and the browser leaves this site ${((room ?? 0) / 1e6).toFixed(1)} MB of storage`;
