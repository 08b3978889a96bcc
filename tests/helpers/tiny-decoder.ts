/**
 * Tiny causal language models built as ONNX in TypeScript with seeded random weights, in the three
 * export layouts decoder repos ship (no hub is reachable here, so these stand in for them):
 * - 'no-cache': onnx/model.onnx with input_ids, attention_mask, position_ids → logits;
 * - 'cache': decoder_model.onnx / model.onnx that also takes past_key_values.{i}.key/.value
 *   [batch, kv_heads, past, head_dim] and returns present.{i}.key/.value (optimum, Transformers.js repos);
 * - 'merged': decoder_model_merged.onnx with a boolean use_cache_branch input and an If node whose
 *   then-branch uses the past and whose else-branch ignores it.
 * Two families: GPT-2-like and Llama-like (see tiny-decoder-blocks.ts). writeTinyDecoderFolder lays one out
 * like a Hugging Face repo with config.json in that family's names and its tokenizer files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeValueInfo } from '../../src/core/onnx/builder';
import { encodeModel } from '../../src/core/onnx/codec';
import { GraphEditor } from '../../src/core/onnx/editor';
import { DataType, type OnnxGraph, type OnnxModel } from '../../src/core/onnx/types';
import { createRng, type Rng } from '../../src/core/random';
import {
  byteLevelBpeTokenizerJson,
  byteLevelTokenizerConfig,
  sentencePieceTokenizerConfig,
  sentencePieceTokenizerJson,
  vocabSizeOf,
} from './decoder-tokenizers';
import { emitDecoderBody, WeightStore } from './tiny-decoder-blocks';

export type DecoderFamily = 'gpt2' | 'llama';
export type DecoderLayout = 'no-cache' | 'cache' | 'merged';

export interface TinyDecoderOptions {
  family?: DecoderFamily;
  layout?: DecoderLayout;
  seed?: number;
  layers?: number;
  /** Query heads (default 2 for GPT-2, 4 for Llama). */
  heads?: number;
  /** Llama: K/V heads (default 2: two query heads share each). */
  kvHeads?: number;
  hidden?: number;
  intermediate?: number;
  maxPositions?: number;
  /** How the causal mask reaches the scores (default: GPT-2 'where', Llama 'add'). */
  mask?: 'where' | 'add' | 'trilu';
  /** How grouped-query attention repeats K/V heads (default 'expand', as transformers' repeat_kv). */
  kvRepeat?: 'expand' | 'tile' | 'concat';
  /** Llama: RMSNorm decomposed (Pow/ReduceMean/Sqrt) or as SimplifiedLayerNormalization (default 'decomposed'). */
  rmsNorm?: 'decomposed' | 'op';
  /** Declare past inputs with fixed kv-head and head-dim sizes (default true); false leaves them symbolic. */
  declarePastDims?: boolean;
  /** Embedding rows (default: the tokenizer's vocabulary); larger for benchmark-sized heads, rows past the tokenizer unused. */
  vocab?: number;
}

export interface TinyDecoderConfig {
  family: DecoderFamily;
  layout: DecoderLayout;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hidden: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  mask: 'where' | 'add' | 'trilu';
  kvRepeat: 'expand' | 'tile' | 'concat';
  rmsNorm: 'decomposed' | 'op';
  rmsNormEps: number;
  ropeTheta: number;
  /** GPT-2: <|endoftext|> (the tokenizer's last id); Llama: </s>. */
  eosTokenId: number;
}

export interface TinyDecoderLayerWeights {
  norm1: Float32Array;
  norm1Bias?: Float32Array;
  norm2: Float32Array;
  norm2Bias?: Float32Array;
  qkv?: Float32Array;
  qkvBias?: Float32Array;
  q?: Float32Array;
  k?: Float32Array;
  v?: Float32Array;
  o: Float32Array;
  oBias?: Float32Array;
  gate?: Float32Array;
  up: Float32Array;
  upBias?: Float32Array;
  down: Float32Array;
  downBias?: Float32Array;
}

export interface TinyDecoderWeights {
  tokens: Float32Array;
  positions?: Float32Array;
  layers: TinyDecoderLayerWeights[];
  finalNorm: Float32Array;
  finalNormBias?: Float32Array;
  lmHead?: Float32Array;
}

export interface TinyDecoder {
  model: OnnxModel;
  bytes: Uint8Array;
  config: TinyDecoderConfig;
  weights: TinyDecoderWeights;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** config.json in the family's own names. */
  configJson: Record<string, unknown>;
  /** The file name this layout has in a Hugging Face repo (under onnx/). */
  fileName: string;
}

function randomArray(rng: Rng, size: number, scale: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.nextNormal() * scale;
  return out;
}

function makeWeights(rng: Rng, c: TinyDecoderConfig): TinyDecoderWeights {
  const { hidden: h, intermediate: f, heads, kvHeads, headDim: d } = c;
  const r = (size: number, scale = 0.3) => randomArray(rng, size, scale);
  const gain = () => r(h, 0.1).map((x) => 1 + x);
  const gpt2 = c.family === 'gpt2';
  const layers = Array.from({ length: c.layers }, () =>
    gpt2
      ? {
          norm1: gain(),
          norm1Bias: r(h, 0.05),
          norm2: gain(),
          norm2Bias: r(h, 0.05),
          qkv: r(h * 3 * h, 0.5),
          qkvBias: r(3 * h, 0.05),
          o: r(h * h),
          oBias: r(h, 0.05),
          up: r(h * f),
          upBias: r(f, 0.05),
          down: r(f * h),
          downBias: r(h, 0.05),
        }
      : {
          norm1: gain(),
          norm2: gain(),
          q: r(h * heads * d, 0.5),
          k: r(h * kvHeads * d, 0.5),
          v: r(h * kvHeads * d),
          o: r(heads * d * h),
          gate: r(h * f),
          up: r(h * f),
          down: r(f * h),
        },
  );
  return {
    tokens: r(c.vocab * h, 0.5),
    positions: gpt2 ? r(c.maxPositions * h, 0.3) : undefined,
    layers,
    finalNorm: gain(),
    finalNormBias: gpt2 ? r(h, 0.05) : undefined,
    lmHead: gpt2 ? undefined : r(h * c.vocab, 0.5),
  };
}

const emptyGraph = (name: string): OnnxGraph => ({
  name,
  node: [],
  initializer: [],
  input: [],
  output: [],
  valueInfo: [],
});

/** Builds one tiny decoder in the requested family and layout. */
export function buildTinyDecoder(options: TinyDecoderOptions = {}): TinyDecoder {
  const family = options.family ?? 'gpt2';
  const gpt2 = family === 'gpt2';
  const tokenizerJson = gpt2 ? byteLevelBpeTokenizerJson() : sentencePieceTokenizerJson();
  const heads = options.heads ?? (gpt2 ? 2 : 4);
  const hidden = options.hidden ?? 16;
  const config: TinyDecoderConfig = {
    family,
    layout: options.layout ?? 'cache',
    layers: options.layers ?? 2,
    heads,
    kvHeads: gpt2 ? heads : (options.kvHeads ?? 2),
    headDim: hidden / heads,
    hidden,
    intermediate: options.intermediate ?? 32,
    vocab: Math.max(options.vocab ?? 0, vocabSizeOf(tokenizerJson)),
    maxPositions: options.maxPositions ?? 64,
    mask: options.mask ?? (gpt2 ? 'where' : 'add'),
    kvRepeat: options.kvRepeat ?? 'expand',
    rmsNorm: options.rmsNorm ?? 'decomposed',
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    eosTokenId: gpt2 ? vocabSizeOf(tokenizerJson) - 1 : 2,
  };
  const weights = makeWeights(createRng(options.seed ?? 4321), config);
  const graph = emptyGraph(`tiny-${family}-${config.layout}`);
  const store = new WeightStore(graph);
  const totalDim = config.layout === 'no-cache' ? 'sequence_length' : 'total_sequence_length';
  graph.input.push(
    makeValueInfo('input_ids', DataType.INT64, ['batch_size', 'sequence_length']),
    makeValueInfo('attention_mask', DataType.INT64, ['batch_size', totalDim]),
    makeValueInfo('position_ids', DataType.INT64, ['batch_size', 'sequence_length']),
  );
  const declare = options.declarePastDims ?? true;
  const kvDims = (length: string) => [
    'batch_size',
    declare ? config.kvHeads : 'num_key_value_heads',
    length,
    declare ? config.headDim : 'head_dim',
  ];
  const past = Array.from({ length: config.layers }, (_, i) => ({
    key: `past_key_values.${i}.key`,
    value: `past_key_values.${i}.value`,
  }));
  const logitsInfo = makeValueInfo('logits', DataType.FLOAT, ['batch_size', 'sequence_length', config.vocab]);
  const presentInfos = past.flatMap((_, i) =>
    ['key', 'value'].map((role) => makeValueInfo(`present.${i}.${role}`, DataType.FLOAT, kvDims(totalDim))),
  );

  if (config.layout === 'no-cache') {
    const body = emitDecoderBody(new GraphEditor(graph), store, weights, config, { past: null }, '');
    new GraphEditor(graph).add('Identity', [body.logits], { name: '/logits/Identity', outputNames: ['logits'] });
    graph.output.push(logitsInfo);
  } else {
    for (const entry of past)
      for (const name of [entry.key, entry.value])
        graph.input.push(makeValueInfo(name, DataType.FLOAT, kvDims('past_sequence_length')));
    const outputNames = ['logits', ...past.flatMap((_, i) => [`present.${i}.key`, `present.${i}.value`])];
    const route = (g: GraphEditor, body: ReturnType<typeof emitDecoderBody>, scope: string) =>
      [body.logits, ...body.present.flatMap((entry) => [entry.key, entry.value])].forEach((tensor, j) =>
        g.add('Identity', [tensor], {
          name: `${scope}/output_${j}`,
          outputNames: [`${scope ? `${scope}_` : ''}${outputNames[j]}`],
        }),
      );
    if (config.layout === 'cache') {
      const g = new GraphEditor(graph);
      route(g, emitDecoderBody(g, store, weights, config, { past }, ''), '');
    } else {
      graph.input.push(makeValueInfo('use_cache_branch', DataType.BOOL, [1]));
      const branch = (scope: string, withPast: boolean) => {
        const sub = emptyGraph(scope);
        const g = new GraphEditor(sub);
        route(g, emitDecoderBody(g, store, weights, config, { past: withPast ? past : null }, `/${scope}`), scope);
        sub.output = outputNames.map((name) => makeValueInfo(`${scope}_${name}`, DataType.FLOAT));
        return sub;
      };
      new GraphEditor(graph).addNode('If', ['use_cache_branch'], {
        name: 'optimum::if',
        outputNames,
        attributes: {},
      }).attribute = [
        { name: 'then_branch', type: 5, g: branch('with_past', true) },
        { name: 'else_branch', type: 5, g: branch('no_past', false) },
      ];
    }
    graph.output.push(logitsInfo, ...presentInfos);
  }
  const model: OnnxModel = {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    producerName: 'transformer-playground-tests',
    producerVersion: '1',
    graph,
  };
  const fileName =
    config.layout === 'merged'
      ? 'decoder_model_merged.onnx'
      : config.layout === 'cache'
        ? 'decoder_model.onnx'
        : 'model.onnx';
  return {
    model,
    bytes: encodeModel(model),
    config,
    weights,
    tokenizerJson,
    tokenizerConfig: gpt2 ? byteLevelTokenizerConfig() : sentencePieceTokenizerConfig(),
    configJson: decoderConfigJson(config),
    fileName,
  };
}

/** config.json in GPT-2 names (n_layer, n_head, …) or Llama names (num_hidden_layers, num_key_value_heads, …). */
export function decoderConfigJson(c: TinyDecoderConfig): Record<string, unknown> {
  if (c.family === 'gpt2')
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      n_layer: c.layers,
      n_head: c.heads,
      n_embd: c.hidden,
      n_inner: c.intermediate,
      n_positions: c.maxPositions,
      n_ctx: c.maxPositions,
      vocab_size: c.vocab,
      attn_pdrop: 0.1,
      resid_pdrop: 0.1,
      embd_pdrop: 0.1,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      bos_token_id: c.eosTokenId,
      eos_token_id: c.eosTokenId,
      tie_word_embeddings: true,
    };
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.kvHeads,
    head_dim: c.headDim,
    hidden_size: c.hidden,
    intermediate_size: c.intermediate,
    max_position_embeddings: c.maxPositions,
    vocab_size: c.vocab,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    attention_dropout: 0.0,
    hidden_act: 'silu',
    bos_token_id: 1,
    eos_token_id: c.eosTokenId,
    tie_word_embeddings: false,
  };
}

/** Writes config.json, tokenizer.json, tokenizer_config.json and onnx/<layout's file name> under `dir`. */
export function writeTinyDecoderFolder(dir: string, options: TinyDecoderOptions = {}): TinyDecoder {
  const tiny = buildTinyDecoder(options);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', tiny.fileName), tiny.bytes);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(tiny.configJson, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tiny.tokenizerJson, null, 2));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tiny.tokenizerConfig, null, 2));
  return tiny;
}
