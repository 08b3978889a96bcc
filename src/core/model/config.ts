import { ModelLoadError } from './errors';

/** The config.json fields the playground reads, normalised across model families. */
export interface ModelConfig {
  modelType: string | null;
  numHiddenLayers: number | null;
  numAttentionHeads: number | null;
  hiddenSize: number | null;
  vocabSize: number | null;
  maxPositionEmbeddings: number | null;
  hiddenDropoutProb: number | null;
  attentionProbsDropoutProb: number | null;
  /** Class names by class index, when the model has a classifier head. */
  labels: string[] | null;
  /** Decoders: K/V heads (grouped-query attention; equals the head count when the config does not say). */
  numKeyValueHeads: number | null;
  headDim: number | null;
  /** GPT-2's embd_pdrop: dropout on the embedding sum (not a site the playground uses; shown beside the others). */
  embeddingDropoutProb: number | null;
  rmsNormEps: number | null;
  ropeTheta: number | null;
  isEncoderDecoder: boolean;
  /** The vocabulary projection shares the input embedding table (GPT-2 default true; Llama usually false). */
  tieWordEmbeddings: boolean | null;
  bosTokenId: number | null;
  eosTokenId: number | null;
  raw: Record<string, unknown>;
}

function pickNumber(raw: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

function readLabels(raw: Record<string, unknown>): string[] | null {
  const id2label = raw.id2label;
  if (!id2label || typeof id2label !== 'object') return null;
  const entries = Object.entries(id2label as Record<string, unknown>)
    .map(([id, label]) => [Number(id), String(label)] as const)
    .filter(([id]) => Number.isInteger(id) && id >= 0);
  if (entries.length === 0) return null;
  const labels = new Array<string>(Math.max(...entries.map(([id]) => id)) + 1).fill('');
  for (const [id, label] of entries) labels[id] = label;
  return labels.map((label, id) => label || `class ${id}`);
}

/** A token id, or the first of a list (Llama 3 configs give eos_token_id as a list). */
function firstId(value: unknown): number | null {
  const id = Array.isArray(value) ? value[0] : value;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

export function parseModelConfig(text: string | null): ModelConfig {
  let raw: Record<string, unknown> = {};
  if (text !== null) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      raw = parsed as Record<string, unknown>;
    } catch (error) {
      throw new ModelLoadError(`config.json is not a valid JSON object (${(error as Error).message}).`, 'config');
    }
  }
  return {
    modelType: typeof raw.model_type === 'string' ? raw.model_type : null,
    numHiddenLayers: pickNumber(raw, 'num_hidden_layers', 'n_layer', 'num_layers', 'n_layers'),
    numAttentionHeads: pickNumber(raw, 'num_attention_heads', 'n_head', 'num_heads', 'n_heads'),
    hiddenSize: pickNumber(raw, 'hidden_size', 'n_embd', 'd_model', 'dim'),
    vocabSize: pickNumber(raw, 'vocab_size'),
    maxPositionEmbeddings: pickNumber(raw, 'max_position_embeddings', 'n_positions', 'n_ctx'),
    hiddenDropoutProb: pickNumber(raw, 'hidden_dropout_prob', 'dropout', 'resid_pdrop'),
    attentionProbsDropoutProb: pickNumber(raw, 'attention_probs_dropout_prob', 'attention_dropout', 'attn_pdrop'),
    labels: readLabels(raw),
    numKeyValueHeads: pickNumber(raw, 'num_key_value_heads', 'n_head_kv', 'num_kv_heads', 'multi_query_group_num'),
    headDim: pickNumber(raw, 'head_dim'),
    embeddingDropoutProb: pickNumber(raw, 'embd_pdrop', 'embedding_dropout'),
    rmsNormEps: pickNumber(raw, 'rms_norm_eps'),
    ropeTheta: pickNumber(raw, 'rope_theta'),
    isEncoderDecoder: raw.is_encoder_decoder === true,
    tieWordEmbeddings: typeof raw.tie_word_embeddings === 'boolean' ? raw.tie_word_embeddings : null,
    bosTokenId: firstId(raw.bos_token_id),
    eosTokenId: firstId(raw.eos_token_id),
    raw,
  };
}
