/**
 * Which .onnx a hub repo or folder URL loads: onnx/model.onnx, else onnx/decoder_model_merged.onnx, else
 * onnx/decoder_model.onnx; an encoder–decoder repo (config.json is_encoder_decoder) is refused before any
 * .onnx downloads; a repo with none of them names all three.
 */
import { describe, expect, it } from 'vitest';
import { loadModelFiles } from '../../../src/core/model/load';
import { modelBaseUrl } from '../../../src/core/model/sources';
import { buildTinyDecoder } from '../../helpers/tiny-decoder';

const HOST = 'https://hub.test';
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function host(served: Record<string, Uint8Array>, requested: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    requested.push(url.slice(`${HOST}/tests/dec/resolve/main/`.length));
    const bytes = served[url.slice(`${HOST}/tests/dec/resolve/main/`.length)];
    if (!bytes) return new Response('Entry not found', { status: 404, statusText: 'Not Found' });
    return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength) } });
  }) as typeof fetch;
}

function repo(onnxName: string | null, config: Record<string, unknown>) {
  const tiny = buildTinyDecoder({ layout: 'merged' });
  const served: Record<string, Uint8Array> = {
    'config.json': encode(config),
    'tokenizer.json': encode(tiny.tokenizerJson),
    'tokenizer_config.json': encode(tiny.tokenizerConfig),
  };
  if (onnxName) served[`onnx/${onnxName}`] = tiny.bytes;
  return { tiny, served };
}

const load = (served: Record<string, Uint8Array>, requested: string[]) =>
  loadModelFiles(
    { kind: 'hub', repo: 'tests/dec', host: HOST },
    { appBase: 'http://localhost/', fetchImpl: host(served, requested) },
  );

describe('decoder file names', () => {
  it('falls back from onnx/model.onnx to decoder_model_merged.onnx, then decoder_model.onnx', async () => {
    for (const name of ['model.onnx', 'decoder_model_merged.onnx', 'decoder_model.onnx']) {
      const { tiny, served } = repo(name, buildTinyDecoder().configJson);
      const requested: string[] = [];
      const files = await load(served, requested);
      expect(files.onnxFile).toBe(`onnx/${name}`);
      expect(files.onnxBytes).toEqual(tiny.bytes);
      const tried = requested.filter((path) => path.endsWith('.onnx'));
      const order = ['onnx/model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model.onnx'];
      expect(tried).toEqual(order.slice(0, order.indexOf(`onnx/${name}`) + 1));
    }
  });

  it('names every file tried when none exists', async () => {
    const { served } = repo(null, {});
    await expect(load(served, [])).rejects.toThrow(
      'No ONNX model was found for tests/dec: tried onnx/model.onnx, onnx/decoder_model_merged.onnx, onnx/decoder_model.onnx',
    );
  });

  it('refuses an encoder–decoder repo before downloading any .onnx', async () => {
    const { served } = repo('decoder_model.onnx', { model_type: 't5', is_encoder_decoder: true });
    const requested: string[] = [];
    await expect(load(served, requested)).rejects.toThrow(
      /encoder–decoder model .*decoder-only causal language models/,
    );
    expect(requested.some((path) => path.endsWith('.onnx'))).toBe(false);
  });

  it('a pasted link to any of the files means its folder', () => {
    for (const name of ['model.onnx', 'decoder_model_merged.onnx', 'decoder_model.onnx'])
      expect(modelBaseUrl({ kind: 'url', url: `https://example.test/m/onnx/${name}` }, 'http://localhost/')).toBe(
        'https://example.test/m/',
      );
  });
});
