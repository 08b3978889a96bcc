/**
 * A tiny BERT-like transformer built as ONNX in TypeScript with seeded random weights, shaped like a
 * torch.onnx.export at opset 17 (named Softmax per layer, LayerNormalization ops, Gelu via Erf, tied
 * MLM decoder, [CLS] classifier). Tests run it in onnxruntime-web and compare with the plain-JS
 * forward pass in onnx-reference-forward.ts; writeTinyModelFolder() lays it out like a Hugging Face repo.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, type Rng } from '../../src/core/random';
import { makeValueInfo } from '../../src/core/onnx/builder';
import { encodeModel } from '../../src/core/onnx/codec';
import { GraphEditor } from '../../src/core/onnx/editor';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/core/onnx/float16';
import { makeFloat16Tensor, makeFloatTensor } from '../../src/core/onnx/tensor-data';
import { DataType, type OnnxModel } from '../../src/core/onnx/types';
import { paddedTinyVocab, tinyTokenizerJson } from './onnx-tiny-tokenizer';

export interface TinyTransformerOptions {
  seed?: number;
  layers?: number;
  heads?: number;
  hidden?: number;
  intermediate?: number;
  maxPositions?: number;
  numLabels?: number;
  /** Rows of the token-type table (BERT: 2; RoBERTa-style models: 1). */
  typeVocab?: number;
  /** Store the word-embedding initializer as float16 (Gather, then Cast to float32). */
  embeddingDtype?: 'float32' | 'float16';
  /** 'op': LayerNormalization nodes (torch ≥ 1.13 at opset 17); 'decomposed': ReduceMean/Sub/Pow/… form. */
  layerNorm?: 'op' | 'decomposed';
  /** GPT-2 style blocks: x + attn(LN(x)), x + ffn(LN(x)), then a final LayerNorm (default: BERT's post-LN). */
  preLayerNorm?: boolean;
  /** Rows of the word-embedding table; past the tiny vocabulary, [unusedN] tokens (default: the tiny vocabulary). */
  vocabSize?: number;
}

export interface Dense {
  w: Float32Array;
  b: Float32Array;
  inSize: number;
  outSize: number;
}
export interface LayerNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
}
export interface TinyLayerWeights {
  q: Dense;
  k: Dense;
  v: Dense;
  o: Dense;
  ln1: LayerNormWeights;
  ffnIn: Dense;
  ffnOut: Dense;
  ln2: LayerNormWeights;
}

export interface TinyWeights {
  word: Float32Array;
  position: Float32Array;
  tokenType: Float32Array;
  embeddingLn: LayerNormWeights;
  layers: TinyLayerWeights[];
  mlmDense: Dense;
  mlmLn: LayerNormWeights;
  decoderBias: Float32Array;
  pooler: Dense;
  classifier: Dense;
  /** Used by pre-LN models only. */
  finalLn: LayerNormWeights;
}

export interface TinyConfig {
  layers: number;
  heads: number;
  hidden: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  typeVocab: number;
  numLabels: number;
  layerNormEpsilon: number;
  preLayerNorm: boolean;
}

export interface TinyTransformer {
  model: OnnxModel;
  bytes: Uint8Array;
  weights: TinyWeights;
  config: TinyConfig;
  vocab: readonly string[];
  /** Name of the word-embedding initializer. */
  wordEmbeddingName: string;
}

const LN_EPSILON = 1e-12;

function randomArray(rng: Rng, size: number, scale: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.nextNormal() * scale;
  return out;
}

function dense(rng: Rng, inSize: number, outSize: number, scale = 0.3): Dense {
  return { w: randomArray(rng, inSize * outSize, scale), b: randomArray(rng, outSize, 0.05), inSize, outSize };
}

function layerNorm(rng: Rng, size: number): LayerNormWeights {
  const gamma = randomArray(rng, size, 0.1).map((x) => 1 + x);
  return { gamma, beta: randomArray(rng, size, 0.05) };
}

function makeWeights(rng: Rng, config: TinyConfig, fp16Embedding: boolean): TinyWeights {
  const { hidden: h, intermediate, vocab } = config;
  let word = randomArray(rng, vocab * h, 0.5);
  if (fp16Embedding) word = word.map((x) => float16BitsToFloat32(float32ToFloat16Bits(x)));
  const layers = Array.from({ length: config.layers }, () => ({
    q: dense(rng, h, h, 0.6),
    k: dense(rng, h, h, 0.6),
    v: dense(rng, h, h),
    o: dense(rng, h, h),
    ln1: layerNorm(rng, h),
    ffnIn: dense(rng, h, intermediate),
    ffnOut: dense(rng, intermediate, h),
    ln2: layerNorm(rng, h),
  }));
  return {
    word,
    position: randomArray(rng, config.maxPositions * h, 0.3),
    tokenType: randomArray(rng, config.typeVocab * h, 0.3),
    embeddingLn: layerNorm(rng, h),
    layers,
    mlmDense: dense(rng, h, h),
    mlmLn: layerNorm(rng, h),
    decoderBias: randomArray(rng, vocab, 0.05),
    pooler: dense(rng, h, h),
    classifier: dense(rng, h, config.numLabels),
    finalLn: layerNorm(rng, h),
  };
}

/** Builds the tiny model: bytes, decoded-shape model object, weights and config. */
export function buildTinyTransformer(options: TinyTransformerOptions = {}): TinyTransformer {
  const heads = options.heads ?? 2;
  const vocab = paddedTinyVocab(options.vocabSize ?? 0);
  const config: TinyConfig = {
    layers: options.layers ?? 2,
    heads,
    hidden: options.hidden ?? 16,
    intermediate: options.intermediate ?? 32,
    vocab: vocab.length,
    maxPositions: options.maxPositions ?? 32,
    typeVocab: options.typeVocab ?? 2,
    numLabels: options.numLabels ?? 3,
    layerNormEpsilon: LN_EPSILON,
    preLayerNorm: options.preLayerNorm ?? false,
  };
  const fp16 = options.embeddingDtype === 'float16';
  const weights = makeWeights(createRng(options.seed ?? 1234), config, fp16);
  const { hidden: h } = config;
  const headSize = h / heads;

  const graph = {
    name: 'tiny-transformer',
    node: [],
    initializer: [],
    input: [],
    output: [],
    valueInfo: [],
  } as OnnxModel['graph'];
  const g = new GraphEditor(graph);
  const weight = (name: string, dims: number[], values: Float32Array) =>
    g.addInitializer(makeFloatTensor(name, dims, values));
  const linear = (x: string, d: Dense, prefix: string) => {
    const w = weight(`${prefix}.weight`, [d.inSize, d.outSize], d.w);
    const b = weight(`${prefix}.bias`, [d.outSize], d.b);
    const product = g.add('MatMul', [x, w], { name: `/${prefix}/MatMul` });
    return g.add('Add', [b, product], { name: `/${prefix}/Add` });
  };
  const norm = (x: string, ln: LayerNormWeights, prefix: string) => {
    const gamma = weight(`${prefix}.weight`, [h], ln.gamma);
    const beta = weight(`${prefix}.bias`, [h], ln.beta);
    if (options.layerNorm !== 'decomposed') {
      return g.add('LayerNormalization', [x, gamma, beta], {
        name: `/${prefix}/LayerNormalization`,
        attributes: { axis: -1, epsilon: { float: LN_EPSILON } },
      });
    }
    const mean = g.add('ReduceMean', [x], { name: `/${prefix}/ReduceMean`, attributes: { axes: [-1], keepdims: 1 } });
    const centered = g.add('Sub', [x, mean], { name: `/${prefix}/Sub` });
    const squared = g.add('Pow', [centered, g.constFloat('two', [2], [])], { name: `/${prefix}/Pow` });
    const variance = g.add('ReduceMean', [squared], {
      name: `/${prefix}/ReduceMean_1`,
      attributes: { axes: [-1], keepdims: 1 },
    });
    const shifted = g.add('Add', [variance, g.constFloat('eps', [LN_EPSILON], [])], { name: `/${prefix}/Add` });
    const std = g.add('Sqrt', [shifted], { name: `/${prefix}/Sqrt` });
    const normalized = g.add('Div', [centered, std], { name: `/${prefix}/Div` });
    return g.add('Add', [g.add('Mul', [normalized, gamma], { name: `/${prefix}/Mul` }), beta], {
      name: `/${prefix}/Add_1`,
    });
  };
  const gelu = (x: string, prefix: string) => {
    const scaled = g.add('Div', [x, g.constFloat('sqrt2', [Math.SQRT2], [])], { name: `/${prefix}/Div` });
    const erf = g.add('Erf', [scaled], { name: `/${prefix}/Erf` });
    const onePlus = g.add('Add', [erf, g.constFloat('one', [1], [])], { name: `/${prefix}/Add` });
    const half = g.add('Mul', [x, onePlus], { name: `/${prefix}/Mul` });
    return g.add('Mul', [half, g.constFloat('half', [0.5], [])], { name: `/${prefix}/Mul_1` });
  };

  for (const name of ['input_ids', 'attention_mask', 'token_type_ids'])
    graph.input.push(makeValueInfo(name, DataType.INT64, ['batch_size', 'sequence_length']));

  // Embeddings: word + position + token type, then LayerNorm.
  let wordTable: string;
  let wordVectors: string;
  if (fp16) {
    const bits = Uint16Array.from(weights.word, (x) => float32ToFloat16Bits(x));
    wordTable = g.addInitializer(makeFloat16Tensor('embeddings.word_embeddings.weight', [config.vocab, h], bits));
    const gathered = g.add('Gather', [wordTable, 'input_ids'], { name: '/embeddings/word_embeddings/Gather' });
    wordVectors = g.add('Cast', [gathered], {
      name: '/embeddings/word_embeddings/Cast',
      attributes: { to: DataType.FLOAT },
    });
  } else {
    wordTable = weight('embeddings.word_embeddings.weight', [config.vocab, h], weights.word);
    wordVectors = g.add('Gather', [wordTable, 'input_ids'], { name: '/embeddings/word_embeddings/Gather' });
  }
  const idsShape = g.add('Shape', ['input_ids'], { name: '/embeddings/Shape' });
  const seqLength = g.add('Gather', [idsShape, g.constInt64('seq_axis', [1], [])], {
    name: '/embeddings/Gather',
    attributes: { axis: 0 },
  });
  const positionRange = g.add('Range', [g.constInt64('zero', [0], []), seqLength, g.constInt64('step', [1], [])], {
    name: '/embeddings/Range',
  });
  const positionIds = g.add('Unsqueeze', [positionRange, g.constInt64('axes0', [0])], {
    name: '/embeddings/Unsqueeze',
  });
  const positionTable = weight('embeddings.position_embeddings.weight', [config.maxPositions, h], weights.position);
  const positionVectors = g.add('Gather', [positionTable, positionIds], {
    name: '/embeddings/position_embeddings/Gather',
  });
  const typeTable = weight('embeddings.token_type_embeddings.weight', [config.typeVocab, h], weights.tokenType);
  const typeVectors = g.add('Gather', [typeTable, 'token_type_ids'], {
    name: '/embeddings/token_type_embeddings/Gather',
  });
  const summed = g.add(
    'Add',
    [g.add('Add', [wordVectors, typeVectors], { name: '/embeddings/Add' }), positionVectors],
    { name: '/embeddings/Add_1' },
  );
  let hiddenState = norm(summed, weights.embeddingLn, 'embeddings/LayerNorm');

  // Additive mask [batch, 1, 1, seq]: 0 where attended, -10000 where padded.
  const maskFloat = g.add('Cast', ['attention_mask'], { name: '/Cast', attributes: { to: DataType.FLOAT } });
  const inverted = g.add('Sub', [g.constFloat('mask_one', [1], []), maskFloat], { name: '/Sub' });
  const additive = g.add('Mul', [inverted, g.constFloat('mask_min', [-10000], [])], { name: '/Mul' });
  const extendedMask = g.add('Unsqueeze', [additive, g.constInt64('mask_axes', [1, 2])], { name: '/Unsqueeze' });

  const headsShape = g.constInt64('heads_shape', [0, 0, heads, headSize]);
  const mergedShape = g.constInt64('merged_shape', [0, 0, h]);
  const scale = g.constFloat('attention_scale', [Math.sqrt(headSize)], []);
  weights.layers.forEach((layer, l) => {
    const p = `layers.${l}`;
    const split = (x: string, name: string, perm: number[]) =>
      g.add('Transpose', [g.add('Reshape', [x, headsShape], { name: `/${p}/attention/${name}/Reshape` })], {
        name: `/${p}/attention/${name}/Transpose`,
        attributes: { perm },
      });
    const attentionInput = config.preLayerNorm ? norm(hiddenState, layer.ln1, `${p}/attention_norm`) : hiddenState;
    const q = split(linear(attentionInput, layer.q, `${p}/attention/query`), 'query', [0, 2, 1, 3]);
    const kT = split(linear(attentionInput, layer.k, `${p}/attention/key`), 'key', [0, 2, 3, 1]);
    const v = split(linear(attentionInput, layer.v, `${p}/attention/value`), 'value', [0, 2, 1, 3]);
    const scores = g.add('Div', [g.add('MatMul', [q, kT], { name: `/${p}/attention/MatMul` }), scale], {
      name: `/${p}/attention/Div`,
    });
    const masked = g.add('Add', [scores, extendedMask], { name: `/${p}/attention/Add` });
    const probs = g.add('Softmax', [masked], { name: `/${p}/attention/Softmax`, attributes: { axis: -1 } });
    const context = g.add('MatMul', [probs, v], { name: `/${p}/attention/MatMul_1` });
    const merged = g.add(
      'Reshape',
      [
        g.add('Transpose', [context], { name: `/${p}/attention/Transpose`, attributes: { perm: [0, 2, 1, 3] } }),
        mergedShape,
      ],
      { name: `/${p}/attention/Reshape` },
    );
    const attentionOut = linear(merged, layer.o, `${p}/attention/output/dense`);
    const attended = g.add('Add', [attentionOut, hiddenState], { name: `/${p}/attention/output/Add` });
    const afterAttention = config.preLayerNorm
      ? attended
      : norm(attended, layer.ln1, `${p}/attention/output/LayerNorm`);
    const ffnInput = config.preLayerNorm ? norm(afterAttention, layer.ln2, `${p}/ffn_norm`) : afterAttention;
    const ffn = linear(
      gelu(linear(ffnInput, layer.ffnIn, `${p}/intermediate/dense`), `${p}/intermediate/gelu`),
      layer.ffnOut,
      `${p}/output/dense`,
    );
    const residual = g.add('Add', [ffn, afterAttention], { name: `/${p}/output/Add` });
    hiddenState = config.preLayerNorm ? residual : norm(residual, layer.ln2, `${p}/output/LayerNorm`);
  });
  if (config.preLayerNorm) hiddenState = norm(hiddenState, weights.finalLn, 'final_norm');

  g.add('Identity', [hiddenState], { name: '/last_hidden_state/Identity', outputNames: ['last_hidden_state'] });
  // MLM head: transform, then the decoder tied to the word embedding.
  const transformed = norm(
    gelu(linear(hiddenState, weights.mlmDense, 'cls/predictions/transform/dense'), 'cls/predictions/transform/gelu'),
    weights.mlmLn,
    'cls/predictions/transform/LayerNorm',
  );
  const decoderTable = fp16
    ? g.add('Cast', [wordTable], { name: '/cls/predictions/decoder/Cast', attributes: { to: DataType.FLOAT } })
    : wordTable;
  const decoderWeight = g.add('Transpose', [decoderTable], {
    name: '/cls/predictions/decoder/Transpose',
    attributes: { perm: [1, 0] },
  });
  const decoded = g.add('MatMul', [transformed, decoderWeight], { name: '/cls/predictions/decoder/MatMul' });
  g.add('Add', [decoded, weight('cls.predictions.bias', [config.vocab], weights.decoderBias)], {
    name: '/cls/predictions/decoder/Add',
    outputNames: ['logits'],
  });
  // Classifier on [CLS]: pooler dense + tanh, then a linear layer.
  const cls = g.add('Gather', [hiddenState, g.constInt64('cls_index', [0], [])], {
    name: '/pooler/Gather',
    attributes: { axis: 1 },
  });
  const pooled = g.add('Tanh', [linear(cls, weights.pooler, 'pooler/dense')], { name: '/pooler/Tanh' });
  const classifier = linear(pooled, weights.classifier, 'classifier');
  g.add('Identity', [classifier], { name: '/classifier/Identity', outputNames: ['classifier_logits'] });

  graph.output.push(
    makeValueInfo('logits', DataType.FLOAT, ['batch_size', 'sequence_length', config.vocab]),
    makeValueInfo('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', h]),
    makeValueInfo('classifier_logits', DataType.FLOAT, ['batch_size', config.numLabels]),
  );
  const model: OnnxModel = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'transformer-playground-tests',
    producerVersion: '1',
    graph,
  };
  return { model, bytes: encodeModel(model), weights, config, vocab, wordEmbeddingName: wordTable };
}

/** config.json contents in Hugging Face BERT style. */
export function tinyConfigJson(config: TinyConfig): Record<string, unknown> {
  const labels = ['negative', 'neutral', 'positive', 'mixed', 'other'].slice(0, config.numLabels);
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    hidden_size: config.hidden,
    intermediate_size: config.intermediate,
    vocab_size: config.vocab,
    max_position_embeddings: config.maxPositions,
    type_vocab_size: config.typeVocab,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    layer_norm_eps: config.layerNormEpsilon,
    pad_token_id: 0,
    id2label: Object.fromEntries(labels.map((label, id) => [String(id), label])),
    label2id: Object.fromEntries(labels.map((label, id) => [label, id])),
  };
}

/** Writes config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx under `dir`. */
export function writeTinyModelFolder(dir: string, options: TinyTransformerOptions = {}): TinyTransformer {
  const tiny = buildTinyTransformer(options);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tiny.bytes);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(tinyConfigJson(tiny.config), null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson(tiny.vocab), null, 2));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      {
        do_lower_case: true,
        model_max_length: tiny.config.maxPositions,
        tokenizer_class: 'BertTokenizer',
        mask_token: '[MASK]',
        cls_token: '[CLS]',
        sep_token: '[SEP]',
        pad_token: '[PAD]',
        unk_token: '[UNK]',
      },
      null,
      2,
    ),
  );
  return tiny;
}
