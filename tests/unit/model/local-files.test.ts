/**
 * Picked model files travel to the worker as File handles: the page only sorts them by name, and the
 * engine reads them (the .onnx, its tokenizer and config, and the external data file it names), refusing
 * files too big for the WebAssembly heap before reading a byte of them.
 */
import { describe, expect, it } from 'vitest';
import { checkLocalFilesFit } from '../../../src/core/engine/model/model-memory';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { pickModelFiles } from '../../../src/core/model/local-files';
import { externalDataFiles } from '../../helpers/external-data-files';

const files = externalDataFiles();
const file = (bytes: Uint8Array | string, name: string) =>
  new File([typeof bytes === 'string' ? bytes : bytes.slice()], name);

describe('picked model files', () => {
  it('are sorted into their roles by name, and a pick without an .onnx is refused', () => {
    const picked = pickModelFiles([
      file('{}', 'config.json'),
      file(files.data, 'model.onnx_data'),
      file(files.onnx, 'model.onnx'),
      file('{}', 'tokenizer_config.json'),
      file(files.tokenizer, 'tokenizer.json'),
    ]);
    if ('error' in picked) throw new Error(picked.error);
    expect(picked.files.onnx.name).toBe('model.onnx');
    expect(picked.files.tokenizer?.name).toBe('tokenizer.json');
    expect(picked.files.tokenizerConfig?.name).toBe('tokenizer_config.json');
    expect(picked.files.config?.name).toBe('config.json');
    expect(picked.files.externalData?.map((f) => f.name)).toEqual(['model.onnx_data']);
    expect(picked.files.onnx.file).toBeInstanceOf(Blob);
    expect(pickModelFiles([file('{}', 'tokenizer.json')])).toEqual({
      error:
        "No .onnx file among tokenizer.json. Pick the model's .onnx together with its tokenizer.json (and optionally config.json).",
    });
  });

  it('load in the engine from their handles, external data included', async () => {
    const picked = pickModelFiles([
      file(files.onnx, 'model.onnx'),
      file(files.data, 'model.onnx_data'),
      file(files.tokenizer, 'tokenizer.json'),
      file(files.config, 'config.json'),
    ]);
    if ('error' in picked) throw new Error(picked.error);
    const engine = new PlaygroundEngine({
      appBase: 'http://localhost/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    const info = await engine.load({ kind: 'files', files: picked.files }, { executionProvider: 'wasm' });
    expect(info.label).toContain('model.onnx');
    // The stated size is the download of the model files: .onnx, its data file, tokenizer.json and config.json.
    expect(info.sizeBytes).toBe(
      files.onnx.byteLength + files.data.byteLength + files.tokenizer.byteLength + files.config.byteLength,
    );
  });

  it('too big for the WebAssembly heap are refused by their size, before they are read', () => {
    const huge = { name: 'huge.onnx', file: { size: 3 * 1024 ** 3 } as Blob };
    expect(() => checkLocalFilesFit({ onnx: huge })).toThrow(
      /huge\.onnx is 3\.0 GB, and onnxruntime's WebAssembly heap \(at most 4\.0 GB\) must hold it about twice/,
    );
  });
});
