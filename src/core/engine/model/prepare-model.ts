import type * as ort from 'onnxruntime-web';
import {
  decodeModel,
  describeModel,
  sessionModel,
  exposeAttention,
  type AttentionOutput,
  type ModelDescription,
} from '../../onnx';
import { contentDigest } from '../../model/content-digest';
import { throwIfAborted } from '../../cancel';
import { ModelLoadError } from '../../model/errors';
import { externalDataLocations, inlineExternalData } from '../../onnx/external-data';
import { encoderDecoderEvidence, encoderDecoderMessage } from '../../onnx/decoder';
import { prepareDecoderGraph, type PreparedDecoderGraph } from '../../onnx/decoder-graph';
import type { LoadedModelFiles } from '../../model/load';
import type { ModelTokenizer } from '../../model/tokenizer';
import { createSession, type ExecutionProviderChoice } from '../../runtime/execution-provider';
import { unknownTextInputs, USE_CACHE_BRANCH, type DecoderFeedSpec } from '../../runtime/feeds';
import { OutputRoutingSession, leanModelFor } from '../../runtime/output-routing-session';
import { RunQueue } from '../../runtime/run-queue';
import type { CapabilityStatus, DecoderInfo, ModelInfo, ToolName } from '../../contracts/model';
import { checkModelFitsMemory, explainSessionError, isOutOfMemoryError, memoryError } from './model-memory';
import { checkConsistency, consistencyFacts, type Consistency } from './model-consistency';

/** A model ready to run: its tokenizer, its description and the session with attention exposed. */
export interface PreparedModel {
  info: ModelInfo;
  tokenizer: ModelTokenizer;
  description: ModelDescription;
  session: ort.InferenceSession;
  attentionOutputs: AttentionOutput[];
  /** Every run on `session` goes through this queue. */
  runs: RunQueue;
  /** The highest token type id the graph can take when a sentence pair's is beyond it (see model-consistency.ts). */
  maxTypeId: number | null;
  /**
   * The decoded graph, kept for later surgery (MC dropout, embeddings). For a decoder, the graph that runs:
   * the merged If inlined, present outputs pruned, the hidden state before the LM head exposed.
   */
  graph: ReturnType<typeof decodeModel>;
  /** Decoder-only causal LMs: what their runs feed besides text (empty past K/V). Null for encoders. */
  decoder: PreparedDecoder | null;
  release(): Promise<void>;
}

export interface PreparedDecoder extends DecoderFeedSpec {
  graph: PreparedDecoderGraph;
  /** The export as loaded (with its cache outputs), for the cached step graph of continuations. */
  exported: ReturnType<typeof decodeModel>;
  /** config.json as given (for kv heads and head size of the cached step graph). */
  config: Record<string, unknown>;
  /** The logits output (next-token distribution at every position). */
  logits: string;
  eosTokenId: number | null;
}

const DEFAULT_MAX_POSITIONS = 512;

export async function prepareModel(
  files: LoadedModelFiles,
  choice: ExecutionProviderChoice,
  threads: number,
  signal?: AbortSignal,
): Promise<PreparedModel> {
  const exported = decodeOrExplain(files.onnxBytes, files.label);
  checkModelFitsMemory(exported, files.label);
  const externalFiles = await withExternalData(exported, files, signal);
  // Started now, read once the session exists: hashing overlaps session creation.
  const digest = contentDigest([files.onnxBytes, files.tokenizerBytes, ...externalFiles]);
  const exportedConsistency = checkConsistency(consistencyFacts(files.tokenizer, files.config, exported));
  if (exportedConsistency.refusal) throw new ModelLoadError(exportedConsistency.refusal, 'mismatch');
  const decoder = prepareDecoder(exported, files, exportedConsistency);
  const graph = decoder?.graph.model ?? exported;
  const consistency = decoder
    ? checkConsistency(consistencyFacts(files.tokenizer, files.config, graph))
    : exportedConsistency;
  if (consistency.refusal) throw new ModelLoadError(consistency.refusal, 'mismatch');
  const description = describeModel(graph, files.config.raw);
  throwIfAborted(signal);

  const fedByDecoder = new Set([...(decoder?.past.map((entry) => entry.name) ?? []), USE_CACHE_BRANCH]);
  const unknownInputs = unknownTextInputs(
    description.inputs.map((input) => input.name),
    decoder ? fedByDecoder : undefined,
  );
  if (!description.inputs.some((input) => input.name === 'input_ids')) {
    throw new ModelLoadError(
      `${files.label} has no "input_ids" input (its inputs: ${description.inputs.map((i) => i.name).join(', ') || 'none'}), so it cannot take text: it does not look like a transformer language model.`,
      'unsupported',
    );
  }
  if (unknownInputs.length > 0) {
    throw new ModelLoadError(
      `${files.label} needs inputs the playground cannot fill from text: ${unknownInputs.join(', ')}.`,
      'unsupported',
    );
  }

  let attentionOutputs: AttentionOutput[] = [];
  let runnable = graph;
  if (description.capabilities.attention.available) {
    const exposed = exposeAttention(graph);
    attentionOutputs = exposed.attentionOutputs;
    runnable = exposed.model;
  }
  // The session runs only what the playground reads from it (attention, hidden state); fetching the
  // model's own logits goes to a full session made on first use (see output-routing-session.ts).
  const readOutputs = [...attentionOutputs.map((output) => output.outputName)];
  if (description.roles.sentenceEmbeddings) readOutputs.push(description.roles.sentenceEmbeddings);
  const pruned = leanModelFor(runnable, readOutputs);
  let created;
  try {
    created = await createSession(sessionModel(pruned ?? runnable), choice);
  } catch (error) {
    throw explainSessionError(error, files.label);
  }
  throwIfAborted(signal);
  const provider = created.executionProvider;
  const session = pruned
    ? new OutputRoutingSession(
        created.session,
        async () => (await createSession(sessionModel(runnable), provider)).session,
        runnable.graph.output.map((output) => output.name ?? ''),
      ).asInferenceSession()
    : created.session;

  const info = buildInfo(
    files,
    description,
    {
      contentDigest: await digest,
      sizeBytes: totalBytes([files.onnxBytes, ...externalFiles, files.tokenizerBytes]) + (files.smallFileBytes ?? 0),
    },
    created.executionProvider,
    created.fallbackReason,
    threads,
    decoder,
    consistency,
  );
  const runs = new RunQueue();
  return {
    info,
    tokenizer: files.tokenizer,
    description,
    session,
    runs,
    attentionOutputs,
    graph,
    decoder,
    maxTypeId: consistency.maxTypeId,
    // Queued behind any run still in flight: freeing a WebGPU session mid-run corrupts the buffers of the next model's runs.
    release: () => runs.run(() => created.session.release()),
  };
}

/**
 * Fetches the external data files the graph names and moves their bytes into it, so the graph is
 * whole from here on; returns the files' bytes (for the content digest).
 */
async function withExternalData(
  graph: ReturnType<typeof decodeModel>,
  files: LoadedModelFiles,
  signal?: AbortSignal,
): Promise<Uint8Array[]> {
  let locations: string[];
  try {
    locations = externalDataLocations(graph);
  } catch (error) {
    throw new ModelLoadError(`${files.label}: ${(error as Error).message}`, 'format');
  }
  if (locations.length === 0) return [];
  const data = await files.readExternalData(locations);
  throwIfAborted(signal);
  try {
    inlineExternalData(graph, data);
  } catch (error) {
    throw new ModelLoadError(`${files.label}: ${(error as Error).message}`, 'format');
  }
  return locations.map((location) => data.get(location)!);
}

const totalBytes = (parts: Uint8Array[]) => parts.reduce((sum, part) => sum + part.byteLength, 0);

function decodeOrExplain(bytes: Uint8Array, label: string) {
  try {
    return decodeModel(bytes);
  } catch (error) {
    if (isOutOfMemoryError(error))
      throw memoryError(
        label,
        `could not be read: the browser ran out of memory decoding it (${(error as Error).message}).`,
      );
    throw new ModelLoadError(`${label}: ${(error as Error).message}`, 'format');
  }
}

/**
 * The decoder graph to run, or null for an encoder. An encoder–decoder export is refused here with a
 * message naming what is supported (its config.json may be missing, so the graph is checked too).
 */
function prepareDecoder(
  graph: ReturnType<typeof decodeModel>,
  files: LoadedModelFiles,
  consistency: Consistency,
): PreparedDecoder | null {
  const encoderDecoder = encoderDecoderEvidence(graph, files.config.raw);
  if (encoderDecoder) throw new ModelLoadError(encoderDecoderMessage(files.label, encoderDecoder), 'unsupported');
  let prepared: PreparedDecoderGraph | null;
  try {
    prepared = prepareDecoderGraph(graph, files.config.raw);
  } catch (error) {
    throw new ModelLoadError(`${files.label} is a decoder, but ${(error as Error).message}`, 'unsupported');
  }
  if (!prepared) return null;
  const logits = prepared.structure.logits;
  if (!logits)
    throw new ModelLoadError(
      `${files.label} is a decoder without a "logits" output, so it cannot predict tokens.`,
      'unsupported',
    );
  return {
    graph: prepared,
    exported: graph,
    config: files.config.raw,
    past: prepared.past,
    logits,
    eosTokenId: consistency.configEosTokenId ?? files.tokenizer.eosTokenId,
  };
}

function buildInfo(
  files: LoadedModelFiles,
  description: ModelDescription,
  identity: Pick<ModelInfo, 'contentDigest' | 'sizeBytes'>,
  executionProvider: ModelInfo['executionProvider'],
  fallbackReason: string | null,
  wasmThreads: number,
  decoder: PreparedDecoder | null,
  consistency: Consistency,
): ModelInfo {
  const { config } = files;
  const caps = description.capabilities;
  const hasOutput = (status: CapabilityStatus) => status.available;
  const tools: Record<ToolName, CapabilityStatus> = {
    attention: caps.attention,
    uncertainty: decoder
      ? hasOutput(caps.mcDropout)
        ? {
            available: true,
            reason: "dropout sites found; next-token distribution and continuation from the decoder's logits",
          }
        : { available: false, reason: caps.mcDropout.reason }
      : hasOutput(caps.mcDropout) && (caps.fillMask.available || caps.classification.available)
        ? { available: true, reason: 'dropout sites found; fill-mask and/or classification outputs present' }
        : {
            available: false,
            reason: caps.mcDropout.available
              ? 'the model has neither a fill-mask nor a classifier output'
              : caps.mcDropout.reason,
          },
    analogy: caps.tokenEmbeddings,
    labels: caps.sentenceEmbeddings,
  };
  return {
    label: files.label,
    baseUrl: files.baseUrl,
    ...identity,
    executionProvider,
    fallbackReason,
    wasmThreads,
    layers: description.layers ?? config.numHiddenLayers ?? 0,
    heads: description.headsPerLayer ?? config.numAttentionHeads ?? 0,
    hiddenSize: description.hiddenSize ?? config.hiddenSize,
    vocabSize: description.vocabSize ?? files.tokenizer.vocabSize,
    maxPositions: config.maxPositionEmbeddings ?? DEFAULT_MAX_POSITIONS,
    opset: description.opset,
    inputs: description.inputs,
    outputs: description.outputs,
    classLabels: caps.classification.available ? config.labels : null,
    maskToken: caps.fillMask.available ? files.tokenizer.maskToken : null,
    dropoutDefaults: { hidden: config.hiddenDropoutProb ?? 0.1, attention: config.attentionProbsDropoutProb ?? 0.1 },
    tools,
    decoder: decoder ? decoderInfo(files, decoder) : null,
    warnings: description.warnings,
    mismatches: consistency.mismatches,
  };
}

function decoderInfo(files: LoadedModelFiles, decoder: PreparedDecoder): DecoderInfo {
  const { original } = decoder.graph;
  const first = decoder.graph.past[0] ?? null;
  return {
    layout: original.layout,
    file: files.onnxFile ?? null,
    cacheInputs: original.pastInputs.length,
    // A merged export's no-cache branch reads no past; the export's declared cache shapes still say.
    kvHeads: first?.kvHeads ?? original.pastInputs[0]?.kvHeads ?? files.config.numKeyValueHeads ?? null,
    headDim: first?.headDim ?? original.pastInputs[0]?.headDim ?? files.config.headDim ?? null,
    evidence: original.evidence,
    eosTokenId: decoder.eosTokenId,
    bosTokenId: files.tokenizer.bosTokenId,
    tiedEmbeddings: files.config.tieWordEmbeddings,
    pieceScheme: files.tokenizer.scheme,
  };
}
