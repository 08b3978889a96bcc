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
    raw,
  };
}
