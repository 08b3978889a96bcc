/** A model file its host says is too large for onnxruntime's heap is refused before its body downloads. */
import { describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { tinyModelFiles } from '../../e2e/tiny-model-files';

const BASE = 'https://models.example.org/huge/';
const HUGE = 3 * 1024 ** 3;

describe('a model too large to load', () => {
  it('is refused by the size its host states, with the figure, before the .onnx is read', async () => {
    const tiny = tinyModelFiles();
    let onnxBytesRead = 0;
    const fetchImpl = (async (input: RequestInfo | URL) => {
      const path = String(input).slice(BASE.length);
      if (path === 'onnx/model.onnx') {
        // A body that would take forever: reading it at all is the failure.
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            onnxBytesRead += 65536;
            controller.enqueue(new Uint8Array(65536));
          },
        });
        return new Response(body, { headers: { 'content-length': String(HUGE) } });
      }
      const file = tiny[path as keyof typeof tiny];
      if (file === undefined) return new Response('Not found', { status: 404 });
      const bytes = typeof file === 'string' ? new TextEncoder().encode(file) : file;
      return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength) } });
    }) as typeof fetch;
    const engine = new PlaygroundEngine({
      appBase: 'http://app.test/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
      fetchImpl,
    });
    await expect(engine.load({ kind: 'url', url: BASE }, { executionProvider: 'wasm' })).rejects.toThrow(
      /onnx\/model\.onnx is 3\.0 GB \(as its host says; nothing was downloaded\), and would need about 6\.0 GB of onnxruntime's WebAssembly heap \(at most 4\.0 GB\) to load, and about 9\.6 GB once MC dropout is used/,
    );
    // At most what the stream queued ahead on its own; the body is cancelled, not read.
    expect(onnxBytesRead).toBeLessThanOrEqual(65536);
    expect(engine.info()).toBeNull();
  });
});
