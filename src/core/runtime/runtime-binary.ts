import type { CacheStorageLike } from '../model/model-cache';

/**
 * Where the app keeps onnxruntime's .wasm. The app is its one owner: the service worker does not precache it
 * (src/sw.ts), because on a first visit the page's worker needs it before the service worker has installed,
 * and both fetching it sent the 27 MB binary twice.
 */
export const RUNTIME_CACHE_NAME = 'transformer-playground-runtime-v1';

export interface RuntimeBinaryOptions {
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
  /**
   * A gzipped copy of the same file (the build emits one: vite-plugins/compressed-wasm.ts), tried first: it is
   * a quarter of the size on the wire whether or not the host compresses .wasm, and in the cache.
   */
  compressedUrl?: string;
}

/** The suffix of the build's gzipped copy of a .wasm (vite-plugins/compressed-wasm.ts writes it). */
export const COMPRESSED_WASM_SUFFIX = '.gz';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const GZIP_MAGIC = [0x1f, 0x8b];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, i) => bytes[i] === byte);

/**
 * onnxruntime's .wasm, from the app's cache or else downloaded once and kept there (for the next start and
 * for offline use). The file names are content-hashed, so an entry under another URL belongs to an older
 * build: it is removed once the new one is stored. A full quota only means the binary is not kept.
 */
export async function loadRuntimeBinary(url: string, options: RuntimeBinaryOptions = {}): Promise<ArrayBuffer> {
  const cache = options.cacheStorage ? await options.cacheStorage.open(RUNTIME_CACHE_NAME) : undefined;
  const candidates = options.compressedUrl ? [options.compressedUrl, url] : [url];
  for (const candidate of candidates) {
    const cached = await cache?.match(candidate);
    const binary = cached?.ok ? await unpack(new Uint8Array(await cached.arrayBuffer())) : null;
    if (binary) return binary;
  }
  for (const candidate of candidates) {
    const fetched = await download(candidate, options.fetchImpl ?? fetch);
    const binary = fetched && (await unpack(fetched));
    if (!fetched || !binary) continue;
    if (cache) await keep(cache, candidate, fetched);
    return binary;
  }
  throw new Error(`onnxruntime's WebAssembly (${url}) could not be fetched.`);
}

async function download(url: string, fetchImpl: typeof fetch): Promise<Uint8Array | null> {
  try {
    const response = await fetchImpl(url, { credentials: 'same-origin' });
    return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

/**
 * The WebAssembly module in `bytes`: as is, or gunzipped. Anything else (a dev server's index.html for a
 * file it does not have) is null. A host that sent the .gz with Content-Encoding: gzip has already unpacked it.
 */
async function unpack(bytes: Uint8Array): Promise<ArrayBuffer | null> {
  if (startsWith(bytes, WASM_MAGIC)) return whole(bytes);
  if (!startsWith(bytes, GZIP_MAGIC)) return null;
  try {
    const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
    const binary = new Uint8Array(await new Response(stream).arrayBuffer());
    return startsWith(binary, WASM_MAGIC) ? whole(binary) : null;
  } catch {
    return null;
  }
}

/** The bytes as an ArrayBuffer of their own, copied only when they are a view into a larger one. */
function whole(bytes: Uint8Array): ArrayBuffer {
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (own ? bytes : bytes.slice()).buffer as ArrayBuffer;
}

async function keep(cache: Cache, url: string, bytes: Uint8Array): Promise<void> {
  try {
    await cache.put(
      url,
      new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
      }),
    );
    for (const request of await cache.keys()) if (request.url !== url) await cache.delete(request);
  } catch {
    // Not kept (quota): this start still runs; the next one downloads it again.
  }
}
