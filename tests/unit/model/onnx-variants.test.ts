/**
 * The .onnx variants a model folder offers: named and ordered (full precision first, the default), listed with
 * sizes from a hub listing or HEAD requests, picked among local files, remembered in links, loaded when chosen;
 * a graph with an operator onnxruntime cannot run is refused with a message naming it.
 */
import { describe, expect, it } from 'vitest';
import { unsupportedOp } from '../../../src/core/engine/model/model-memory';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { loadModelFiles } from '../../../src/core/model/load';
import { pickModelFiles } from '../../../src/core/model/local-files';
import { defaultVariant, listVariants, parseVariant } from '../../../src/core/model/onnx-variants';
import { listRemoteVariants } from '../../../src/core/model/variant-listing';
import { makeValueInfo } from '../../../src/core/onnx/builder';
import { encodeModel } from '../../../src/core/onnx/codec';
import { GraphEditor } from '../../../src/core/onnx/editor';
import { DataType, type OnnxModel } from '../../../src/core/onnx/types';
import { formatModelRef, parseModelRef } from '../../../src/core/workshop/model-ref';
import { tinyModelFiles } from '../../e2e/tiny-model-files';

const HUB_TREE = [
  { type: 'file', path: 'onnx/model_q4.onnx', size: 135, lfs: { size: 40_000_000 } },
  { type: 'file', path: 'onnx/model_quantized.onnx', size: 135, lfs: { size: 110_000_000 } },
  { type: 'file', path: 'onnx/model.onnx', size: 135, lfs: { size: 438_000_000 } },
  { type: 'file', path: 'onnx/model_fp16.onnx', size: 135, lfs: { size: 219_000_000 } },
  { type: 'file', path: 'onnx/model_bnb4.onnx', size: 135, lfs: { size: 45_000_000 } },
  { type: 'file', path: 'onnx/encoder_model.onnx', size: 100 },
  { type: 'file', path: 'onnx/model.onnx_data', size: 1000 },
];

describe('ONNX file variants', () => {
  it('are named from their files and ordered: layouts as tried, full precision first, then fp16, int8, 4-bit', () => {
    const names = [
      'decoder_model_merged_quantized.onnx',
      'model_uint8.onnx',
      'model_q4f16.onnx',
      'decoder_model_merged.onnx',
      'model_int8.onnx',
      'model_custom.onnx',
      'model.onnx',
      'model_fp16.onnx',
      'tokenizer.json',
      'encoder_model.onnx',
    ];
    const variants = listVariants(names.map((path) => ({ path })));
    expect(variants.map((variant) => variant.file)).toEqual([
      'model.onnx',
      'model_fp16.onnx',
      'model_int8.onnx',
      'model_uint8.onnx',
      'model_q4f16.onnx',
      'model_custom.onnx',
      'decoder_model_merged.onnx',
      'decoder_model_merged_quantized.onnx',
    ]);
    expect(parseVariant('onnx/decoder_model_merged_fp16.onnx')).toMatchObject({
      base: 'decoder_model_merged',
      suffix: 'fp16',
      label: 'float16',
    });
    expect(defaultVariant(variants)?.file).toBe('model.onnx');
    // A repo that ships only quantized files loads the first of them by default.
    expect(defaultVariant(listVariants([{ path: 'model_q4.onnx' }, { path: 'model_quantized.onnx' }]))?.file).toBe(
      'model_quantized.onnx',
    );
  });

  it('come from one hub listing request with the LFS sizes', async () => {
    const requests: string[] = [];
    const fetchImpl = (async (url: string) => {
      requests.push(url);
      return new Response(JSON.stringify(HUB_TREE), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const listing = await listRemoteVariants(
      { kind: 'hub', repo: 'Xenova/bert-base-uncased', revision: 'v2', host: 'https://hub.example' },
      { appBase: 'http://localhost/', fetchImpl },
    );
    expect(requests).toEqual(['https://hub.example/api/models/Xenova/bert-base-uncased/tree/v2/onnx']);
    expect(listing.method).toBe('listing');
    expect(listing.variants.map((variant) => [variant.file, variant.sizeBytes])).toEqual([
      ['model.onnx', 438_000_000],
      ['model_fp16.onnx', 219_000_000],
      ['model_quantized.onnx', 110_000_000],
      ['model_q4.onnx', 40_000_000],
      ['model_bnb4.onnx', 45_000_000],
    ]);
  });

  it('come from HEAD requests with Content-Length on a folder URL (and a hub whose listing fails)', async () => {
    const present: Record<string, number> = { 'model.onnx': 4000, 'model_quantized.onnx': 1000 };
    const methods = new Set<string>();
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      methods.add(init?.method ?? 'GET');
      const name = url.slice(url.lastIndexOf('/') + 1);
      if (init?.method !== 'HEAD' || !(name in present)) return new Response(null, { status: 404 });
      return new Response(null, { headers: { 'content-length': String(present[name]) } });
    }) as typeof fetch;
    for (const source of [
      { kind: 'url' as const, url: 'https://models.example/bert/onnx/model_fp16.onnx' },
      { kind: 'hub' as const, repo: 'owner/name', host: 'https://models.example' },
    ]) {
      const listing = await listRemoteVariants(source, { appBase: 'http://localhost/', fetchImpl });
      expect(listing.method).toBe('probe');
      expect(listing.variants.map((variant) => [variant.file, variant.sizeBytes])).toEqual([
        ['model.onnx', 4000],
        ['model_quantized.onnx', 1000],
      ]);
    }
  });

  it('among picked files: full precision by default, the named one when chosen, sizes from the files', () => {
    const file = (size: number, name: string) => new File([new Uint8Array(size)], name);
    const picked = [
      file(30, 'model_quantized.onnx'),
      file(100, 'model.onnx'),
      file(50, 'model_fp16.onnx'),
      file(2, 'tokenizer.json'),
    ];
    const byDefault = pickModelFiles(picked);
    if ('error' in byDefault) throw new Error(byDefault.error);
    expect(byDefault.files.onnx.name).toBe('model.onnx');
    expect(byDefault.files.externalData).toEqual([]);
    expect(byDefault.variants.map((variant) => [variant.file, variant.sizeBytes])).toEqual([
      ['model.onnx', 100],
      ['model_fp16.onnx', 50],
      ['model_quantized.onnx', 30],
    ]);
    const chosen = pickModelFiles(picked, 'model_quantized.onnx');
    if ('error' in chosen) throw new Error(chosen.error);
    expect(chosen.files.onnx.name).toBe('model_quantized.onnx');
  });

  it('are remembered in a link after "|", and a bad file name is refused', () => {
    for (const source of [
      { kind: 'hub' as const, repo: 'Xenova/bert-base-uncased', onnxFile: 'model_quantized.onnx' },
      { kind: 'url' as const, url: 'https://models.example/bert/', onnxFile: 'model_fp16.onnx' },
      { kind: 'embedded' as const, name: 'playground-bert-mini', onnxFile: 'model_int8.onnx' },
    ]) {
      expect(parseModelRef(formatModelRef(source))).toEqual(source);
    }
    expect(formatModelRef({ kind: 'hub', repo: 'a/b', onnxFile: 'model_q4.onnx' })).toBe('hub:a/b|model_q4.onnx');
    expect(parseModelRef('hub:a/b|../secret.onnx')).toEqual({
      error: '"../secret.onnx" is not the name of an .onnx file',
    });
  });

  it('load the chosen file only: onnx/<file> is fetched, not model.onnx, and a missing one is named', async () => {
    const files = tinyModelFiles();
    const fetched: string[] = [];
    const fetchImpl = (async (url: string) => {
      const path = url.replace('https://models.example/tiny/', '');
      fetched.push(path);
      const bytes = path === 'onnx/model_quantized.onnx' ? files['onnx/model.onnx'] : files[path];
      return bytes ? new Response(bytes.slice()) : new Response(null, { status: 404 });
    }) as typeof fetch;
    const loaded = await loadModelFiles(
      { kind: 'url', url: 'https://models.example/tiny/', onnxFile: 'model_quantized.onnx' },
      { appBase: 'http://localhost/', fetchImpl },
    );
    expect(loaded.onnxFile).toBe('onnx/model_quantized.onnx');
    expect(fetched.filter((path) => path.endsWith('.onnx'))).toEqual(['onnx/model_quantized.onnx']);
    await expect(
      loadModelFiles(
        { kind: 'url', url: 'https://models.example/tiny/', onnxFile: 'model_q4.onnx' },
        { appBase: 'http://localhost/', fetchImpl },
      ),
    ).rejects.toThrow(/onnx\/model_q4\.onnx was not found on models\.example \(404\)/);
  });
});

describe('a graph with an operator onnxruntime cannot run', () => {
  it('is refused with a message naming the operator', async () => {
    expect(unsupportedOp('Fatal error: com.microsoft:FooBar(-1) is not a registered function/op')).toBe(
      'FooBar (com.microsoft)',
    );
    expect(unsupportedOp("Could not find an implementation for MatMulNBits(1) node with name 'mm'")).toBe(
      'MatMulNBits',
    );
    const graph = {
      name: 'g',
      node: [],
      initializer: [],
      input: [makeValueInfo('input_ids', DataType.INT64, ['batch', 'seq'])],
      output: [makeValueInfo('y', DataType.FLOAT)],
      valueInfo: [],
    } as unknown as OnnxModel['graph'];
    new GraphEditor(graph).addNode('MatMulFancy4', ['input_ids'], { domain: 'com.microsoft', outputNames: ['y'] });
    const model: OnnxModel = {
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph,
    };
    const tiny = tinyModelFiles();
    const engine = new PlaygroundEngine({
      appBase: 'http://localhost/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;
    await expect(
      engine.load(
        {
          kind: 'files',
          files: {
            onnx: { name: 'model_q9.onnx', bytes: buffer(encodeModel(model)) },
            tokenizer: { name: 'tokenizer.json', bytes: buffer(tiny['tokenizer.json']) },
          },
        },
        { executionProvider: 'wasm' },
      ),
    ).rejects.toThrow(
      /model_q9\.onnx uses the operator MatMulFancy4 \(com\.microsoft\), which onnxruntime-web cannot run/,
    );
  });
});
