import { decodeModel } from './codec';
import { OnnxFormatError } from './errors';
import { findAttentionSoftmaxes, findFusedAttentionOps, type AttentionSoftmax } from './attention';
import { encoderDecoderEvidence, findDecoderStructure, type DecoderStructure } from './decoder';
import { findTokenEmbeddingInitializer } from './embeddings';
import { GraphIndex, defaultOpset, isOp } from './graph';
import { findResidualSites } from './residual';
import { isExternalTensor, tensorDims } from './tensor-data';
import { DataType, dataTypeName, int64ToNumber, type OnnxModel, type OnnxTensor, type OnnxValueInfo } from './types';

const isQuantizedTable = (table: OnnxTensor) => table.dataType === DataType.INT8 || table.dataType === DataType.UINT8;

export interface TensorDescription {
  name: string;
  /** Element type as onnxruntime-web names it ("float32", "int64", …). */
  dtype: string;
  /** Same as dtype; the name the engine's ModelInfo uses. */
  type: string;
  /** Fixed dims as numbers, symbolic dims by their name ("batch_size"). */
  shape: (number | string)[];
}

export interface CapabilityStatus {
  available: boolean;
  /** What it uses when available; in plain words why not otherwise. */
  reason: string;
}

export interface ModelCapabilities {
  attention: CapabilityStatus;
  mcDropout: CapabilityStatus;
  tokenEmbeddings: CapabilityStatus;
  fillMask: CapabilityStatus;
  classification: CapabilityStatus;
  sentenceEmbeddings: CapabilityStatus;
}

export interface ModelDescription {
  inputs: TensorDescription[];
  outputs: TensorDescription[];
  opset: number | null;
  irVersion: number;
  producer: string;
  layers: number | null;
  headsPerLayer: number | null;
  hiddenSize: number | null;
  vocabSize: number | null;
  attentionSoftmaxCount: number;
  /** Fused attention ops by name with their count, e.g. { "com.microsoft.Attention": 4 }. */
  fusedAttentionOps: Record<string, number>;
  /** Initializers whose data lives in external files the app cannot reach. */
  externalDataInitializers: string[];
  /** False when the graph has no attention structure at all (no Softmax over MatMul scores, no fused attention, no attention MatMuls feeding residual branches). */
  looksLikeTransformer: boolean;
  /** Output names by role, null when the model has none. */
  roles: {
    fillMask: string | null;
    classification: string | null;
    sentenceEmbeddings: string | null;
    numLabels: number | null;
  };
  capabilities: ModelCapabilities;
  /** Set for decoder-only causal language models (GPT-2, Llama, …); null for encoders. */
  decoder: DecoderDescription | null;
  /** Why the model is an encoder–decoder export (refused at load), null otherwise. */
  encoderDecoder: string | null;
  warnings: string[];
}

export interface DecoderDescription extends DecoderStructure {
  /** The next-token distribution: logits at the last position. */
  nextToken: CapabilityStatus;
}

type RawConfig = Record<string, unknown>;

function configNumber(config: RawConfig | undefined, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = config?.[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  }
  return null;
}

function describeValue(info: OnnxValueInfo): TensorDescription {
  const tensorType = info.type?.tensorType;
  const dtype = tensorType ? dataTypeName(tensorType.elemType) : 'unknown';
  const shape = (tensorType?.shape?.dim ?? []).map((dim, axis) =>
    dim.dimParam ? dim.dimParam : dim.dimValue != null ? int64ToNumber(dim.dimValue) : `unk_${axis}`,
  );
  return { name: info.name ?? '', dtype, type: dtype, shape };
}

const available = (reason: string): CapabilityStatus => ({ available: true, reason });
const unavailable = (reason: string): CapabilityStatus => ({ available: false, reason });

function mostCommon(values: (number | null)[]): number | null {
  const counts = new Map<number, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: number | null = null;
  for (const [value, count] of counts) if (best === null || count > counts.get(best)!) best = value;
  return best;
}

function findRoles(
  outputs: TensorDescription[],
  vocabSize: number | null,
  hiddenSize: number | null,
): ModelDescription['roles'] {
  const lastDim = (output: TensorDescription) => output.shape[output.shape.length - 1];
  const fillMask = outputs.find(
    (o) => o.shape.length === 3 && vocabSize !== null && lastDim(o) === vocabSize && vocabSize !== hiddenSize,
  );
  const sentence = outputs.find(
    (o) => o.shape.length === 3 && hiddenSize !== null && lastDim(o) === hiddenSize && o !== fillMask,
  );
  const classifier = outputs.find(
    (o) =>
      o.shape.length === 2 &&
      typeof lastDim(o) === 'number' &&
      lastDim(o) !== hiddenSize &&
      !/pool|embed/i.test(o.name),
  );
  return {
    fillMask: fillMask?.name ?? null,
    sentenceEmbeddings: sentence?.name ?? null,
    classification: classifier?.name ?? null,
    numLabels: classifier ? (lastDim(classifier) as number) : null,
  };
}

/**
 * What a model is and which playground tools it supports, each with a plain reason. Uses config.json
 * values (num_hidden_layers, num_attention_heads, hidden_size, vocab_size) when given, else infers
 * them from the graph. Never throws on a valid ONNX graph, however unsuitable: it reports instead.
 */
export function describeModel(model: OnnxModel, config?: RawConfig): ModelDescription {
  const index = new GraphIndex(model.graph);
  const warnings: string[] = [];
  const inputs = [...index.feedInputs.values()].map(describeValue);
  const outputs = model.graph.output.map(describeValue);

  const softmaxes: AttentionSoftmax[] = findAttentionSoftmaxes(model, index);
  const fused = findFusedAttentionOps(index);
  const fusedList = [...fused].map(([op, count]) => `${op} ×${count}`).join(', ');
  const externalInitializers = model.graph.initializer.filter(isExternalTensor).map((tensor) => tensor.name ?? '');
  const embeddingTable = findTokenEmbeddingInitializer(index);
  const embeddingDims = embeddingTable ? tensorDims(embeddingTable) : null;
  const hasSoftmax = model.graph.node.some((node) => isOp(node, 'Softmax'));
  // Without Softmax anchors the residual branches are found from the attention MatMuls (residual.ts).
  const residualSites = findResidualSites(index, softmaxes);
  const residualLayers = residualSites.length > 0 ? Math.max(...residualSites.map((site) => site.layer)) + 1 : 0;
  // Attention whose weights come from another op (Sigmoid, ReLU, …) is still attention: the blocks are there.
  const looksLikeTransformer = softmaxes.length > 0 || fused.size > 0 || residualSites.length > 0;

  const graphHeads = mostCommon(softmaxes.map((softmax) => softmax.heads));
  const graphHeadSize = mostCommon(softmaxes.map((softmax) => softmax.headSize));
  const layers =
    configNumber(config, 'num_hidden_layers', 'n_layer', 'num_layers') ??
    (softmaxes.length || [...fused.values()].reduce((a, b) => a + b, 0) || residualLayers || null);
  const headsPerLayer = configNumber(config, 'num_attention_heads', 'n_head', 'num_heads') ?? graphHeads;
  const hiddenSize =
    configNumber(config, 'hidden_size', 'n_embd', 'd_model', 'dim') ??
    embeddingDims?.[1] ??
    (graphHeads !== null && graphHeadSize !== null ? graphHeads * graphHeadSize : null);
  const vocabSize = configNumber(config, 'vocab_size') ?? embeddingDims?.[0] ?? null;

  if (config && softmaxes.length > 0 && layers !== null && layers !== softmaxes.length) {
    warnings.push(`config.json says ${layers} layers but the graph has ${softmaxes.length} attention Softmax nodes.`);
  }
  if (config && graphHeads !== null && headsPerLayer !== null && graphHeads !== headsPerLayer) {
    warnings.push(
      `config.json says ${headsPerLayer} heads per layer but the graph splits attention into ${graphHeads}.`,
    );
  }
  if (externalInitializers.length > 0) {
    warnings.push(
      `${externalInitializers.length} initializer(s) keep their weights in external data files, which must be loaded together with the .onnx (${externalInitializers.slice(0, 3).join(', ')}${externalInitializers.length > 3 ? ', …' : ''}).`,
    );
  }
  if (!looksLikeTransformer) {
    warnings.push(
      'This graph does not look like a transformer: it has no attention (no Softmax over query·key scores and no fused attention op).',
    );
  }

  const decoderStructure = findDecoderStructure(model, config);
  const encoderDecoder = encoderDecoderEvidence(model, config);
  const roles = findRoles(outputs, vocabSize, hiddenSize);
  // A causal LM's [batch, sequence, vocabulary] output predicts the next token, not a masked one.
  if (decoderStructure) roles.fillMask = null;
  const embeddingReachable = embeddingTable !== null && !isExternalTensor(embeddingTable);

  let attention: CapabilityStatus;
  if (softmaxes.length > 0) {
    attention = available(
      `${softmaxes.length} attention Softmax node(s), one per layer${headsPerLayer ? `, ${headsPerLayer} heads each` : ''}.`,
    );
  } else if (fused.size > 0) {
    attention = unavailable(
      `the model uses fused attention ops (${fusedList}) that compute attention internally, so its attention probabilities cannot be read: attention view unavailable.`,
    );
  } else if (!looksLikeTransformer) {
    attention = unavailable(
      `not a transformer: no attention ${hasSoftmax ? 'Softmax over query·key scores' : 'Softmax nodes'} found, so there is nothing to show in the attention view.`,
    );
  } else {
    attention = unavailable(
      'attention weights are not computed by a Softmax node, so the attention view and attention-site dropout are unavailable.',
    );
  }
  if (!attention.available && embeddingReachable) attention.reason += ' Embeddings and analogies still work.';

  let mcDropout: CapabilityStatus;
  if (softmaxes.length > 0) {
    mcDropout = available(
      `dropout can be inserted after ${softmaxes.length} attention Softmax node(s) and on ${residualSites.length} residual branch(es).`,
    );
  } else if (fused.size > 0) {
    mcDropout = unavailable(
      `the fused attention ops (${fusedList}) leave no attention Softmax or residual branch to insert dropout at.`,
    );
  } else if (residualSites.length > 0) {
    // insertMcDropout lays out its layers (and the tiled prefix) by the attention Softmax nodes.
    mcDropout = unavailable(
      `attention weights are not computed by a Softmax node, and MC dropout places its layers by those nodes: the ${residualSites.length} residual branch(es) found in ${residualLayers} layer(s) cannot take dropout in this model.`,
    );
  } else {
    mcDropout = unavailable(
      'no attention Softmax nodes and no residual Add → LayerNorm branches found to insert dropout at.',
    );
  }

  const tokenEmbeddings = embeddingReachable
    ? available(
        `token embeddings read from initializer "${embeddingTable!.name}" [${embeddingDims!.join(', ')}]${isQuantizedTable(embeddingTable!) ? `, stored as ${dataTypeName(embeddingTable!.dataType)} and dequantized` : ''}.`,
      )
    : unavailable(
        embeddingTable
          ? `the token-embedding table "${embeddingTable.name}" is stored as external data outside the .onnx file; load that file together with it.`
          : index.feedInputs.has('input_ids')
            ? 'no Gather node looks "input_ids" up in an embedding initializer (or a quantized one through DequantizeLinear; it may be computed): analogies unavailable.'
            : 'the model has no "input_ids" input: analogies unavailable.',
      );

  const takesText = index.feedInputs.has('input_ids');
  const noText = unavailable('the model has no "input_ids" input, so it cannot read text.');
  const fillMask = !takesText
    ? noText
    : decoderStructure
      ? unavailable('a causal decoder predicts the next token, not a masked one: use the next-token task.')
      : roles.fillMask
        ? available(`output "${roles.fillMask}" gives vocabulary logits at every position.`)
        : unavailable(
            `no output shaped [batch, sequence, ${vocabSize ?? 'vocabulary'}]: the model has no masked-language-model head.`,
          );
  const classification = !takesText
    ? noText
    : roles.classification
      ? available(`output "${roles.classification}" gives ${roles.numLabels} class logits per input.`)
      : unavailable('no output shaped [batch, num_labels]: the model has no classification head.');
  const sentenceEmbeddings = !takesText
    ? noText
    : roles.sentenceEmbeddings
      ? available(
          `sentence embeddings pooled from output "${roles.sentenceEmbeddings}" [batch, sequence, ${hiddenSize}].`,
        )
      : unavailable(
          `no output shaped [batch, sequence, ${hiddenSize ?? 'hidden'}] (such as last_hidden_state) to pool sentence embeddings from.`,
        );

  const logitsOutput = decoderStructure?.logits ?? null;
  const decoder: DecoderDescription | null = decoderStructure
    ? {
        ...decoderStructure,
        nextToken: !takesText
          ? noText
          : logitsOutput
            ? available(`output "${logitsOutput}" gives the next-token logits at every position.`)
            : unavailable('the decoder has no "logits" output.'),
      }
    : null;
  return {
    inputs,
    outputs,
    opset: defaultOpset(model),
    irVersion: int64ToNumber(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    layers,
    headsPerLayer,
    hiddenSize,
    vocabSize,
    attentionSoftmaxCount: softmaxes.length,
    fusedAttentionOps: Object.fromEntries(fused),
    externalDataInitializers: externalInitializers,
    looksLikeTransformer,
    roles,
    capabilities: { attention, mcDropout, tokenEmbeddings, fillMask, classification, sentenceEmbeddings },
    decoder,
    encoderDecoder,
    warnings,
  };
}

export type ModelInspection =
  { ok: true; model: OnnxModel; description: ModelDescription } | { ok: false; error: OnnxFormatError; reason: string };

/** Decodes and describes in one step, reporting (not throwing) when the bytes are not ONNX at all. */
export function inspectModelBytes(bytes: Uint8Array, config?: RawConfig): ModelInspection {
  try {
    const model = decodeModel(bytes);
    return { ok: true, model, description: describeModel(model, config) };
  } catch (error) {
    if (error instanceof OnnxFormatError) return { ok: false, error, reason: error.message };
    throw error;
  }
}
