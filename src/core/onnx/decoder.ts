/**
 * Recognising decoder-only (causal language model) exports, in the layouts optimum and the
 * Transformers.js repos ship: onnx/model.onnx or decoder_model.onnx with past_key_values.{i}.key/.value
 * inputs [batch, kv_heads, past, head_dim] and present.{i}.* outputs, decoder_model_merged.onnx with a
 * boolean use_cache_branch and an If node, or a plain model.onnx without a cache whose attention is causal.
 * Encoder–decoder exports (T5, BART) are recognised so they can be refused by name.
 */
import { GraphIndex, isOp } from './graph';
import { DataType, dataTypeName, int64ToNumber, type OnnxGraph, type OnnxModel, type OnnxValueInfo } from './types';

export type DecoderLayoutKind = 'no-cache' | 'cache' | 'merged';

export interface PastInput {
  name: string;
  layer: number;
  role: 'key' | 'value';
  /** From the declared shape [batch, kv_heads, past, head_dim]; null when symbolic. */
  kvHeads: number | null;
  headDim: number | null;
  /** Element type as onnxruntime-web names it ("float32", "float16"). */
  dtype: string;
}

export interface DecoderStructure {
  layout: DecoderLayoutKind;
  pastInputs: PastInput[];
  presentOutputs: string[];
  /** The boolean input that picks the If branch of a merged export. */
  useCacheBranch: string | null;
  /** The vocabulary logits output. */
  logits: string | null;
  hasPositionIds: boolean;
  /** Attention scores masked by a causal pattern (Trilu, or a comparison of two position ranges). */
  causalMask: boolean;
  /** How it was recognised, for the model panel. */
  evidence: string[];
}

const PAST = /^past(?:_key_values)?\.(\d+)\.(key|value)$/;
const PRESENT = /^present(?:_key_values)?\.(\d+)\.(key|value)$/;
const ENCODER_DECODER_INPUTS = ['encoder_hidden_states', 'encoder_attention_mask', 'encoder_outputs'];
const ENCODER_DECODER_PAST = /^past_key_values\.\d+\.(decoder|encoder)\.(key|value)$/;
const CAUSAL_ARCHITECTURE = /(ForCausalLM|LMHeadModel)$/;
const DECODER_MODEL_TYPES = new Set([
  'gpt2',
  'gpt_neo',
  'gpt_neox',
  'gptj',
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
  'phi',
  'phi3',
  'gemma',
  'gemma2',
  'smollm',
  'opt',
  'bloom',
  'falcon',
  'olmo',
  'stablelm',
  'starcoder2',
  'codegen',
]);

type RawConfig = Record<string, unknown> | undefined;

function declaredDim(info: OnnxValueInfo | undefined, axis: number): number | null {
  const dim = info?.type?.tensorType?.shape?.dim?.[axis];
  if (!dim || dim.dimParam) return null;
  const value = dim.dimValue == null ? 0 : int64ToNumber(dim.dimValue);
  return value > 0 ? value : null;
}

/** Why a model is an encoder–decoder export, or null when it is not one. */
export function encoderDecoderEvidence(model: OnnxModel, config?: RawConfig): string | null {
  const inputs = model.graph.input.map((input) => input.name ?? '');
  const encoderInput = inputs.find((name) => ENCODER_DECODER_INPUTS.includes(name));
  if (encoderInput) return `it takes the encoder's output as input "${encoderInput}"`;
  const crossPast = inputs.find((name) => ENCODER_DECODER_PAST.test(name));
  if (crossPast) return `its cache input "${crossPast}" holds decoder and encoder (cross-attention) keys`;
  if (config?.is_encoder_decoder === true)
    return `config.json says is_encoder_decoder${typeof config.model_type === 'string' ? ` (model_type "${config.model_type}")` : ''}`;
  return null;
}

/** The message for an encoder–decoder model: what it is, and what is supported instead. */
export function encoderDecoderMessage(label: string, evidence: string): string {
  return (
    `${label} is an encoder–decoder model (T5/BART-style, exported as encoder_model.onnx + decoder_model.onnx): ${evidence}. ` +
    'The playground opens encoders (BERT-style, onnx/model.onnx) and decoder-only causal language models ' +
    '(GPT-2, Llama, Qwen, Phi-style: onnx/model.onnx, onnx/decoder_model_merged.onnx or onnx/decoder_model.onnx), not encoder–decoder models.'
  );
}

/**
 * True when some attention Softmax's scores are masked by a causal pattern: walking back from the
 * Softmax input (any op, a bounded number of steps) reaches a Trilu, or a Less/LessOrEqual/Greater/
 * GreaterOrEqual comparison of two tensors that both come from Range (query positions against key positions).
 */
export function hasCausalMask(index: GraphIndex): boolean {
  const fromRange = (name: string): boolean => {
    const seen = new Set<string>();
    const queue = [name];
    while (queue.length > 0 && seen.size < 12) {
      const current = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      const producer = index.producer.get(current);
      if (!producer) continue;
      if (isOp(producer, 'Range')) return true;
      if (['Unsqueeze', 'Reshape', 'Cast', 'Add', 'Sub', 'Expand', 'Identity'].includes(producer.opType ?? ''))
        queue.push(...producer.input.filter(Boolean));
    }
    return false;
  };
  for (const softmax of index.graph.node.filter((node) => isOp(node, 'Softmax'))) {
    const seen = new Set<string>();
    const queue = [softmax.input[0]];
    while (queue.length > 0 && seen.size < 200) {
      const name = queue.shift()!;
      if (!name || seen.has(name)) continue;
      seen.add(name);
      const producer = index.producer.get(name);
      if (!producer) continue;
      if (isOp(producer, 'Trilu')) return true;
      if (
        ['Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual'].includes(producer.opType ?? '') &&
        producer.input.every(fromRange)
      )
        return true;
      // Do not walk into the weights' side or back through the previous layer's Softmax.
      if (isOp(producer, 'Softmax')) continue;
      queue.push(...producer.input.filter((input) => input && !index.isStatic(input)));
    }
  }
  return false;
}

function configSaysCausal(config: RawConfig): string | null {
  const architectures = Array.isArray(config?.architectures) ? (config!.architectures as unknown[]) : [];
  const causal = architectures.find((name) => typeof name === 'string' && CAUSAL_ARCHITECTURE.test(name));
  if (causal) return `config.json architecture ${causal as string}`;
  const type = config?.model_type;
  if (typeof type === 'string' && DECODER_MODEL_TYPES.has(type)) return `config.json model_type "${type}"`;
  if (config?.is_decoder === true) return 'config.json is_decoder';
  return null;
}

/**
 * The decoder structure of a graph, or null when it is not a decoder-only causal language model
 * (encoder–decoder exports are null too: see encoderDecoderEvidence).
 */
export function findDecoderStructure(model: OnnxModel, config?: RawConfig): DecoderStructure | null {
  if (encoderDecoderEvidence(model, config)) return null;
  const index = new GraphIndex(model.graph);
  const pastInputs: PastInput[] = [];
  for (const [name, info] of index.feedInputs) {
    const match = PAST.exec(name);
    if (!match) continue;
    pastInputs.push({
      name,
      layer: Number(match[1]),
      role: match[2] as 'key' | 'value',
      kvHeads: declaredDim(info, 1),
      headDim: declaredDim(info, 3),
      dtype: dataTypeName(info.type?.tensorType?.elemType ?? DataType.FLOAT),
    });
  }
  pastInputs.sort((a, b) => a.layer - b.layer || a.role.localeCompare(b.role));
  const presentOutputs = model.graph.output.map((output) => output.name ?? '').filter((name) => PRESENT.test(name));
  const ifNode = model.graph.node.find((node) => isOp(node, 'If') && index.feedInputs.has(node.input[0]));
  const useCacheBranch = ifNode && /use_cache/.test(ifNode.input[0]) ? ifNode.input[0] : null;
  const logits = model.graph.output.find((output) => output.name === 'logits')?.name ?? null;
  const evidence: string[] = [];
  if (pastInputs.length > 0) evidence.push(`${pastInputs.length} past_key_values inputs`);
  if (presentOutputs.length > 0) evidence.push(`${presentOutputs.length} present outputs`);
  if (useCacheBranch) evidence.push(`an If node on "${useCacheBranch}"`);
  // A merged export's attention lives in the If's branches.
  const branches = (ifNode?.attribute ?? []).flatMap((attribute) => (attribute.g ? [attribute.g as OnnxGraph] : []));
  const causalMask = hasCausalMask(index) || branches.some((branch) => hasCausalMask(new GraphIndex(branch)));
  if (causalMask) evidence.push('a causal attention mask');
  const fromConfig = configSaysCausal(config);
  if (fromConfig) evidence.push(fromConfig);
  if (evidence.length === 0) return null;
  // A plain model.onnx is only taken as a decoder on positive evidence beyond its inputs.
  if (pastInputs.length === 0 && presentOutputs.length === 0 && !useCacheBranch && !causalMask && !fromConfig)
    return null;
  return {
    layout: useCacheBranch ? 'merged' : pastInputs.length > 0 ? 'cache' : 'no-cache',
    pastInputs,
    presentOutputs,
    useCacheBranch,
    logits,
    hasPositionIds: index.feedInputs.has('position_ids'),
    causalMask,
    evidence,
  };
}

export interface PastShape {
  name: string;
  kvHeads: number;
  headDim: number;
  dtype: string;
}

function configNumber(config: RawConfig, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = config?.[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return null;
}

/**
 * kv heads and head size of every past input: from the graph's declared shapes, else config.json
 * (num_key_value_heads / n_head / num_attention_heads; head_dim, else hidden size / heads).
 * Throws with the missing names when neither says.
 */
export function pastShapes(structure: DecoderStructure, config?: RawConfig): PastShape[] {
  const heads = configNumber(config, 'num_attention_heads', 'n_head', 'num_heads');
  const kvFromConfig = configNumber(config, 'num_key_value_heads', 'n_head_kv', 'num_kv_heads') ?? heads;
  const hidden = configNumber(config, 'hidden_size', 'n_embd', 'd_model');
  const headDimFromConfig = configNumber(config, 'head_dim') ?? (hidden && heads ? hidden / heads : null);
  return structure.pastInputs.map((input) => {
    const kvHeads = input.kvHeads ?? kvFromConfig;
    const headDim =
      input.headDim ?? (headDimFromConfig !== null && Number.isInteger(headDimFromConfig) ? headDimFromConfig : null);
    if (kvHeads === null || headDim === null)
      throw new Error(
        `The shape of "${input.name}" is not declared in the graph and config.json does not give ${kvHeads === null ? 'num_key_value_heads (or n_head)' : 'head_dim (or hidden size and heads)'}, so the empty past cannot be fed.`,
      );
    return { name: input.name, kvHeads, headDim, dtype: input.dtype };
  });
}
