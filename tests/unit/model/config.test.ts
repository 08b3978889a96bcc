import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/core/model/config';

describe('parseModelConfig', () => {
  it('reads BERT keys and orders id2label by id', () => {
    const config = parseModelConfig(
      JSON.stringify({
        model_type: 'bert',
        num_hidden_layers: 4,
        num_attention_heads: 4,
        hidden_size: 128,
        vocab_size: 8000,
        max_position_embeddings: 128,
        hidden_dropout_prob: 0.1,
        attention_probs_dropout_prob: 0.05,
        id2label: { 1: 'plant', 0: 'animal', 2: 'food' },
      }),
    );
    expect(config).toMatchObject({
      modelType: 'bert',
      numHiddenLayers: 4,
      numAttentionHeads: 4,
      hiddenSize: 128,
      vocabSize: 8000,
      maxPositionEmbeddings: 128,
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.05,
    });
    expect(config.labels).toEqual(['animal', 'plant', 'food']);
  });

  it('reads GPT-2 style keys', () => {
    expect(parseModelConfig('{"n_layer": 2, "n_head": 3, "n_embd": 12, "n_positions": 64}')).toMatchObject({
      numHiddenLayers: 2,
      numAttentionHeads: 3,
      hiddenSize: 12,
      maxPositionEmbeddings: 64,
    });
  });

  it('treats a missing config as empty and a broken one as a clear error', () => {
    expect(parseModelConfig(null).numHiddenLayers).toBeNull();
    expect(() => parseModelConfig('{oops')).toThrow(/config\.json is not a valid JSON object/);
    expect(() => parseModelConfig('[1,2]')).toThrow(/config\.json is not a valid JSON object/);
  });
});
