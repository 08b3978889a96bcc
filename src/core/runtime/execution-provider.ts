import * as ort from 'onnxruntime-web';
import type { SessionModel } from '../onnx/session-model';

export type ExecutionProviderChoice = 'auto' | 'webgpu' | 'wasm';
export type ExecutionProviderName = 'webgpu' | 'wasm';

export interface RuntimeEnvironment {
  /** Whether SharedArrayBuffer (and with it WASM threads) is usable: needs COOP/COEP. */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /**
   * onnxruntime's .wasm, when the host fetches it itself (the browser worker reads it from the app's cache,
   * src/core/runtime/runtime-binary.ts); absent, onnxruntime fetches it (Node reads its own file).
   */
  wasmBinary?: () => Promise<ArrayBuffer>;
}

let configuredThreads: number | null = null;
let warmUp: Promise<void> | null = null;
/** Settles once ort.env.wasm.wasmBinary is set (or given up on); no session may start before. */
let binaryReady: Promise<void> = Promise.resolve();
const WARM_UP_WAIT_MS = 20_000;

/** An 84-byte ONNX model, y = Identity(x) on float[1], for the warm-up session. */
const IDENTITY_MODEL = new Uint8Array([
  8, 8, 18, 7, 119, 97, 114, 109, 45, 117, 112, 26, 1, 49, 58, 62, 10, 20, 10, 1, 120, 18, 1, 121, 26, 2, 105, 100, 34,
  8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 4, 119, 97, 114, 109, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4,
  10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 17,
]);

/**
 * Starts onnxruntime's WASM fetch and compilation (27 MB for the WebGPU-capable build) at once, with a
 * throwaway session on a tiny model, so that it overlaps the model download instead of following it:
 * onnxruntime initialises WASM only when the first session is created. The real session waits for
 * this to finish (createSession), so the throwaway session never lives beside it.
 */
function startWarmUp(): void {
  warmUp ??= (async () => {
    await binaryReady;
    try {
      const session = await ort.InferenceSession.create(IDENTITY_MODEL, { executionProviders: ['wasm'] });
      await session.release();
    } catch {
      // The real session creation reports any problem with the runtime.
    }
  })();
}

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
  if (environment.wasmBinary) {
    // Without the binary onnxruntime fetches the .wasm by URL itself: slower to fail, but it still runs.
    binaryReady = environment.wasmBinary().then(
      (bytes) => void (ort.env.wasm.wasmBinary = bytes),
      () => undefined,
    );
  }
  startWarmUp();
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
    return adapter
      ? { available: true, reason: 'a WebGPU adapter is available' }
      : { available: false, reason: 'WebGPU gave no adapter' };
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

/**
 * onnxruntime-web keeps the external data files of the session being created in one module-wide table
 * and empties it when any creation ends, so two creations at once could lose each other's weights:
 * sessions are created one after another.
 */
let creations: Promise<unknown> = Promise.resolve();

/**
 * Creates a session on WebGPU when asked for or available, falling back to WASM on any failure. The model
 * is the encoded graph, with its weights as external data when it comes from sessionModel().
 */
export function createSession(
  model: Uint8Array | SessionModel,
  choice: ExecutionProviderChoice,
): Promise<CreatedSession> {
  const created = creations.then(() => createSessionNow(model, choice));
  creations = created.catch(() => undefined);
  return created;
}

async function createSessionNow(
  model: Uint8Array | SessionModel,
  choice: ExecutionProviderChoice,
): Promise<CreatedSession> {
  const { bytes, externalData } = model instanceof Uint8Array ? { bytes: model, externalData: [] } : model;
  const dataOption = externalData.length > 0 ? { externalData } : {};
  // The binary is awaited in full: a session started without it would make onnxruntime fetch the .wasm again.
  await binaryReady;
  // Never wait on the warm-up forever: it is only an optimisation.
  if (warmUp) await Promise.race([warmUp, new Promise((resolve) => setTimeout(resolve, WARM_UP_WAIT_MS))]);
  let fallbackReason: string | null = null;
  if (choice !== 'wasm') {
    const webgpu = await detectWebGpu();
    if (webgpu.available) {
      try {
        const session = await ort.InferenceSession.create(bytes, {
          executionProviders: ['webgpu'],
          graphOptimizationLevel: 'all',
          ...dataOption,
        });
        return { session, executionProvider: 'webgpu', fallbackReason: null };
      } catch (error) {
        fallbackReason = `WebGPU failed to create a session (${(error as Error).message}); using WASM`;
      }
    } else if (choice === 'webgpu') {
      fallbackReason = `${webgpu.reason}; using WASM`;
    }
  }
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    ...dataOption,
  });
  return { session, executionProvider: 'wasm', fallbackReason };
}
