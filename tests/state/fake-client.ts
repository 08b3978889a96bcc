/**
 * A stand-in for PlaygroundClient: every worker call returns a promise the test settles by hand, so a
 * test can hold a call open, start another, cancel, or fail it the way the real client would.
 */
import { CancelledError } from '../../src/core/cancel';
import type { ModelInfo } from '../../src/core/contracts/model';
import { WorkerRestartedError, type WorkerEvent } from '../../src/worker/client';

export interface PendingCall {
  method: string;
  args: unknown[];
  jobId: string | undefined;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class FakeClient {
  readonly calls: PendingCall[] = [];
  readonly cancelled: { jobId: string; hard: boolean }[] = [];
  private counter = 0;

  newJobId(prefix = 'job'): string {
    return `${prefix}-${++this.counter}`;
  }

  async cancel(jobId: string, options: { hard?: boolean } = {}): Promise<void> {
    this.cancelled.push({ jobId, hard: options.hard ?? false });
    // The worker's job registry answers a cancelled call with the core's CancelledError.
    const call = this.calls.find((c) => c.jobId === jobId);
    call?.reject(Object.assign(new Error('Cancelled.'), { name: 'CancelledError' }));
  }

  /** The last call of a method (the test settles it). */
  last(method: string): PendingCall {
    const call = this.calls.findLast((c) => c.method === method);
    if (!call) throw new Error(`no ${method} call`);
    return call;
  }

  restart(call: PendingCall, reason = 'it crashed'): void {
    call.reject(new WorkerRestartedError(reason));
  }

  cancelledError(): Error {
    return new CancelledError();
  }

  private readonly listeners = new Set<(event: WorkerEvent) => void>();

  on(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the real client says around a worker restart. */
  emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private pending(method: string, args: unknown[], jobId: string | undefined): Promise<never> {
    return new Promise((resolve, reject) => {
      this.calls.push({ method, args, jobId, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  attention = (text: string, pair: string | null, display: unknown, jobId?: string) =>
    this.pending('attention', [text, pair, display], jobId);
  mcAttention = (request: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('mcAttention', [request, onProgress], jobId);
  predict = (request: unknown, settings: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('predict', [request, settings, onProgress], jobId);
  continue = (request: unknown, settings: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('continue', [request, settings, onProgress], jobId);
  predictBatch = (
    texts: string[],
    task: unknown,
    settings: unknown,
    onProgress?: unknown,
    jobId?: string,
    head?: unknown,
  ) => this.pending('predictBatch', [texts, task, settings, onProgress, head], jobId);
  calibrate = (request: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('calibrate', [request, onProgress], jobId);
  analogySpaces = () => this.pending('analogySpaces', [], undefined);
  analogy = (spaces: unknown, words: unknown, options: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('analogy', [spaces, words, options, onProgress], jobId);
  neighbours = (spaces: unknown, word: string, options: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('neighbours', [spaces, word, options, onProgress], jobId);
  evaluateAnalogyFile = (text: string, spaces: unknown, options: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('evaluateAnalogyFile', [text, spaces, options, onProgress], jobId);
  loadWordVectors = (source: unknown, name: string, onProgress?: unknown, jobId?: string) =>
    this.pending('loadWordVectors', [source, name, onProgress], jobId);
  parseLabeledData = (input: unknown, options: unknown, jobId?: string) =>
    this.pending('parseLabeledData', [input, options], jobId);
  parseLabeledFile = (file: Blob, options: unknown, jobId?: string) =>
    this.pending('parseLabeledFile', [file, options], jobId);
  auditLabels = (rows: unknown, settings: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('auditLabels', [rows, settings, onProgress], jobId);
  clearEmbeddingCache = async () => undefined;
  trainHeads = (rows: unknown, request: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('trainHeads', [rows, request, onProgress], jobId);
  readonly pauses: { jobId: string; paused: boolean }[] = [];
  pause = async (jobId: string, paused: boolean) => {
    this.pauses.push({ jobId, paused });
    return true;
  };
  load = (source: unknown, options: unknown, onProgress?: unknown, jobId?: string) =>
    this.pending('load', [source, options, onProgress], jobId);
  reset = () => undefined;
  reloadLastModel = async () => null;
  cachedModels = async () => [];
  deleteCachedModel = async () => 0;
  keepBuiltin = (name: string, files: unknown) => this.pending('keepBuiltin', [name, files], undefined);
  tokenize = (text: string, pair?: string | null) => this.pending('tokenize', [text, pair], undefined);
  readBatchInputs = (source: Blob | string) => this.pending('readBatchInputs', [source], undefined);
}

/** A loaded model as the stores see it: its info and a generation the test bumps to "load another model". */
export class FakeModel {
  info: ModelInfo | null = fakeInfo();
  generation = 1;

  loadAnother(): void {
    this.info = fakeInfo(`other-${this.generation}`);
    this.generation++;
  }
}

export function fakeInfo(digest = 'digest-1'): ModelInfo {
  const tool = { available: true, reason: '' };
  return {
    label: 'fake',
    baseUrl: null,
    sizeBytes: 1,
    contentDigest: digest,
    executionProvider: 'wasm',
    fallbackReason: null,
    wasmThreads: 1,
    layers: 2,
    heads: 2,
    hiddenSize: 8,
    vocabSize: 10,
    maxPositions: 32,
    opset: 17,
    inputs: [],
    outputs: [],
    decoder: null,
    classLabels: ['a', 'b'],
    maskToken: '[MASK]',
    dropoutDefaults: { hidden: 0.1, attention: 0.1 },
    tools: { attention: tool, uncertainty: tool, analogy: tool, labels: tool },
    warnings: [],
    mismatches: [],
  };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** localStorage for Node: the stores read and write their settings through it. */
export function memoryStorage(initial: Record<string, unknown> = {}): Storage {
  const map = new Map(Object.entries(initial).map(([k, v]) => [`transformer-playground:${k}`, JSON.stringify(v)]));
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  };
}
