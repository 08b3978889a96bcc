/**
 * Which .onnx variants a model folder offers, with sizes where the host says them: a Hugging Face hub
 * answers one listing request (its tree API gives every file's size); a plain folder URL cannot be listed,
 * so each known variant name is asked for with a HEAD request (Content-Length is its size). Nothing is
 * downloaded. The names and their order are onnx-variants.ts.
 */
import { CancelledError, ModelLoadError, throwIfAborted } from './errors';
import { knownVariantFiles, listVariants, type OnnxVariant } from './onnx-variants';
import { DEFAULT_HUB_HOST, DEFAULT_REVISION, modelBaseUrl, type ModelSource } from './sources';

export interface ListVariantsOptions {
  appBase: string;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

export interface VariantListing {
  variants: OnnxVariant[];
  /** How they were found: the hub's file listing, or HEAD requests for the known names. */
  method: 'listing' | 'probe';
}

type RemoteSource = Exclude<ModelSource, { kind: 'files' }>;

/** Requests at once while probing a folder: a few, so a slow host is not flooded. */
const PROBE_CONCURRENCY = 6;

export async function listRemoteVariants(source: RemoteSource, options: ListVariantsOptions): Promise<VariantListing> {
  const fetchImpl = options.fetchImpl ?? fetch;
  if (source.kind === 'hub') {
    const listed = await hubListing(source, fetchImpl, options.signal);
    if (listed) return { variants: listed, method: 'listing' };
  }
  const folder = modelBaseUrl(source, options.appBase) + 'onnx/';
  const names = knownVariantFiles();
  const found: { path: string; sizeBytes: number | null }[] = [];
  for (let start = 0; start < names.length; start += PROBE_CONCURRENCY) {
    throwIfAborted(options.signal);
    const batch = names.slice(start, start + PROBE_CONCURRENCY);
    const sizes = await Promise.all(batch.map((name) => headSize(folder + name, fetchImpl, options.signal)));
    batch.forEach((name, i) => {
      if (sizes[i] !== undefined) found.push({ path: name, sizeBytes: sizes[i] });
    });
  }
  return { variants: listVariants(found), method: 'probe' };
}

/** The hub's listing of onnx/ (`/api/models/{repo}/tree/{revision}/onnx`); null when it cannot be had. */
async function hubListing(
  source: Extract<RemoteSource, { kind: 'hub' }>,
  fetchImpl: typeof fetch,
  signal: AbortSignal | undefined,
): Promise<OnnxVariant[] | null> {
  modelBaseUrl(source, 'http://localhost/'); // validates the repo id with the loader's message
  const host = (source.host ?? DEFAULT_HUB_HOST).replace(/\/+$/, '');
  const revision = encodeURIComponent(source.revision?.trim() || DEFAULT_REVISION);
  const url = `${host}/api/models/${source.repo.trim()}/tree/${revision}/onnx`;
  let entries: unknown;
  try {
    const response = await fetchImpl(url, { signal, mode: 'cors', credentials: 'omit', cache: 'no-store' });
    if (!response.ok) return null;
    entries = await response.json();
  } catch {
    if (signal?.aborted) throw new CancelledError();
    return null;
  }
  if (!Array.isArray(entries)) return null;
  const files = entries.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return [];
    const { path, size, lfs } = entry as { path?: unknown; size?: unknown; lfs?: { size?: unknown } };
    if (typeof path !== 'string') return [];
    const bytes = typeof lfs?.size === 'number' ? lfs.size : typeof size === 'number' ? size : null;
    return [{ path, sizeBytes: bytes }];
  });
  return listVariants(files);
}

/** The size a HEAD request reports: a number, null when the file exists without a length, undefined when absent. */
async function headSize(
  url: string,
  fetchImpl: typeof fetch,
  signal: AbortSignal | undefined,
): Promise<number | null | undefined> {
  try {
    const response = await fetchImpl(url, {
      method: 'HEAD',
      signal,
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok) return undefined;
    const length = Number(response.headers.get('content-length'));
    return response.headers.has('content-length') && Number.isFinite(length) ? length : null;
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    if (error instanceof ModelLoadError) throw error;
    return undefined;
  }
}
