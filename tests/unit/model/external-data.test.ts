/**
 * Models whose weights live in an ONNX external data file (onnx/model.onnx + onnx/model.onnx_data,
 * as exporters write models over 2 GB and many Hugging Face repos ship them): fetched next to the
 * .onnx from a host, or picked together with it, they load and compute exactly what the same model
 * with inline weights computes. A data file that cannot be reached is named in the message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { prepareModel, type PreparedModel } from '../../../src/core/engine/model/prepare-model';
import { ModelLoadError } from '../../../src/core/model/errors';
import { loadModelFiles } from '../../../src/core/model/load';
import { listCachedModels } from '../../../src/core/model/model-cache';
import { ProgressAggregator, type ProgressEvent } from '../../../src/core/model/progress';
import type { LocalModelFiles, ModelSource } from '../../../src/core/model/sources';
import { decodeModel, encodeModel, readTokenEmbeddings } from '../../../src/core/onnx';
import { externalDataFiles } from '../../helpers/external-data-files';
import { textFeeds } from '../../helpers/onnx-runtime';
import { createFakeCacheStorage } from './fake-cache';

const files = externalDataFiles();
const APP_BASE = 'http://localhost/';
const HOST = 'https://hub.test';
const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;

/** A Hugging Face-layout host serving `repo`'s files; records every URL asked for. */
function hostServing(repo: string, served: Record<string, Uint8Array>, requested: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    requested.push(url);
    const path = url.startsWith(`${HOST}/${repo}/resolve/main/`)
      ? url.slice(`${HOST}/${repo}/resolve/main/`.length)
      : null;
    const bytes = path === null ? undefined : served[path];
    if (!bytes) return new Response('Entry not found', { status: 404, statusText: 'Not Found' });
    return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength) } });
  }) as typeof fetch;
}

const localFiles = (extra: Partial<LocalModelFiles> = {}): LocalModelFiles => ({
  onnx: { name: 'model.onnx', bytes: buffer(files.onnx) },
  tokenizer: { name: 'tokenizer.json', bytes: buffer(files.tokenizer) },
  config: { name: 'config.json', bytes: buffer(files.config) },
  ...extra,
});

async function prepared(
  source: ModelSource,
  fetchImpl?: typeof fetch,
  onProgress?: (event: ProgressEvent) => void,
): Promise<PreparedModel> {
  const loaded = await loadModelFiles(source, {
    appBase: APP_BASE,
    fetchImpl,
    onProgress,
    cacheStorage: createFakeCacheStorage(),
  });
  return prepareModel(loaded, 'wasm', 1);
}

async function outputsOf(model: PreparedModel): Promise<Record<string, number[]>> {
  const ids = [
    [2, 5, 6, 7, 3],
    [2, 8, 9, 3, 0],
  ];
  const mask = ids.map((row) => row.map((id) => (id === 0 ? 0 : 1)));
  const result = await model.session.run(textFeeds(ids, mask), ['logits', 'last_hidden_state', 'classifier_logits']);
  return Object.fromEntries(
    Object.entries(result).map(([name, tensor]) => [name, Array.from(tensor.data as Float32Array)]),
  );
}

describe('a model with its weights in an external data file', () => {
  let inline: PreparedModel;
  let inlineOutputs: Record<string, number[]>;

  beforeAll(async () => {
    inline = await prepared({
      kind: 'files',
      files: localFiles({ onnx: { name: 'model.onnx', bytes: buffer(files.inline) } }),
    });
    inlineOutputs = await outputsOf(inline);
  });

  it('is really saved that way: the .onnx holds references only, and most of the weights are in the data file', () => {
    const references = decodeModel(files.onnx).graph.initializer.filter((tensor) => tensor.dataLocation === 1);
    expect(references.map((tensor) => tensor.name)).toEqual(files.moved);
    expect(files.moved).toContain('embeddings.word_embeddings.weight');
    expect(files.data.byteLength).toBeGreaterThan(files.onnx.byteLength);
  });

  it('loads from a host with onnx/model.onnx_data fetched next to it, cached, with progress, and computes what the inline model does', async () => {
    const requested: string[] = [];
    const events: ProgressEvent[] = [];
    const cacheStorage = createFakeCacheStorage();
    const fetchImpl = hostServing(
      'tests/ext',
      {
        'onnx/model.onnx': files.onnx,
        'onnx/model.onnx_data': files.data,
        'tokenizer.json': files.tokenizer,
        'config.json': files.config,
      },
      requested,
    );
    const loaded = await loadModelFiles(
      { kind: 'hub', repo: 'tests/ext', host: HOST },
      { appBase: APP_BASE, fetchImpl, cacheStorage, onProgress: (event) => events.push(event) },
    );
    const model = await prepareModel(loaded, 'wasm', 1);

    expect(requested).toContain(`${HOST}/tests/ext/resolve/main/onnx/model.onnx_data`);
    // The overall bar is indeterminate until model.onnx's size is known: it never shows the small files as 100%.
    const overall: (number | null)[] = [];
    const aggregate = new ProgressAggregator((progress) => overall.push(progress.fraction));
    events.forEach(aggregate.handle);
    const onnxSizeKnown = events.findIndex((event) => event.file === 'onnx/model.onnx' && event.total !== null);
    expect(onnxSizeKnown).toBeGreaterThan(0);
    expect(overall.slice(0, onnxSizeKnown).every((fraction) => fraction === null)).toBe(true);
    expect(overall.at(-1)).toBe(1);
    expect(events.filter((event) => event.file === 'onnx/model.onnx_data').map((event) => event.status)).toContain(
      'done',
    );
    const cached = await listCachedModels(cacheStorage);
    expect(cached[0].files.map((file) => file.file).sort()).toEqual([
      'config.json',
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'tokenizer.json',
    ]);
    expect(await outputsOf(model)).toEqual(inlineOutputs);
    // Every tool is there: the embedding table was read from the data file.
    for (const tool of Object.values(model.info.tools)) expect(tool.available).toBe(true);
    expect(model.description.externalDataInitializers).toEqual([]);
    expect(model.info.warnings).toEqual([]);
    // The stated size is the download of the model files: .onnx, its data file, tokenizer.json and config.json.
    expect(model.info.sizeBytes).toBe(
      files.onnx.byteLength + files.data.byteLength + files.tokenizer.byteLength + files.config.byteLength,
    );
    const fromData = readTokenEmbeddings(model.graph);
    const fromInline = readTokenEmbeddings(inline.graph);
    expect(fromData.data.length).toBe(fromData.vocabSize * fromData.hiddenSize);
    expect(fromData.data.length).toBeGreaterThan(0);
    expect(Array.from(fromData.data)).toEqual(Array.from(fromInline.data));
    // Re-encoding the graph (as every later surgery does) keeps the weights.
    const reencoded = decodeModel(encodeModel(model.graph)).graph.initializer;
    const inlineWeights = new Map(
      decodeModel(files.inline).graph.initializer.map((tensor) => [tensor.name, Array.from(tensor.rawData ?? [])]),
    );
    for (const tensor of reencoded) {
      expect(tensor.dataLocation ?? 0, tensor.name ?? '').toBe(0);
      expect(Array.from(tensor.rawData ?? []), tensor.name ?? '').toEqual(inlineWeights.get(tensor.name));
    }
    await model.release();
  });

  it('loads from a folder URL given as …/onnx/model.onnx', async () => {
    const fetchImpl = hostServing(
      'tests/ext',
      { 'onnx/model.onnx': files.onnx, 'onnx/model.onnx_data': files.data, 'tokenizer.json': files.tokenizer },
      [],
    );
    const model = await prepared({ kind: 'url', url: `${HOST}/tests/ext/resolve/main/onnx/model.onnx` }, fetchImpl);
    expect(await outputsOf(model)).toEqual(inlineOutputs);
    await model.release();
  });

  it('loads from local files when the data file is picked with the .onnx, under another location name too', async () => {
    const model = await prepared({
      kind: 'files',
      files: localFiles({ externalData: [{ name: 'model.onnx_data', bytes: buffer(files.data) }] }),
    });
    expect(await outputsOf(model)).toEqual(inlineOutputs);
    await model.release();

    const nested = externalDataFiles('weights/model.bin');
    const fromFolder = await prepared({
      kind: 'files',
      files: {
        ...localFiles(),
        onnx: { name: 'model.onnx', bytes: buffer(nested.onnx) },
        externalData: [{ name: 'model.bin', bytes: buffer(nested.data) }],
      },
    });
    expect(await outputsOf(fromFolder)).toEqual(inlineOutputs);
    await fromFolder.release();
  });

  it('names the data file when the host does not have it', async () => {
    const fetchImpl = hostServing(
      'tests/ext',
      { 'onnx/model.onnx': files.onnx, 'tokenizer.json': files.tokenizer },
      [],
    );
    const failure = await prepared({ kind: 'hub', repo: 'tests/ext', host: HOST }, fetchImpl).catch(
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect((failure as Error).message).toBe(
      'tests/ext keeps its weights in a separate external data file next to onnx/model.onnx, and it could not be downloaded: onnx/model.onnx_data was not found on hub.test (404). Check the repo id, revision and host.',
    );
  });

  it('says so when the data file is shorter than the references in the .onnx need', async () => {
    const cut = files.data.slice(0, files.data.byteLength - 100);
    const failure = await prepared({
      kind: 'files',
      files: localFiles({ externalData: [{ name: 'model.onnx_data', bytes: buffer(cut) }] }),
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect((failure as Error).message).toMatch(
      /^model\.onnx: The external data file model\.onnx_data holds \d+ bytes, but initializer "[^"]+" needs bytes \d+ to \d+: the file is incomplete or belongs to another export of the model\.$/,
    );
  });

  it('refuses a data location outside the model folder without fetching it', async () => {
    const escaping = externalDataFiles('../../other-repo/secret.bin');
    const requested: string[] = [];
    const fetchImpl = hostServing(
      'tests/ext',
      { 'onnx/model.onnx': escaping.onnx, 'tokenizer.json': files.tokenizer },
      requested,
    );
    const failure = await prepared({ kind: 'hub', repo: 'tests/ext', host: HOST }, fetchImpl).catch(
      (error: Error) => error,
    );
    expect((failure as Error).message).toBe(
      'onnx/model.onnx names its external data file "../../other-repo/secret.bin", which is not a path inside the model folder, so it is not loaded.',
    );
    expect(requested.some((url) => url.includes('secret'))).toBe(false);
  });

  it('keeps the model loaded before when the data file was not picked', async () => {
    const engine = new PlaygroundEngine({
      appBase: APP_BASE,
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    const before = await engine.load(
      { kind: 'files', files: localFiles({ onnx: { name: 'good.onnx', bytes: buffer(files.inline) } }) },
      { executionProvider: 'wasm' },
    );
    const failure = await engine
      .load({ kind: 'files', files: localFiles() }, { executionProvider: 'wasm' })
      .catch((error: Error) => error);
    expect((failure as Error).message).toBe(
      'model.onnx keeps its weights in a separate external data file, model.onnx_data, which was not among the files picked. Pick or drop model.onnx_data together with model.onnx and tokenizer.json.',
    );
    expect(engine.info()?.label).toBe(before.label);
    const view = await engine.attention('the cat sat', null, {} as never).catch((error: Error) => error);
    expect(view).not.toBeInstanceOf(Error);
  });
});
