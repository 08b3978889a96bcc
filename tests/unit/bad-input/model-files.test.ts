/**
 * Bad model files through the real loading path (PlaygroundEngine.load with local files, as the
 * "Local files" picker hands them over): each case gives one specific message, and the model that
 * was loaded before stays loaded and answers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import {
  checkModelFitsMemory,
  declaredWeightBytes,
  explainSessionError,
  isOutOfMemoryError,
  MAX_WEIGHT_BYTES,
} from '../../../src/core/engine/model/model-memory';
import { ModelLoadError } from '../../../src/core/model/errors';
import { encodeModel } from '../../../src/core/onnx';
import {
  externalDataModel,
  fusedAttentionModel,
  oversizedModel,
  randomBytes,
  singleMatMulModel,
  truncatedModelBytes,
} from '../../helpers/onnx-bad-models';
import { TINY_VOCAB, tinyTokenizerJson } from '../../helpers/onnx-tiny-tokenizer';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';
import { tinyModelFiles } from '../../e2e/tiny-model-files';

const tiny = tinyModelFiles();
const buffer = (bytes: Uint8Array | string) =>
  (typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes).slice().buffer as ArrayBuffer;
const goodTokenizer = { name: 'tokenizer.json', bytes: buffer(tiny['tokenizer.json']) };

/** tokenizer.json with `extra` more WordPiece entries than the tiny model's embedding has rows. */
function biggerTokenizer(extra: number): string {
  const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
  const vocab = { ...json.model.vocab };
  for (let i = 0; i < extra; i++) vocab[`extra${i}`] = TINY_VOCAB.length + i;
  return JSON.stringify({ ...json, model: { ...json.model, vocab } });
}

interface ModelCase {
  name: string;
  onnx: Uint8Array;
  tokenizer?: string | null;
  /** The exact message, or a pattern where it holds numbers that depend on the build. */
  message: string | RegExp;
}

const cases: ModelCase[] = [
  {
    name: 'a truncated ONNX file',
    onnx: truncatedModelBytes(0.6),
    message:
      /^model\.onnx: This file is not an ONNX model, or it is incomplete \(protobuf decode failed at byte \d+ of \d+: .*probably truncated, e\.g\. by an interrupted download\)\.$/,
  },
  {
    name: 'random bytes named .onnx',
    onnx: randomBytes(5000),
    message:
      'model.onnx: This file is not an ONNX model (protobuf decode failed at byte 4 of 5000: invalid end group tag).',
  },
  {
    name: 'an empty .onnx file',
    onnx: new Uint8Array(0),
    message: 'model.onnx: This file is not an ONNX model (the file is empty).',
  },
  {
    name: 'a non-transformer model (a single MatMul)',
    onnx: encodeModel(singleMatMulModel()),
    message:
      'model.onnx has no "input_ids" input (its inputs: x), so it cannot take text: it does not look like a transformer language model.',
  },
  {
    name: 'a model over the memory the browser allows (4 GB of declared weights)',
    onnx: encodeModel(oversizedModel(4)),
    message:
      "The model needs more memory than this browser gives the page: model.onnx declares 4.0 GB of weights, and onnxruntime's WebAssembly heap (at most 4.0 GB) must hold them about twice while the session is created, so at most about 2.0 GB of weights can load. Use a smaller or quantized model (int8 or float16 weights), or close other tabs and try again.",
  },
  {
    name: 'a model whose weights are in an external data file that was not picked with it',
    onnx: encodeModel(externalDataModel()),
    message:
      'model.onnx keeps its weights in a separate external data file, model.onnx_data, which was not among the files picked. Pick or drop model.onnx_data together with model.onnx and tokenizer.json.',
  },
  {
    name: 'a missing tokenizer.json',
    onnx: tiny['onnx/model.onnx'],
    tokenizer: null,
    message:
      'A tokenizer.json is needed next to model.onnx: pick or drop both files together (config.json and tokenizer_config.json are optional).',
  },
  {
    name: 'a malformed tokenizer.json (cut off)',
    onnx: tiny['onnx/model.onnx'],
    tokenizer: '{"model": {"type": "WordPiece", "vocab": ',
    message: /^tokenizer\.json is not valid JSON \(.+\)\.$/,
  },
  {
    name: 'a tokenizer.json that is JSON but not a tokenizer',
    onnx: tiny['onnx/model.onnx'],
    tokenizer: '{"hello": "world"}',
    message: 'tokenizer.json has no "model" section with a vocabulary: it is not a Hugging Face tokenizer file.',
  },
  {
    name: "a tokenizer.json that does not match the model's vocabulary size",
    onnx: tiny['onnx/model.onnx'],
    tokenizer: biggerTokenizer(100),
    message: `The tokenizer does not match the model: it has ${TINY_VOCAB.length + 100} tokens but the model's embedding has only ${TINY_VOCAB.length} rows. Use the tokenizer.json that came with this model.`,
  },
];

describe('bad model files: one clear message each, and the previous model stays', () => {
  const engine = new PlaygroundEngine({
    appBase: 'http://localhost/',
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  });
  let previousLabel = '';

  beforeAll(async () => {
    const info = await engine.load(
      {
        kind: 'files',
        files: { onnx: { name: 'good.onnx', bytes: buffer(tiny['onnx/model.onnx']) }, tokenizer: goodTokenizer },
      },
      { executionProvider: 'wasm' },
    );
    previousLabel = info.label;
  });

  it.each(cases)('$name', async ({ onnx, tokenizer, message }) => {
    const files = {
      onnx: { name: 'model.onnx', bytes: buffer(onnx) },
      tokenizer:
        tokenizer === null
          ? undefined
          : tokenizer === undefined
            ? goodTokenizer
            : { name: 'tokenizer.json', bytes: buffer(tokenizer) },
    };
    const failure = await engine.load({ kind: 'files', files }, { executionProvider: 'wasm' }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(ModelLoadError);
    if (typeof message === 'string') expect(failure!.message).toBe(message);
    else expect(failure!.message).toMatch(message);
    // The model loaded before is still the one in use, and it still runs.
    expect(engine.info()?.label).toBe(previousLabel);
    expect(engine.tokenize('the cat sat', null).ids.length).toBe(5);
  });

  it('a model with fused attention loads, and says why attention and MC dropout are unavailable', async () => {
    const info = await engine.load(
      {
        kind: 'files',
        files: {
          onnx: { name: 'fused.onnx', bytes: buffer(encodeModel(fusedAttentionModel(TINY_VOCAB.length))) },
          tokenizer: goodTokenizer,
        },
      },
      { executionProvider: 'wasm' },
    );
    expect(info.tools.attention).toEqual({
      available: false,
      reason:
        'the model uses fused attention ops (com.microsoft.Attention ×1) that compute attention internally, so its attention probabilities cannot be read: attention view unavailable. Embeddings and analogies still work.',
    });
    expect(info.tools.uncertainty.available).toBe(false);
    expect(info.tools.uncertainty.reason).toMatch(
      /fused attention ops \(com\.microsoft\.Attention ×1\) leave no attention Softmax or residual branch/,
    );
    await expect(engine.attention('the cat', null, {} as never)).rejects.toThrow(
      `Attention is not available for this model: ${info.tools.attention.reason}`,
    );
  });

  it('a transformer whose attention weights come from a Sigmoid, not a Softmax, loads and says which tools work', async () => {
    const model = buildTinyTransformer().model;
    for (const node of model.graph.node)
      if (node.opType === 'Softmax') Object.assign(node, { opType: 'Sigmoid', attribute: [] });
    const info = await engine.load(
      {
        kind: 'files',
        files: { onnx: { name: 'sigmoid.onnx', bytes: buffer(encodeModel(model)) }, tokenizer: goodTokenizer },
      },
      { executionProvider: 'wasm' },
    );
    expect(info.layers).toBe(2);
    expect(info.tools.attention.reason).toBe(
      'attention weights are not computed by a Softmax node, so the attention view and attention-site dropout are unavailable. Embeddings and analogies still work.',
    );
    expect(info.tools.uncertainty).toEqual({
      available: false,
      reason:
        'attention weights are not computed by a Softmax node, and MC dropout places its layers by those nodes: the 4 residual branch(es) found in 2 layer(s) cannot take dropout in this model.',
    });
    expect(info.tools.analogy.available).toBe(true);
    expect(info.tools.labels.available).toBe(true);
    // The contextual analogy space reads each layer's output at the residual branches found without Softmax.
    const contextual = engine.analogySpaces().find((space) => space.layers !== undefined);
    expect(contextual?.layers).toEqual([1, 2]);
  });
});

describe('model memory checks', () => {
  it('counts the weights an initializer declares by shape and type, not by the bytes present', () => {
    const { model } = buildTinyTransformer();
    const declared = declaredWeightBytes(model);
    expect(declared).toBeGreaterThan(0);
    expect(declaredWeightBytes(oversizedModel(4))).toBe(declared + 4 * 1024 ** 3);
    expect(() => checkModelFitsMemory(model, 'tiny.onnx')).not.toThrow();
    expect(() => checkModelFitsMemory(oversizedModel(3), 'big.onnx')).toThrow(
      /^The model needs more memory than this browser gives the page: big\.onnx declares 3\.0 GB of weights/,
    );
    expect(MAX_WEIGHT_BYTES).toBe(2 * 1024 ** 3);
  });

  it.each([
    [new RangeError('Array buffer allocation failed'), true],
    [new Error('Aborted(OOM)'), true],
    [new Error('std::bad_alloc'), true],
    [new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'), true],
    [new Error('Cannot enlarge memory arrays to size 4294967296 bytes'), true],
    [
      new Error('Load model from buffer failed:Fatal error: com.microsoft:Foo(-1) is not a registered function/op'),
      false,
    ],
    [new TypeError('x is undefined'), false],
  ])('recognises %s as out of memory: %s', (error, oom) => {
    expect(isOutOfMemoryError(error)).toBe(oom);
  });

  it('explains a session creation that ran out of memory in the same words, and other failures as they are', () => {
    const oom = explainSessionError(new RangeError('Array buffer allocation failed'), 'big.onnx');
    expect(oom.kind).toBe('memory');
    expect(oom.message).toBe(
      'The model needs more memory than this browser gives the page: big.onnx could not be loaded: the browser ran out of memory while onnxruntime created the session (Array buffer allocation failed). Use a smaller or quantized model (int8 or float16 weights), or close other tabs and try again.',
    );
    const other = explainSessionError(new Error('unknown op Foo'), 'odd.onnx');
    expect(other.kind).toBe('unsupported');
    expect(other.message).toBe('onnxruntime could not create a session for odd.onnx: unknown op Foo');
  });
});

describe('a worker that dies on an uncaught error', () => {
  it('says plainly when it ran out of memory', async () => {
    const { crashReason } = await import('../../../src/worker/client');
    expect(crashReason('Uncaught RangeError: Array buffer allocation failed')).toBe(
      'it ran out of memory: Uncaught RangeError: Array buffer allocation failed',
    );
    expect(crashReason('Uncaught Error: simulated crash')).toBe('error: Uncaught Error: simulated crash');
    expect(crashReason('')).toBe('it crashed');
  });
});
