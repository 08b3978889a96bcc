import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  describeModel,
  encodeModel,
  findAttentionSoftmaxes,
  findResidualSites,
  inspectModelBytes,
} from '../../../src/core/onnx';
import { GraphIndex } from '../../../src/core/onnx/graph';
import type { OnnxModel } from '../../../src/core/onnx/types';
import {
  externalDataModel,
  fusedAttentionModel,
  randomBytes,
  singleMatMulModel,
  truncatedModelBytes,
} from '../../helpers/onnx-bad-models';
import { buildTinyTransformer, tinyConfigJson } from '../../helpers/tiny-transformer';

describe('describeModel', () => {
  it('describes the tiny transformer from its graph alone', () => {
    const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16 });
    const description = describeModel(decodeModel(tiny.bytes));
    expect(description.inputs).toEqual([
      { name: 'input_ids', dtype: 'int64', type: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', dtype: 'int64', type: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'token_type_ids', dtype: 'int64', type: 'int64', shape: ['batch_size', 'sequence_length'] },
    ]);
    expect(description.outputs.map((output) => [output.name, output.shape])).toEqual([
      ['logits', ['batch_size', 'sequence_length', tiny.config.vocab]],
      ['last_hidden_state', ['batch_size', 'sequence_length', 16]],
      ['classifier_logits', ['batch_size', 3]],
    ]);
    expect(description).toMatchObject({
      opset: 17,
      producer: 'transformer-playground-tests 1',
      layers: 2,
      headsPerLayer: 2,
      hiddenSize: 16,
      vocabSize: tiny.config.vocab,
      attentionSoftmaxCount: 2,
      looksLikeTransformer: true,
      roles: {
        fillMask: 'logits',
        classification: 'classifier_logits',
        sentenceEmbeddings: 'last_hidden_state',
        numLabels: 3,
      },
      warnings: [],
    });
    for (const capability of Object.values(description.capabilities)) expect(capability.available).toBe(true);
    expect(description.capabilities.mcDropout.reason).toMatch(/2 attention Softmax node\(s\) and on 4 residual branch/);
  });

  it('prefers config.json and warns when it disagrees with the graph', () => {
    const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16 });
    const model = decodeModel(tiny.bytes);
    expect(describeModel(model, tinyConfigJson(tiny.config))).toMatchObject({
      layers: 2,
      headsPerLayer: 2,
      hiddenSize: 16,
      warnings: [],
    });
    const wrong = describeModel(model, {
      ...tinyConfigJson(tiny.config),
      num_hidden_layers: 6,
      num_attention_heads: 8,
    });
    expect(wrong).toMatchObject({ layers: 6, headsPerLayer: 8 });
    expect(wrong.warnings.join(' ')).toMatch(/6 layers but the graph has 2/);
    expect(wrong.warnings.join(' ')).toMatch(/8 heads per layer but the graph splits attention into 2/);
  });

  it('recognises residual sites with decomposed LayerNorm and in pre-LN blocks', () => {
    for (const options of [{ layerNorm: 'decomposed' }, { preLayerNorm: true }] as const) {
      const description = describeModel(decodeModel(buildTinyTransformer(options).bytes));
      expect(description.capabilities.mcDropout.reason).toMatch(/on 4 residual branch/);
    }
  });

  it('says a single-MatMul graph is not a transformer, without throwing', () => {
    const description = describeModel(decodeModel(encodeModel(singleMatMulModel())));
    expect(description.looksLikeTransformer).toBe(false);
    expect(description.layers).toBeNull();
    expect(description.capabilities.attention).toEqual({
      available: false,
      reason: expect.stringMatching(/^not a transformer: no attention Softmax nodes found/),
    });
    expect(description.capabilities.tokenEmbeddings.reason).toMatch(/no "input_ids" input/);
    expect(description.capabilities.classification.available).toBe(false);
    expect(description.warnings.join(' ')).toMatch(/does not look like a transformer/);
  });

  it('names fused com.microsoft Attention ops and keeps embeddings available', () => {
    const description = describeModel(decodeModel(encodeModel(fusedAttentionModel())));
    expect(description.fusedAttentionOps).toEqual({ 'com.microsoft.Attention': 1 });
    expect(description.looksLikeTransformer).toBe(true);
    expect(description.capabilities.attention.available).toBe(false);
    expect(description.capabilities.attention.reason).toMatch(
      /fused attention ops \(com\.microsoft\.Attention ×1\).*attention view unavailable.*Embeddings and analogies still work/,
    );
    expect(description.capabilities.mcDropout.available).toBe(false);
    expect(description.capabilities.tokenEmbeddings.available).toBe(true);
    expect(description.capabilities.sentenceEmbeddings.available).toBe(true);
  });

  it('reports initializers kept in external data files', () => {
    const description = describeModel(decodeModel(encodeModel(externalDataModel())));
    expect(description.externalDataInitializers).toEqual(['embeddings.word_embeddings.weight']);
    expect(description.warnings.join(' ')).toMatch(/external data files/);
    expect(description.capabilities.tokenEmbeddings).toEqual({
      available: false,
      reason: expect.stringMatching(/stored as external data/),
    });
    expect(description.capabilities.attention.available).toBe(true);
  });

  /** The tiny transformer with every attention Softmax replaced by another op: attention that is neither Softmax nor fused. */
  const withoutSoftmax = (op: 'Sigmoid' | 'Relu', options = {}): OnnxModel => {
    const model = decodeModel(buildTinyTransformer(options).bytes);
    for (const node of model.graph.node) {
      if (node.opType !== 'Softmax') continue;
      node.opType = op;
      node.attribute = [];
    }
    return model;
  };

  it.each(['Sigmoid', 'Relu'] as const)(
    'describes attention computed by %s (no Softmax) as attention it cannot show, not as "not a transformer"',
    (op) => {
      const description = describeModel(withoutSoftmax(op));
      expect(description.attentionSoftmaxCount).toBe(0);
      expect(description.looksLikeTransformer).toBe(true);
      expect(description.layers).toBe(2);
      expect(description.warnings).toEqual([]);
      expect(description.capabilities.attention).toEqual({
        available: false,
        reason:
          'attention weights are not computed by a Softmax node, so the attention view and attention-site dropout are unavailable. Embeddings and analogies still work.',
      });
      expect(description.capabilities.mcDropout).toEqual({
        available: false,
        reason:
          'attention weights are not computed by a Softmax node, and MC dropout places its layers by those nodes: the 4 residual branch(es) found in 2 layer(s) cannot take dropout in this model.',
      });
      for (const tool of ['tokenEmbeddings', 'fillMask', 'classification', 'sentenceEmbeddings'] as const)
        expect(description.capabilities[tool].available, tool).toBe(true);
    },
  );

  it('finds the same residual branches, layer by layer, from the attention MatMuls when there is no Softmax', () => {
    for (const options of [
      { layers: 3 },
      { layers: 2, layerNorm: 'decomposed' },
      { layers: 2, preLayerNorm: true },
    ] as const) {
      const plain = decodeModel(buildTinyTransformer(options).bytes);
      const anchored = findResidualSites(new GraphIndex(plain.graph), findAttentionSoftmaxes(plain));
      const sigmoid = withoutSoftmax('Sigmoid', options);
      const unanchored = findResidualSites(new GraphIndex(sigmoid.graph), []);
      const summary = (sites: typeof anchored) =>
        sites.map((site) => [site.addNode.name, site.layer, site.position, site.branchInput, site.normKind]);
      expect(anchored.length, JSON.stringify(options)).toBe(options.layers * 2);
      expect(summary(unanchored), JSON.stringify(options)).toEqual(summary(anchored));
    }
  });

  it('reports bytes that are not ONNX at all through inspectModelBytes', () => {
    for (const bytes of [randomBytes(500), truncatedModelBytes(0.5), new TextEncoder().encode('hello')]) {
      const inspection = inspectModelBytes(bytes);
      expect(inspection.ok).toBe(false);
      if (!inspection.ok) expect(inspection.reason).toMatch(/^This file is not an ONNX model/);
    }
    const good = inspectModelBytes(buildTinyTransformer().bytes);
    expect(good.ok && good.description.attentionSoftmaxCount).toBe(2);
  });
});
