/**
 * MC-dropout sessions: the model's graph with dropout sites inserted (src/core/onnx surgery), the
 * fill-mask head restricted to the masked position when possible, and, when only the last k layers
 * are stochastic, the deterministic prefix run once and tiled T times inside the graph.
 *
 * A session built for one task keeps only the output that task reads (the class head, or the MLM
 * logits): onnxruntime's inference builds run every node whatever the fetch list, so the other head
 * is removed from the graph rather than just not fetched.
 *
 * Building one costs a model encode and a session create, so the last few configurations per model
 * are kept (McSessionCache; one for a large model) and older ones released.
 */
import type * as ort from 'onnxruntime-web';
import {
  sessionModel,
  insertMcDropout,
  OnnxGraphError,
  restrictMlmHeadToPositions,
  type DropoutSiteKind,
  type McDropoutPlan,
  type MlmRestriction,
  type OnnxModel,
} from '../../onnx';
import { findAttentionSoftmaxes } from '../../onnx/attention';
import { describeModel } from '../../onnx/describe';
import { pruneToOutputs } from '../../onnx/prune';
import { createSession } from '../../runtime/execution-provider';
import type { McTask } from '../../contracts/uncertainty';
import type { PreparedModel } from '../model/prepare-model';

/** The surgery configuration a session is built for (normalised: sorted sites, k clamped to 1..layers). */
export interface McGraphConfig {
  sites: DropoutSiteKind[];
  /** Number of stochastic layers, counted from the top; equal to the layer count for "all". */
  lastK: number;
  /** Run the deterministic prefix once and tile it inside the graph (only when lastK < layers). */
  tiled: boolean;
  /** The task the session serves: only its output is computed. null keeps every output. */
  task: McTask | null;
  /**
   * Attention mode (task null): the layers whose attention Softmax outputs become the graph's only outputs,
   * so a run computes up to the last of them and returns each one's probabilities [rows or 1, heads, seq, seq].
   */
  attentionLayers?: number[];
  /** Keep the vocabulary projection at every position (a decoder's calibration reads each next token in one run). */
  allPositions?: boolean;
}

export interface McSession {
  key: string;
  config: McGraphConfig;
  session: ort.InferenceSession;
  plan: McDropoutPlan;
  /** Set when the fill-mask head computes logits at one position per row ([rows, vocab]). */
  restriction: MlmRestriction | null;
  /** Why the head could not be restricted (the full [rows, seq, vocab] logits are read instead). */
  restrictionNote: string | null;
}

export interface McGraphOptions {
  /** Only the output this task reads is computed (default: every output). */
  task?: McTask | null;
  /** Tile the deterministic prefix when only the last k layers are stochastic (default true). */
  allowTiling?: boolean;
  /** Read these layers' attention probabilities instead of a task's output. */
  attentionLayers?: readonly number[];
  /** Do not restrict the fill-mask / next-token head to one position per row. */
  allPositions?: boolean;
}

export function normalizeGraphConfig(
  layers: number,
  sites: readonly DropoutSiteKind[],
  stochasticLayers: 'all' | { lastK: number },
  options: McGraphOptions = {},
): McGraphConfig {
  const unique = [...new Set(sites)].sort() as DropoutSiteKind[];
  if (unique.length === 0)
    throw new Error('Choose at least one dropout site (attention probabilities or sub-layer outputs).');
  const lastK = stochasticLayers === 'all' ? layers : Math.max(1, Math.min(layers, Math.floor(stochasticLayers.lastK)));
  const config: McGraphConfig = {
    sites: unique,
    lastK,
    tiled: (options.allowTiling ?? true) && lastK < layers,
    task: options.task ?? null,
  };
  if (options.attentionLayers) {
    if (config.task) throw new Error('A dropout graph reads either a task output or attention, not both.');
    config.attentionLayers = [...new Set(options.attentionLayers)].sort((a, b) => a - b);
  }
  if (options.allPositions) config.allPositions = true;
  return config;
}

const TASK_OUTPUT_NAMES: Record<McTask, string> = {
  classification: 'classifier',
  'fill-mask': 'fill-mask',
  'next-token': 'next-token (decoder logits)',
  head: 'hidden-state (sentence embedding)',
};

export function graphConfigKey(config: McGraphConfig): string {
  const reads = config.attentionLayers
    ? `attention ${config.attentionLayers.join(',')}`
    : (config.task ?? 'every output');
  const positions = config.allPositions ? '|all positions' : '';
  return `${config.sites.join('+')}|last${config.lastK}|${config.tiled ? 'tiled' : 'batched'}|${reads}${positions}`;
}

/**
 * The dropout graph for a configuration: the fill-mask head restricted to the masked position first
 * (when the model has one and the task reads it), then the dropout sites, then, for a task, every
 * output and node the task does not read removed.
 */
export function buildMcGraph(
  graph: OnnxModel,
  config: McGraphConfig,
  layers: number,
  modelConfig: Record<string, unknown>,
) {
  const { roles, decoder } = describeModel(graph);
  let source = graph;
  let restriction: MlmRestriction | null = null;
  let restrictionNote: string | null = null;
  if (config.task !== 'classification' && config.task !== 'head' && !config.attentionLayers && !config.allPositions) {
    try {
      // A decoder's LM head is restricted like an MLM head: next-token reads one position per row.
      const restricted = restrictMlmHeadToPositions(graph, decoder?.logits ? { logits: decoder.logits } : {});
      source = restricted.model;
      restriction = restricted.restriction;
    } catch (error) {
      if (!(error instanceof OnnxGraphError)) throw error;
      restrictionNote = error.message;
    }
  }
  const inserted = insertMcDropout(source, {
    sites: config.sites,
    stochasticLayers: config.lastK >= layers ? 'all' : { lastK: config.lastK },
    tiledPrefix: config.tiled,
    config: modelConfig,
  });
  const taskOutput =
    config.task === 'classification'
      ? roles.classification
      : config.task === 'fill-mask'
        ? roles.fillMask
        : config.task === 'next-token'
          ? (decoder?.logits ?? null)
          : config.task === 'head'
            ? roles.sentenceEmbeddings
            : null;
  if (config.task && !taskOutput)
    throw new OnnxGraphError(`The model has no ${TASK_OUTPUT_NAMES[config.task]} output.`);
  if (config.attentionLayers) {
    // The Softmax nodes keep their output names through the surgery (their readers take the dropped copy).
    const softmaxes = findAttentionSoftmaxes(graph);
    const names = config.attentionLayers.map((layer) => {
      const softmax = softmaxes[layer];
      if (!softmax) throw new OnnxGraphError(`The model has no attention layer ${layer}.`);
      return softmax.outputName;
    });
    const declared = new Set(inserted.model.graph.output.map((output) => output.name));
    for (const name of names) if (!declared.has(name)) inserted.model.graph.output.push({ name });
    return { model: pruneToOutputs(inserted.model, names).model, plan: inserted.plan, restriction, restrictionNote };
  }
  const model = taskOutput ? pruneToOutputs(inserted.model, [taskOutput]).model : inserted.model;
  return { model, plan: inserted.plan, restriction, restrictionNote };
}

/**
 * Each dropout session holds its own copy of the weights in onnxruntime's heap (about 1.7 times the
 * file, prepacked matrices included, measured on a 441 MB BERT-base-shaped model). From this size on,
 * one is kept at a time: three would not fit the 4 GiB WebAssembly heap beside the model's own session.
 */
export const LARGE_MODEL_BYTES = 200 * 1024 ** 2;

/** How many dropout sessions a model may keep: one for a large model, else `small`. */
export const capacityBySize =
  (small: number) =>
  (model: PreparedModel): number =>
    model.info.sizeBytes >= LARGE_MODEL_BYTES ? 1 : small;

interface CacheEntry {
  session: Promise<McSession>;
  /** Runs using the session now (see use()); an evicted session is released when the last one ends. */
  users: number;
  evicted: boolean;
}

/**
 * Keeps the last `capacity` dropout sessions of one model (a number, or one per model); a new model
 * clears the cache. An evicted session is released before its replacement is created, so the
 * replacement reuses the freed heap (WebAssembly memory grows but never shrinks).
 */
export class McSessionCache {
  private owner: PreparedModel | null = null;
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly capacity: number | ((model: PreparedModel) => number) = 3) {}

  get size(): number {
    return this.entries.size;
  }

  /** The session for `config` (built when missing). Runs on it may race an eviction: prefer use(). */
  async get(model: PreparedModel, config: McGraphConfig): Promise<McSession> {
    return (await this.entry(model, config)).session;
  }

  /** Runs `work` on the session for `config`; the session is not released while `work` runs. */
  async use<T>(model: PreparedModel, config: McGraphConfig, work: (mc: McSession) => Promise<T>): Promise<T> {
    const entry = await this.entry(model, config, true);
    try {
      return await work(await entry.session);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) void release(model, entry.session);
    }
  }

  /** The entry for `config`, counted as in use from the moment it is found or made when `lease` is set. */
  private async entry(model: PreparedModel, config: McGraphConfig, lease = false): Promise<CacheEntry> {
    if (this.owner !== model) {
      await this.clear();
      this.owner = model;
    }
    const key = graphConfigKey(config);
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (lease) entry.users++;
      return entry;
    }
    const capacity = Math.max(1, typeof this.capacity === 'number' ? this.capacity : this.capacity(model));
    const releases: Promise<void>[] = [];
    while (this.entries.size >= capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, CacheEntry];
      this.entries.delete(oldestKey);
      oldest.evicted = true;
      if (oldest.users === 0) releases.push(release(model, oldest.session));
    }
    const session = Promise.all(releases).then(() => createMcSession(model, config, key));
    entry = { session, users: lease ? 1 : 0, evicted: false };
    this.entries.set(key, entry);
    const created = entry;
    session.catch(() => this.entries.get(key) === created && this.entries.delete(key));
    return entry;
  }

  async clear(): Promise<void> {
    const owner = this.owner;
    const old = [...this.entries.values()];
    this.entries.clear();
    this.owner = null;
    if (owner) await Promise.all(old.map((entry) => release(owner, entry.session)));
  }
}

async function release(model: PreparedModel, entry: Promise<McSession>): Promise<void> {
  try {
    const mc = await entry;
    // After any run already queued on it.
    await model.runs.run(() => mc.session.release());
  } catch {
    // A session that failed to build has nothing to release.
  }
}

async function createMcSession(model: PreparedModel, config: McGraphConfig, key: string): Promise<McSession> {
  const layers = model.info.layers;
  const modelConfig: Record<string, unknown> = { num_attention_heads: model.info.heads };
  if (model.info.hiddenSize) modelConfig.hidden_size = model.info.hiddenSize;
  const built = buildMcGraph(model.graph, config, layers, modelConfig);
  const created = await createSession(sessionModel(built.model), model.info.executionProvider);
  return {
    key,
    config,
    session: created.session,
    plan: built.plan,
    restriction: built.restriction,
    restrictionNote: built.restrictionNote,
  };
}
