/**
 * Loading the real-size model as the engine does and as onnxruntime-web alone does, from the same bytes
 * already in memory (no download): prepareModel (decode, checks, attention surgery, session) against
 * InferenceSession.create on the file. Shared by the real-size suite and its quick probe.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { prepareModel } from '../src/core/engine/model/prepare-model';
import { loadModelFiles, type LoadedModelFiles } from '../src/core/model/load';
import { BERT_BASE_DIR, ensureBertBaseModel } from './bert-base-model';

export const BENCH_BASE = 'http://bench.local/';

/** Serves the cached model folder as if it were a model folder URL. */
export const folderFetch: typeof fetch = async (input) => {
  const relative = decodeURIComponent(new URL(String(input)).pathname).replace(/^\/+/, '');
  try {
    const bytes = readFileSync(path.join(BERT_BASE_DIR, relative));
    return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
  } catch {
    return new Response('Not found', { status: 404 });
  }
};

export async function loadBertBaseFiles(): Promise<LoadedModelFiles> {
  ensureBertBaseModel();
  return loadModelFiles({ kind: 'url', url: BENCH_BASE }, { appBase: BENCH_BASE, fetchImpl: folderFetch });
}

/** Milliseconds from bytes to a prepared model (released afterwards). */
export async function timePrepare(files: LoadedModelFiles, threads: number): Promise<number> {
  const start = performance.now();
  const model = await prepareModel(files, 'wasm', threads);
  const ms = performance.now() - start;
  await model.release();
  return ms;
}

/** Milliseconds for onnxruntime-web alone to create a session on the same bytes (released afterwards). */
export async function timeRawSession(bytes: Uint8Array): Promise<number> {
  const start = performance.now();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const ms = performance.now() - start;
  await session.release();
  return ms;
}

/** A text of exactly `length` tokens, [CLS] and [SEP] included, as `count` counts them. */
export function textOfLength(count: (text: string) => number, length: number): string {
  const words = 'the old dog and the young cat sat on a warm mat near the door of the small house by the river'.split(
    ' ',
  );
  const parts: string[] = [];
  for (let i = 0; parts.length < 4 * length; i++) {
    parts.push(words[i % words.length]);
    const tokens = count(parts.join(' '));
    if (tokens === length) return parts.join(' ');
    if (tokens > length) parts.pop();
  }
  throw new Error(`Could not build a ${length}-token text.`);
}
