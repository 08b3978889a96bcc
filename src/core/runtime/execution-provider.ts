import * as ort from 'onnxruntime-web';

export type ExecutionProviderChoice = 'auto' | 'webgpu' | 'wasm';
export type ExecutionProviderName = 'webgpu' | 'wasm';

export interface RuntimeEnvironment {
  /** Whether SharedArrayBuffer (and with it WASM threads) is usable: needs COOP/COEP. */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

let configuredThreads: number | null = null;

/**
 * Sets ORT's WASM options once, before the first session: ORT reads them when it initialises its
 * WASM module and ignores later changes.
 */
export function configureWasm(environment: RuntimeEnvironment, requestedThreads?: number): number {
  if (configuredThreads !== null) return configuredThreads;
  const maxThreads = environment.crossOriginIsolated ? Math.max(1, Math.min(4, environment.hardwareConcurrency)) : 1;
  configuredThreads = Math.max(1, Math.min(maxThreads, requestedThreads ?? maxThreads));
  ort.env.wasm.numThreads = configuredThreads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return configuredThreads;
}

interface GpuLike {
  requestAdapter(): Promise<unknown | null>;
}

/** Asks the browser for a WebGPU adapter; false where there is no navigator.gpu or no adapter. */
export async function detectWebGpu(): Promise<{ available: boolean; reason: string }> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, reason: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { available: true, reason: 'a WebGPU adapter is available' } : { available: false, reason: 'WebGPU gave no adapter' };
  } catch (error) {
    return { available: false, reason: `WebGPU adapter request failed: ${(error as Error).message}` };
  }
}

export interface CreatedSession {
  session: ort.InferenceSession;
  executionProvider: ExecutionProviderName;
  /** Why the preferred provider was not used, when it was not. */
  fallbackReason: string | null;
}

/** Creates a session on WebGPU when asked for or available, falling back to WASM on any failure. */
export async function createSession(modelBytes: Uint8Array, choice: ExecutionProviderChoice): Promise<CreatedSession> {
  let fallbackReason: string | null = null;
  if (choice !== 'wasm') {
    const webgpu = await detectWebGpu();
    if (webgpu.available) {
      try {
        const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
        return { session, executionProvider: 'webgpu', fallbackReason: null };
      } catch (error) {
        fallbackReason = `WebGPU failed to create a session (${(error as Error).message}); using WASM`;
      }
    } else if (choice === 'webgpu') {
      fallbackReason = `${webgpu.reason}; using WASM`;
    }
  }
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { session, executionProvider: 'wasm', fallbackReason };
}
