import { CancelledError, ModelLoadError, throwIfAborted } from './errors';
import type { ProgressCallback } from './progress';
import { MODEL_CACHE_NAME, type CacheStorageLike } from './model-cache';
import { fitsIn, storageRoom, type NotKept, type StorageEstimator } from './storage-room';

export interface FetchFileOptions {
  /** Path inside the model folder, reported in progress events. */
  file: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Cache Storage to read from and write to; omitted where there is none (Node). */
  cacheStorage?: CacheStorageLike;
  /** The cache to keep the file in (default MODEL_CACHE_NAME, the "Cached models" list). */
  cacheName?: string;
  /** A missing optional file resolves to null instead of throwing. */
  optional?: boolean;
  /** What to check when a file is missing (404), as its source names things; see notFoundHint in load.ts. */
  notFoundHint?: string;
  fetchImpl?: typeof fetch;
  /** The site's storage quota (navigator.storage), checked before a download is kept. */
  storage?: StorageEstimator;
  /** Told when a downloaded file is not kept in the cache (no room, or the write failed). */
  onNotKept?: (notKept: NotKept) => void;
  /** Called with the file's size once the host states it, before its body is read; throws to refuse the file. */
  checkSize?: (file: string, bytes: number) => void;
}

/**
 * Fetches one model file, streaming so the UI can show bytes loaded / total, and stores it in
 * Cache Storage so the next load (and offline use) reads it from disk.
 */
export async function fetchModelFile(url: string, options: FetchFileOptions): Promise<Uint8Array | null> {
  const { file, onProgress, signal, cacheStorage } = options;
  throwIfAborted(signal);
  const cache = cacheStorage ? await cacheStorage.open(options.cacheName ?? MODEL_CACHE_NAME) : undefined;
  const cached = (await cache?.match(url)) ?? (await fromServiceWorkerPrecache(cacheStorage, url));
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    onProgress?.({ status: 'cached', file, loaded: bytes.byteLength, total: bytes.byteLength });
    return bytes;
  }

  onProgress?.({ status: 'initiate', file, loaded: 0, total: null });
  // The room is read before the download starts: what the browser leaves this site for it.
  const room = cache ? await storageRoom(options.storage) : null;
  const download = await downloadWithResume(url, options);
  if (download === null) return null;
  const { bytes, contentType } = download;
  onProgress?.({ status: 'done', file, loaded: bytes.byteLength, total: bytes.byteLength });
  if (cache) {
    const kept = fitsIn(bytes.byteLength, room) && (await storeInCache(cache, url, bytes, contentType));
    if (!kept)
      options.onNotKept?.({ file, bytes: bytes.byteLength, room: fitsIn(bytes.byteLength, room) ? null : room });
  }
  return bytes;
}

/** How often a download that broke off is picked up again before the user sees the error. */
export const DOWNLOAD_ATTEMPTS = 3;

/** A body that broke off mid-stream: worth another attempt, unlike a 404 or an unreachable host. */
class BrokenDownload extends Error {
  constructor(
    readonly received: Uint8Array[],
    readonly loaded: number,
    readonly userMessage: string,
    readonly detail: string,
  ) {
    super(userMessage);
  }
}

/**
 * Downloads with up to DOWNLOAD_ATTEMPTS tries. A connection that drops mid-file (a flaky network, or
 * Chromium's ERR_CACHE_WRITE_FAILURE while the service worker precaches the same URL) resumes with a
 * Range request when the host honours it and starts over otherwise. `cache: 'no-store'` keeps the
 * browser's HTTP cache out of it: the Cache API copy is the one the app reads back.
 */
async function downloadWithResume(
  url: string,
  options: FetchFileOptions,
): Promise<{ bytes: Uint8Array; contentType: string | null } | null> {
  const { file, onProgress, signal } = options;
  let received: Uint8Array[] = [];
  let loaded = 0;
  let lastBreak: BrokenDownload | null = null;
  for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
    if (attempt > 1) await delay(400 * (attempt - 1), signal);
    const headers: Record<string, string> = loaded > 0 ? { range: `bytes=${loaded}-` } : {};
    const response = await fetchOrExplain(url, file, headers, options);
    if (response === null) return null;
    const resumed = loaded > 0 && response.status === 206;
    if (!resumed) {
      received = [];
      loaded = 0;
    }
    const total = totalLength(response, loaded);
    if (total !== null && options.checkSize) {
      try {
        options.checkSize(file, total);
      } catch (error) {
        await response.body?.cancel().catch(() => undefined);
        throw error;
      }
    }
    try {
      const chunks = await readWithProgress(response, file, loaded, total, onProgress, signal);
      received.push(...chunks.received);
      return { bytes: concatenate(received, chunks.loaded), contentType: response.headers.get('content-type') };
    } catch (error) {
      if (!(error instanceof BrokenDownload)) throw error;
      received.push(...error.received);
      loaded = error.loaded;
      lastBreak = error;
    }
  }
  throw new ModelLoadError(lastBreak!.userMessage, 'network', lastBreak!.detail);
}

async function fetchOrExplain(
  url: string,
  file: string,
  headers: Record<string, string>,
  options: FetchFileOptions,
): Promise<Response | null> {
  const { signal, optional } = options;
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, {
      signal,
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      headers,
    });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    throw new ModelLoadError(
      `Could not reach ${hostOf(url)} to download ${file}. Check the address and your connection (offline, the host must be cached).`,
      'network',
      String(error),
    );
  }
  if (!response.ok) {
    if (optional && (response.status === 404 || response.status === 401 || response.status === 403)) {
      options.onProgress?.({ status: 'done', file, loaded: 0, total: 0 });
      return null;
    }
    if (response.status === 404) {
      throw new ModelLoadError(
        `${file} was not found on ${hostOf(url)} (404). ${options.notFoundHint ?? 'Check the address.'}`,
        'not-found',
        url,
      );
    }
    throw new ModelLoadError(
      `Downloading ${file} from ${hostOf(url)} failed with HTTP ${response.status} ${response.statusText}`.trim() + '.',
      'network',
      url,
    );
  }
  return response;
}

/**
 * A copy the service worker precached (src/sw.ts: the built-in models' static vectors), so the app reads it
 * instead of downloading the same file again. Workbox keys its precache by URL plus a __WB_REVISION__
 * parameter, hence ignoreSearch, used only for URLs without a query of their own.
 */
async function fromServiceWorkerPrecache(
  cacheStorage: CacheStorageLike | undefined,
  url: string,
): Promise<Response | undefined> {
  if (!cacheStorage?.match || url.includes('?')) return undefined;
  try {
    const response = await cacheStorage.match(url, { ignoreSearch: true });
    return response?.ok ? response : undefined;
  } catch {
    return undefined;
  }
}

/** The whole file's size: a 206 reports the rest of it, plus what the earlier attempts already have. */
function totalLength(response: Response, alreadyLoaded: number): number | null {
  const range = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '');
  if (response.status === 206 && range) return Number(range[1]);
  const length = parseContentLength(response.headers.get('content-length'));
  return length === null ? null : length + (response.status === 206 ? alreadyLoaded : 0);
}

async function readWithProgress(
  response: Response,
  file: string,
  startAt: number,
  total: number | null,
  onProgress: ProgressCallback | undefined,
  signal: AbortSignal | undefined,
): Promise<{ received: Uint8Array[]; loaded: number }> {
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    return { received: [whole], loaded: startAt + whole.byteLength };
  }
  const reader = response.body.getReader();
  const received: Uint8Array[] = [];
  let loaded = startAt;
  try {
    for (;;) {
      if (signal?.aborted) {
        await reader.cancel();
        throw new CancelledError();
      }
      const { done, value } = await reader.read();
      if (done) break;
      received.push(value);
      loaded += value.byteLength;
      onProgress?.({ status: 'progress', file, loaded, total });
    }
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) throw new CancelledError();
    throw new BrokenDownload(
      received,
      loaded,
      `The download of ${file} broke off after ${loaded} bytes.`,
      String(error),
    );
  }
  if (total !== null && loaded !== total && !response.headers.get('content-encoding')) {
    throw new BrokenDownload(
      received,
      loaded,
      `The download of ${file} is incomplete: ${loaded} of ${total} bytes arrived.`,
      'ended early',
    );
  }
  return { received, loaded };
}

function concatenate(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new CancelledError());
      },
      { once: true },
    );
  });
}

/** Whether the file was stored; a full quota must not fail the load (the model still runs, just not offline). */
async function storeInCache(
  cache: Cache,
  url: string,
  bytes: Uint8Array,
  contentType: string | null,
): Promise<boolean> {
  const headers = new Headers({
    'content-type': contentType ?? 'application/octet-stream',
    'content-length': String(bytes.byteLength),
    'x-cached-at': new Date().toISOString(),
  });
  try {
    // The Response takes its own copy of the bytes (fetch's "extract a body"), so none is made here:
    // another 400 MB at the moment the page holds the most, for a BERT-base-sized model.
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
    return true;
  } catch {
    return false;
  }
}

function parseContentLength(value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
