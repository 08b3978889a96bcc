/**
 * Decoder recognition: every tiny decoder layout is found with its cache inputs and outputs, kv heads and
 * head size come from the graph (or config.json when the graph leaves them symbolic), the merged If is
 * inlined, present outputs are pruned, and encoders / encoder–decoder exports are told apart.
 */
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/core/model/config';
import { makeNode, makeValueInfo } from '../../../src/core/onnx/builder';
import { encoderDecoderEvidence, findDecoderStructure, pastShapes } from '../../../src/core/onnx/decoder';
import { DECODER_HIDDEN_OUTPUT, prepareDecoderGraph } from '../../../src/core/onnx/decoder-graph';
import { describeModel } from '../../../src/core/onnx/describe';
import { DataType, type OnnxModel } from '../../../src/core/onnx/types';
import { buildTinyDecoder, type DecoderFamily, type DecoderLayout } from '../../helpers/tiny-decoder';
import { buildTinyTransformer, tinyConfigJson } from '../../helpers/tiny-transformer';

const cases: [DecoderFamily, DecoderLayout][] = [
  ['gpt2', 'no-cache'],
  ['gpt2', 'cache'],
  ['gpt2', 'merged'],
  ['llama', 'no-cache'],
  ['llama', 'cache'],
  ['llama', 'merged'],
];

describe.each(cases)('a tiny %s decoder, %s layout', (family, layout) => {
  const tiny = buildTinyDecoder({ family, layout });

  it('is recognised with its layout, cache inputs and outputs, and a causal mask', () => {
    // Without config.json: the graph alone must say it is a decoder.
    const structure = findDecoderStructure(tiny.model)!;
    expect(structure).not.toBeNull();
    expect(structure.layout).toBe(layout);
    expect(structure.causalMask).toBe(true);
    expect(structure.logits).toBe('logits');
    expect(structure.hasPositionIds).toBe(true);
    const cached = layout === 'no-cache' ? 0 : 2 * tiny.config.layers;
    expect(structure.pastInputs).toHaveLength(cached);
    expect(structure.presentOutputs).toHaveLength(cached);
    expect(structure.useCacheBranch).toBe(layout === 'merged' ? 'use_cache_branch' : null);
    if (cached)
      expect(structure.pastInputs[0]).toMatchObject({
        layer: 0,
        role: 'key',
        kvHeads: tiny.config.kvHeads,
        headDim: tiny.config.headDim,
      });
  });

  it('describes it as a decoder: next-token available, fill-mask not, attention and dropout found', () => {
    const prepared = prepareDecoderGraph(tiny.model, tiny.configJson)!;
    const description = describeModel(prepared.model, tiny.configJson);
    expect(description.decoder?.nextToken.available).toBe(true);
    expect(description.capabilities.fillMask.available).toBe(false);
    expect(description.capabilities.fillMask.reason).toMatch(/next token/);
    expect(description.attentionSoftmaxCount).toBe(tiny.config.layers);
    expect(description.headsPerLayer).toBe(tiny.config.heads);
    expect(description.layers).toBe(tiny.config.layers);
    expect(description.hiddenSize).toBe(tiny.config.hidden);
    expect(description.capabilities.mcDropout.available).toBe(true);
    expect(description.capabilities.mcDropout.reason).toContain(`on ${2 * tiny.config.layers} residual branch(es)`);
    expect(description.roles.sentenceEmbeddings).toBe(DECODER_HIDDEN_OUTPUT);
    expect(description.capabilities.tokenEmbeddings.available).toBe(true);
  });

  it('runs without an If and without present outputs; past inputs stay to be fed empty', () => {
    const prepared = prepareDecoderGraph(tiny.model, tiny.configJson)!;
    expect(prepared.model.graph.node.some((node) => node.opType === 'If')).toBe(false);
    expect(prepared.model.graph.input.some((input) => input.name === 'use_cache_branch')).toBe(false);
    expect(prepared.model.graph.output.map((output) => output.name)).toEqual(['logits', DECODER_HIDDEN_OUTPUT]);
    expect(prepared.original.layout).toBe(layout);
    // The merged export's no-cache branch reads no past: its past inputs are pruned with the branch.
    const expectedPast = layout === 'cache' ? 2 * tiny.config.layers : 0;
    expect(prepared.past).toHaveLength(expectedPast);
    for (const shape of prepared.past)
      expect(shape).toMatchObject({ kvHeads: tiny.config.kvHeads, headDim: tiny.config.headDim, dtype: 'float32' });
  });
});

describe('past shapes', () => {
  it('come from config.json when the graph leaves them symbolic (Llama names, then GPT-2 names)', () => {
    const llama = buildTinyDecoder({ family: 'llama', declarePastDims: false });
    const structure = findDecoderStructure(llama.model)!;
    expect(structure.pastInputs[0].kvHeads).toBeNull();
    expect(pastShapes(structure, llama.configJson)[0]).toMatchObject({ kvHeads: 2, headDim: 4 });
    // Without head_dim: hidden / heads.
    const { head_dim: _unused, ...withoutHeadDim } = llama.configJson;
    expect(pastShapes(structure, withoutHeadDim)[0]).toMatchObject({ kvHeads: 2, headDim: 4 });
    const gpt2 = buildTinyDecoder({ family: 'gpt2', declarePastDims: false });
    expect(pastShapes(findDecoderStructure(gpt2.model)!, gpt2.configJson)[1]).toMatchObject({ kvHeads: 2, headDim: 8 });
    expect(() => pastShapes(structure, {})).toThrow(/num_key_value_heads/);
  });
});

describe('config.json of decoders', () => {
  it('reads GPT-2 names', () => {
    const config = parseModelConfig(JSON.stringify(buildTinyDecoder({ family: 'gpt2' }).configJson));
    expect(config).toMatchObject({
      numHiddenLayers: 2,
      numAttentionHeads: 2,
      hiddenSize: 16,
      maxPositionEmbeddings: 64,
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.1,
      embeddingDropoutProb: 0.1,
      tieWordEmbeddings: true,
      isEncoderDecoder: false,
    });
  });
  it('reads Llama names', () => {
    const config = parseModelConfig(JSON.stringify(buildTinyDecoder({ family: 'llama' }).configJson));
    expect(config).toMatchObject({
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      numKeyValueHeads: 2,
      headDim: 4,
      hiddenSize: 16,
      rmsNormEps: 1e-6,
      ropeTheta: 10000,
      attentionProbsDropoutProb: 0,
      tieWordEmbeddings: false,
      bosTokenId: 1,
      eosTokenId: 2,
    });
    expect(parseModelConfig('{"eos_token_id": [128001, 128009]}').eosTokenId).toBe(128001);
  });
});

/** A T5-style decoder_model.onnx: it reads the encoder's hidden states and keeps cross-attention caches. */
function encoderDecoderGraph(): OnnxModel {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 't5-decoder',
      node: [makeNode('Identity', ['encoder_hidden_states'], ['logits'], 'id')],
      initializer: [],
      input: [
        makeValueInfo('input_ids', DataType.INT64, ['batch', 'seq']),
        makeValueInfo('encoder_hidden_states', DataType.FLOAT, ['batch', 'enc', 8]),
        makeValueInfo('past_key_values.0.decoder.key', DataType.FLOAT, ['batch', 2, 'past', 4]),
      ],
      output: [makeValueInfo('logits', DataType.FLOAT)],
    },
  };
}

describe('encoders and encoder–decoder exports', () => {
  it('an encoder (BERT) is not a decoder', () => {
    const bert = buildTinyTransformer();
    expect(findDecoderStructure(bert.model, tinyConfigJson(bert.config))).toBeNull();
    expect(describeModel(bert.model, tinyConfigJson(bert.config)).decoder).toBeNull();
    // Even the pre-LN (GPT-2-shaped) encoder: its attention is not causal.
    expect(findDecoderStructure(buildTinyTransformer({ preLayerNorm: true }).model)).toBeNull();
  });
  it('an encoder–decoder export is named as such, from its inputs or from config.json', () => {
    const graph = encoderDecoderGraph();
    expect(encoderDecoderEvidence(graph)).toMatch(/encoder_hidden_states/);
    expect(findDecoderStructure(graph)).toBeNull();
    expect(describeModel(graph).encoderDecoder).toMatch(/encoder_hidden_states/);
    const decoderOnly = buildTinyDecoder().model;
    expect(encoderDecoderEvidence(decoderOnly, { is_encoder_decoder: true, model_type: 't5' })).toMatch(/t5/);
  });
});

describe('fused attention in a decoder', () => {
  it('names com.microsoft GroupQueryAttention and MultiHeadAttention, as for encoders', () => {
    for (const op of ['GroupQueryAttention', 'MultiHeadAttention']) {
      const graph: OnnxModel = {
        irVersion: 8,
        opsetImport: [
          { domain: '', version: 17 },
          { domain: 'com.microsoft', version: 1 },
        ],
        graph: {
          name: 'fused-decoder',
          node: [
            makeNode(
              op,
              ['input_ids', 'past_key_values.0.key', 'past_key_values.0.value'],
              ['logits', 'present.0.key', 'present.0.value'],
              'attn',
              {},
              'com.microsoft',
            ),
          ],
          initializer: [],
          input: [
            makeValueInfo('input_ids', DataType.INT64, ['batch', 'seq']),
            makeValueInfo('past_key_values.0.key', DataType.FLOAT, ['batch', 2, 'past', 4]),
            makeValueInfo('past_key_values.0.value', DataType.FLOAT, ['batch', 2, 'past', 4]),
          ],
          output: ['logits', 'present.0.key', 'present.0.value'].map((name) => makeValueInfo(name, DataType.FLOAT)),
        },
      };
      const description = describeModel(graph);
      expect(description.decoder?.layout).toBe('cache');
      expect(description.fusedAttentionOps).toEqual({ [`com.microsoft.${op}`]: 1 });
      expect(description.capabilities.attention.available).toBe(false);
      expect(description.capabilities.attention.reason).toContain(`com.microsoft.${op} ×1`);
    }
  });
});
