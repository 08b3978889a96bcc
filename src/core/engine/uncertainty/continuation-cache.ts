/**
 * Continuation with a KV cache per MC sample. The export's cached step graph (past_key_values in,
 * present.* out) gets the same dropout surgery as the next-token graph, with attention noise over the
 * keys (past + new tokens), and runs T + 1 rows: row 0 at p = 0 (the model's own prediction, which picks
 * the token), rows 1…T the samples. Each row keeps its own cache, so each sample is one network whose
 * masks at earlier positions were drawn when those positions were computed and stay fixed: exactly a full
 * run of the whole sequence with one mask per position, at the cost of one new token per run.
 * The first step runs the prompt with an empty past and the next-token task's noise (same seed, rows
 * and layout), so the first generated token's statistics are the next-token task's on the prompt.
 */
import * as ort from 'onnxruntime-web';
import type { McDropoutSettings } from '../../contracts/uncertainty';
import type { NextTokenStep } from '../../generation/continuation';
import { throwIfAborted } from '../../model/errors';
import { sessionModel, insertMcDropout, restrictMlmHeadToPositions, type McDropoutPlan } from '../../onnx';
import { prepareDecoderStepGraph, type DecoderStepGraph } from '../../onnx/decoder-graph';
import { pruneToOutputs } from '../../onnx/prune';
import { createSession } from '../../runtime/execution-provider';
import { softmax } from '../../uncertainty';
import type { PreparedModel } from '../model/prepare-model';
import { noiseFeeds } from './mc-sampling';

export interface CachedStepSession {
  key: string;
  session: ort.InferenceSession;
  plan: McDropoutPlan;
  positionsInput: string;
  logits: string;
  step: DecoderStepGraph;
}

function sessionKey(settings: Pick<McDropoutSettings, 'sites' | 'stochasticLayers'>): string {
  const layers = settings.stochasticLayers === 'all' ? 'all' : `last${settings.stochasticLayers.lastK}`;
  return `${[...new Set(settings.sites)].sort().join('+')}|${layers}`;
}

/** True when the loaded decoder's export has a cache to continue with (cache or merged layout). */
export function canContinueWithCache(model: PreparedModel): boolean {
  return model.decoder !== null && model.decoder.graph.original.layout !== 'no-cache';
}

async function buildSession(
  model: PreparedModel,
  settings: McDropoutSettings,
  key: string,
): Promise<CachedStepSession> {
  const decoder = model.decoder!;
  const step = prepareDecoderStepGraph(decoder.exported, decoder.config);
  if (!step) throw new Error('This decoder export has no KV cache to continue with.');
  const restricted = restrictMlmHeadToPositions(step.model, { logits: decoder.logits });
  const inserted = insertMcDropout(restricted.model, {
    sites: settings.sites,
    stochasticLayers: settings.stochasticLayers,
    config: { num_attention_heads: model.info.heads, hidden_size: model.info.hiddenSize },
    attentionKeys: true,
  });
  const outputs = [decoder.logits, ...step.presentFor.values()];
  const graph = pruneToOutputs(inserted.model, outputs).model;
  const created = await createSession(sessionModel(graph), model.info.executionProvider);
  return {
    key,
    session: created.session,
    plan: inserted.plan,
    positionsInput: restricted.restriction.positionsInput,
    logits: decoder.logits,
    step,
  };
}

/** The last cached step session of the loaded model (one per dropout configuration; a new one replaces it). */
export class CachedStepSessions {
  private owner: PreparedModel | null = null;
  private entry: Promise<CachedStepSession> | null = null;

  async get(model: PreparedModel, settings: McDropoutSettings): Promise<CachedStepSession> {
    const key = sessionKey(settings);
    if (this.owner === model && this.entry) {
      const current = await this.entry.catch(() => null);
      if (current?.key === key) return current;
    }
    await this.clear();
    this.owner = model;
    this.entry = buildSession(model, settings, key);
    this.entry.catch(() => (this.entry = null));
    return this.entry;
  }

  async clear(): Promise<void> {
    const { owner, entry } = this;
    this.owner = null;
    this.entry = null;
    if (owner && entry) {
      const session = await entry.catch(() => null);
      if (session) await owner.runs.run(() => session.session.release());
    }
  }
}

const int64 = (values: number[], dims: number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (value) => BigInt(value)),
    dims,
  );

/**
 * A step function for continueText that feeds only the tokens not yet processed, with each row's past.
 * Call release() when the continuation ends (the last presents are freed).
 */
export function cachedSteps(
  model: PreparedModel,
  cs: CachedStepSession,
  settings: McDropoutSettings,
  signal?: AbortSignal,
): { step: NextTokenStep; release: () => void } {
  const T = settings.samples;
  const rows = T + 1;
  const V = model.info.vocabSize;
  let processed = 0;
  let past: Record<string, ort.Tensor> | null = null;
  const release = () => {
    for (const tensor of Object.values(past ?? {})) tensor.dispose?.();
    past = null;
  };
  const step: NextTokenStep = async (ids, n) => {
    throwIfAborted(signal);
    const fresh = ids.slice(processed);
    const s = fresh.length;
    const keys = processed + s;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(Array.from({ length: rows }, () => fresh).flat(), [rows, s]),
      attention_mask: int64(new Array<number>(rows * keys).fill(1), [rows, keys]),
      [cs.positionsInput]: int64(new Array<number>(rows).fill(s - 1), [rows]),
      // The prompt's noise is the next-token task's (input 0); every later token draws its own.
      ...noiseFeeds(cs.plan, s, 0, T, settings, n, true, keys),
    };
    if (cs.step.structure.hasPositionIds)
      feeds.position_ids = int64(Array.from({ length: rows }, () => fresh.map((_, i) => processed + i)).flat(), [
        rows,
        s,
      ]);
    for (const shape of cs.step.past) {
      feeds[shape.name] =
        past?.[cs.step.presentFor.get(shape.name)!] ??
        (shape.dtype === 'float16'
          ? new ort.Tensor('float16', new Uint16Array(0), [rows, shape.kvHeads, 0, shape.headDim])
          : new ort.Tensor('float32', new Float32Array(0), [rows, shape.kvHeads, 0, shape.headDim]));
    }
    const fetches = [cs.logits, ...cs.step.presentFor.values()];
    const results = await model.runs.run(() => {
      throwIfAborted(signal);
      return cs.session.run(feeds, fetches);
    });
    release();
    past = Object.fromEntries([...cs.step.presentFor.values()].map((name) => [name, results[name]]));
    processed = keys;
    const probabilities = softmax(results[cs.logits].data as Float32Array, V);
    results[cs.logits].dispose?.();
    return {
      deterministic: probabilities.slice(0, V),
      samples: probabilities.slice(V),
      samplesCount: T,
      graphRuns: 1,
    };
  };
  return { step, release };
}
