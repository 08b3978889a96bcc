import { CancelledError, ModelLoadError, throwIfAborted } from './errors';
import type { ProgressCallback } from './progress';
import { MODEL_CACHE_NAME, type CacheStorageLike } from './model-cache';

export interface FetchFileOptions {
  /** Path inside the model folder, reported in progress events. */
  file: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Cache Storage to read from and write to; omitted where there is none (Node). */
  cacheStorage?: CacheStorageLike;
  /** A missing optional file resolves to null instead of throwing. */
  optional?: boolean;
  fetchImpl?: typeof fetch;
}

/**
 * Fetches one model file, streaming so the UI can show bytes loaded / total, and stores it in
 * Cache Storage so the next load (and offline use) reads it from disk.
 */
export async function fetchModelFile(url: string, options: FetchFileOptions): Promise<Uint8Array | null> {
  const { file, onProgress, signal, cacheStorage, optional } = options;
  throwIfAborted(signal);
  const cache = cacheStorage ? await cacheStorage.open(MODEL_CACHE_NAME) : undefined;
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    onProgress?.({ status: 'cached', file, loaded: bytes.byteLength, total: bytes.byteLength });
    return bytes;
  }

  onProgress?.({ status: 'initiate', file, loaded: 0, total: null });
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, { signal, mode: 'cors', credentials: 'omit' });
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
      onProgress?.({ status: 'done', file, loaded: 0, total: 0 });
      return null;
    }
    if (response.status === 404) {
      throw new ModelLoadError(`${file} was not found on ${hostOf(url)} (404). Check the repo id, revision and host.`, 'not-found', url);
    }
    throw new ModelLoadError(`Downloading ${file} from ${hostOf(url)} failed with HTTP ${response.status} ${response.statusText}`.trim() + '.', 'network', url);
  }

  const total = parseContentLength(response.headers.get('content-length'));
  const bytes = await readWithProgress(response, file, total, onProgress, signal);
  onProgress?.({ status: 'done', file, loaded: bytes.byteLength, total: bytes.byteLength });
  if (cache) await storeInCache(cache, url, bytes, response.headers.get('content-type'));
  return bytes;
}

async function readWithProgress(
  response: Response,
  file: string,
  total: number | null,
  onProgress: ProgressCallback | undefined,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      if (signal?.aborted) {
        await reader.cancel();
        throw new CancelledError();
      }
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ status: 'progress', file, loaded, total });
    }
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) throw new CancelledError();
    throw new ModelLoadError(`The download of ${file} broke off after ${loaded} bytes.`, 'network', String(error));
  }
  if (total !== null && loaded !== total && !response.headers.get('content-encoding')) {
    throw new ModelLoadError(`The download of ${file} is incomplete: ${loaded} of ${total} bytes arrived.`, 'network');
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function storeInCache(cache: Cache, url: string, bytes: Uint8Array, contentType: string | null): Promise<void> {
  const headers = new Headers({
    'content-type': contentType ?? 'application/octet-stream',
    'content-length': String(bytes.byteLength),
    'x-cached-at': new Date().toISOString(),
  });
  try {
    await cache.put(url, new Response(bytes.slice().buffer, { headers }));
  } catch {
    // A full quota must not fail the load: the model still runs, it is just not kept offline.
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
