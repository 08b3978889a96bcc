import type * as ort from 'onnxruntime-web';
import {
  decodeModel,
  describeModel,
  encodeModel,
  exposeAttention,
  type AttentionOutput,
  type ModelDescription,
} from '../../onnx';
import { contentDigest } from '../../model/content-digest';
import { ModelLoadError, throwIfAborted } from '../../model/errors';
import { externalDataLocations, inlineExternalData } from '../../onnx/external-data';
import type { LoadedModelFiles } from '../../model/load';
import type { ModelTokenizer } from '../../model/tokenizer';
import { createSession, type ExecutionProviderChoice } from '../../runtime/execution-provider';
import { unknownTextInputs } from '../../runtime/feeds';
import { OutputRoutingSession, leanModelFor } from '../../runtime/output-routing-session';
import { RunQueue } from '../../runtime/run-queue';
import type { CapabilityStatus, ModelInfo, ToolName } from '../../contracts/model';
import { checkModelFitsMemory, explainSessionError, isOutOfMemoryError, memoryError } from './model-memory';

/** A model ready to run: its tokenizer, its description and the session with attention exposed. */
export interface PreparedModel {
  info: ModelInfo;
  tokenizer: ModelTokenizer;
  description: ModelDescription;
  session: ort.InferenceSession;
  attentionOutputs: AttentionOutput[];
  /** Every run on `session` goes through this queue. */
  runs: RunQueue;
  /** The decoded graph, kept for later surgery (MC dropout, embeddings). */
  graph: ReturnType<typeof decodeModel>;
  release(): Promise<void>;
}

const DEFAULT_MAX_POSITIONS = 512;

export async function prepareModel(
  files: LoadedModelFiles,
  choice: ExecutionProviderChoice,
  threads: number,
  signal?: AbortSignal,
): Promise<PreparedModel> {
  const graph = decodeOrExplain(files.onnxBytes, files.label);
  checkModelFitsMemory(graph, files.label);
  const externalFiles = await withExternalData(graph, files, signal);
  // Started now, read once the session exists: hashing overlaps session creation.
  const digest = contentDigest([files.onnxBytes, files.tokenizerBytes, ...externalFiles]);
  const description = describeModel(graph, files.config.raw);
  checkTokenizerMatches(files.tokenizer, description);
  throwIfAborted(signal);

  const unknownInputs = unknownTextInputs(description.inputs.map((input) => input.name));
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
    created = await createSession(encodeModel(pruned ?? runnable), choice);
  } catch (error) {
    throw explainSessionError(error, files.label);
  }
  throwIfAborted(signal);
  const provider = created.executionProvider;
  const session = pruned
    ? new OutputRoutingSession(
        created.session,
        async () => (await createSession(encodeModel(runnable), provider)).session,
        runnable.graph.output.map((output) => output.name ?? ''),
      ).asInferenceSession()
    : created.session;

  const info = buildInfo(
    files,
    description,
    { contentDigest: await digest, sizeBytes: totalBytes([files.onnxBytes, ...externalFiles]) },
    created.executionProvider,
    created.fallbackReason,
    threads,
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

function checkTokenizerMatches(tokenizer: ModelTokenizer, description: ModelDescription): void {
  const modelVocab = description.vocabSize;
  if (modelVocab !== null && tokenizer.vocabSize > modelVocab) {
    throw new ModelLoadError(
      `The tokenizer does not match the model: it has ${tokenizer.vocabSize} tokens but the model's embedding has only ${modelVocab} rows. Use the tokenizer.json that came with this model.`,
      'mismatch',
    );
  }
}

function buildInfo(
  files: LoadedModelFiles,
  description: ModelDescription,
  identity: Pick<ModelInfo, 'contentDigest' | 'sizeBytes'>,
  executionProvider: ModelInfo['executionProvider'],
  fallbackReason: string | null,
  wasmThreads: number,
): ModelInfo {
  const { config } = files;
  const caps = description.capabilities;
  const hasOutput = (status: CapabilityStatus) => status.available;
  const tools: Record<ToolName, CapabilityStatus> = {
    attention: caps.attention,
    uncertainty:
      hasOutput(caps.mcDropout) && (caps.fillMask.available || caps.classification.available)
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
  const warnings: string[] = [...description.warnings];
  if (files.tokenizer.vocabSize < (description.vocabSize ?? 0)) {
    warnings.push(
      `The tokenizer has ${files.tokenizer.vocabSize} tokens and the model's embedding ${description.vocabSize} rows; extra rows are never used.`,
    );
  }
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
    warnings,
  };
}
