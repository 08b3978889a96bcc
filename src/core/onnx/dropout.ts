import type { Rng } from '../random';
import { makeValueInfo } from './builder';
import { GraphEditor } from './editor';
import { findAttentionSoftmaxes, findScoreProjection } from './attention';
import { findTokenEmbeddingInitializer } from './embeddings';
import { OnnxGraphError } from './errors';
import { GraphIndex, cloneForSurgery, defaultOpset, intAttribute, isOp, sortTopologically } from './graph';
import { isQuantizedMatMul, quantizedActivationType } from './quantized';
import { findResidualSites } from './residual';
import { tensorDims } from './tensor-data';
import { tileStochasticSuffix } from './tiling';
import { DataType, type OnnxModel, type OnnxNode } from './types';

export type DropoutSiteKind = 'attention' | 'hidden';
/**
 * A noise dimension: rows seen by the stochastic layers, sequence length (new tokens), keys attended to
 * (past + new tokens for a decoder run with a KV cache; equal to seq otherwise), or a fixed size.
 */
export type NoiseDim = 'rows' | 'seq' | 'keys' | number;

export interface DropoutSite {
  kind: DropoutSiteKind;
  layer: number;
  /** Graph input to feed with uniform noise in [0, 1), shaped like the dropped tensor, e.g. "mc_noise_layer3_attention_probs". */
  noiseInput: string;
  /** The tensor dropout applies to (Softmax output, or the sub-layer branch of a residual Add). */
  tensor: string;
  /** The dropped tensor that replaced it downstream (can be added as a graph output for inspection). */
  droppedTensor: string;
  noiseShape: NoiseDim[];
}

export interface McDropoutOptions {
  /** Where to drop: after attention Softmax, on residual branches, or both (default). */
  sites?: DropoutSiteKind[];
  /** 'all' (default), or only the last k layers. */
  stochasticLayers?: 'all' | { lastK: number };
  /**
   * Run embeddings and the deterministic layers once on a batch-1 input and expand the hidden
   * state entering the first stochastic layer to T rows inside the graph; T is the leading dim
   * of the noise inputs. Needs stochasticLayers to leave a prefix to share (or it still works, just saves nothing).
   */
  tiledPrefix?: boolean;
  /** config.json, for head count and hidden size when the graph does not state them. */
  config?: Record<string, unknown>;
  /**
   * Attention noise over the keys dimension ([rows, heads, seq, keys]) instead of [rows, heads, seq, seq]:
   * for a decoder graph run with a non-empty past, whose scores have past + seq keys.
   */
  attentionKeys?: boolean;
}

export interface McDropoutPlan {
  sites: DropoutSite[];
  /**
   * Required float32 input holding the drop probability p (0 reproduces the plain model exactly): [1] for
   * every row alike, or [rows] for a p per row (rows as the noise inputs count them).
   */
  dropoutInput: string;
  layers: number;
  stochasticLayers: number[];
  tiledPrefix: boolean;
  /** Tiled mode: the tensor expanded from 1 to T rows (the hidden state entering the first stochastic layer). */
  tiledTensors: string[];
}

export const DROPOUT_P_INPUT = 'dropout_p';
/** Names for residual sites by their order within a layer (BERT: attention block, then feed-forward block). */
const RESIDUAL_ROLES = ['attention_output', 'ffn_output'];

function configNumber(config: Record<string, unknown> | undefined, key: string): number | null {
  const value = config?.[key];
  return typeof value === 'number' && value > 0 ? value : null;
}

/**
 * Inserts MC-dropout sites built from fed noise: y = Where(noise ≥ p, x · 1/(1−p), 0). At p = 0 the
 * scale is exactly 1 and noise ≥ 0 always holds, so outputs are bit-identical to the plain model.
 * The noise comes from graph inputs (one per site) so a seeded PRNG gives the same masks on every
 * backend; see makeDropoutFeeds. The input model is not modified.
 */
export function insertMcDropout(
  model: OnnxModel,
  options: McDropoutOptions = {},
): { model: OnnxModel; plan: McDropoutPlan } {
  const kinds = new Set(options.sites ?? ['attention', 'hidden']);
  const result = cloneForSurgery(model);
  const graph = result.graph;
  const index = new GraphIndex(graph);
  const softmaxes = findAttentionSoftmaxes(result, index);
  if (softmaxes.length === 0)
    throw new OnnxGraphError('MC dropout needs attention Softmax nodes to locate the layers, and none were found.');
  if (index.feedInputs.has(DROPOUT_P_INPUT))
    throw new OnnxGraphError(`The model already has a "${DROPOUT_P_INPUT}" input: MC dropout was inserted before.`);

  const layers = softmaxes.length;
  const requested = options.stochasticLayers ?? 'all';
  const k = requested === 'all' ? layers : Math.max(1, Math.min(layers, Math.floor(requested.lastK)));
  const stochasticLayers = Array.from({ length: k }, (_, i) => layers - k + i);
  const isStochastic = (layer: number) => layer >= layers - k;

  const heads = softmaxes[0].heads ?? configNumber(options.config, 'num_attention_heads');
  const embedding = findTokenEmbeddingInitializer(index);
  const hidden =
    configNumber(options.config, 'hidden_size') ??
    (embedding ? tensorDims(embedding)[1] : null) ??
    (softmaxes[0].heads && softmaxes[0].headSize ? softmaxes[0].heads * softmaxes[0].headSize : null);
  if (kinds.has('attention') && heads === null)
    throw new OnnxGraphError('The number of attention heads is unknown: pass config.json (num_attention_heads).');
  const residualSites = kinds.has('hidden')
    ? findResidualSites(index, softmaxes).filter((site) => isStochastic(site.layer))
    : [];
  if (residualSites.length > 0 && hidden === null)
    throw new OnnxGraphError('The hidden size is unknown: pass config.json (hidden_size).');

  const editor = new GraphEditor(graph);
  // dropout_p is [1] (one p for every row) or [rows] (a p per row, e.g. a p = 0 row for the deterministic
  // prediction beside the samples). Each site reads it reshaped to [rows or 1, 1, …] of its own rank.
  graph.input.push(makeValueInfo(DROPOUT_P_INPUT, DataType.FLOAT, ['mc_p_rows']));
  const one = editor.constFloat('mc_dropout/one', [1], []);
  let zero = editor.constFloat('mc_dropout/zero', [0], []);
  const activationType = activationElementType(index, softmaxes[0].node);
  if (activationType !== DataType.FLOAT)
    zero = editor.add('Cast', [zero], { name: 'mc_dropout/zero_cast', attributes: { to: activationType } });
  const perRank = new Map<number, { p: string; scale: string }>();
  const dropoutForRank = (rank: number) => {
    let entry = perRank.get(rank);
    if (!entry) {
      const shape = editor.constInt64(`mc_dropout/p_shape_rank${rank}`, [
        -1,
        ...Array.from({ length: rank - 1 }, () => 1),
      ]);
      const p = editor.add('Reshape', [DROPOUT_P_INPUT, shape], { name: `mc_dropout/p_rank${rank}` });
      const oneMinusP = editor.add('Sub', [one, p], { name: `mc_dropout/one_minus_p_rank${rank}` });
      let scale = editor.add('Div', [one, oneMinusP], { name: `mc_dropout/scale_rank${rank}` });
      // 1/(1−p) is exactly 1 at p = 0 in every float format, so the cast keeps p = 0 exact.
      if (activationType !== DataType.FLOAT)
        scale = editor.add('Cast', [scale], {
          name: `mc_dropout/scale_cast_rank${rank}`,
          attributes: { to: activationType },
        });
      entry = { p, scale };
      perRank.set(rank, entry);
    }
    return entry;
  };
  const hasGreaterOrEqual = (defaultOpset(result) ?? 17) >= 12;

  const sites: DropoutSite[] = [];
  const addSite = (
    kind: DropoutSiteKind,
    layer: number,
    role: string,
    tensor: string,
    noiseShape: NoiseDim[],
    rewire: (dropped: string) => void,
  ) => {
    const prefix = `mc_dropout/layer${layer}/${role}`;
    const noiseInput = editor.freshName(`mc_noise_layer${layer}_${role}`);
    graph.input.push(
      makeValueInfo(
        noiseInput,
        DataType.FLOAT,
        noiseShape.map((dim) =>
          typeof dim === 'number' ? dim : dim === 'rows' ? 'mc_rows' : dim === 'keys' ? 'mc_keys' : 'sequence',
        ),
      ),
    );
    const { p, scale } = dropoutForRank(noiseShape.length);
    const keep = hasGreaterOrEqual
      ? editor.add('GreaterOrEqual', [noiseInput, p], { name: `${prefix}/keep` })
      : editor.add('Not', [editor.add('Less', [noiseInput, p], { name: `${prefix}/drop` })], {
          name: `${prefix}/keep`,
        });
    const scaled = editor.add('Mul', [tensor, scale], { name: `${prefix}/scale` });
    const dropped = editor.add('Where', [keep, scaled, zero], { name: `${prefix}/Where` });
    rewire(dropped);
    sites.push({ kind, layer, noiseInput, tensor, droppedTensor: dropped, noiseShape });
  };

  for (const layer of stochasticLayers) {
    const softmax = softmaxes[layer];
    if (kinds.has('attention')) {
      const consumers = index.consumersOf(softmax.outputName);
      const keys: NoiseDim = options.attentionKeys ? 'keys' : 'seq';
      addSite('attention', layer, 'attention_probs', softmax.outputName, ['rows', heads!, 'seq', keys], (dropped) => {
        for (const node of consumers)
          node.input = node.input.map((name) => (name === softmax.outputName ? dropped : name));
      });
    }
    for (const site of residualSites.filter((candidate) => candidate.layer === layer)) {
      addSite(
        'hidden',
        layer,
        RESIDUAL_ROLES[site.position] ?? `residual${site.position}`,
        site.branchTensor,
        ['rows', 'seq', hidden!],
        (dropped) => {
          site.addNode.input[site.branchInput] = dropped;
        },
      );
    }
  }
  if (sites.length === 0) throw new OnnxGraphError('No dropout sites were found in the requested layers.');

  let tiledTensors: string[] = [];
  if (options.tiledPrefix) {
    tiledTensors = tileStochasticSuffix(result, editor, {
      firstStochasticSoftmax: softmaxes[layers - k].node,
      samplesFrom: sites[0].noiseInput,
      excluded: new Set([DROPOUT_P_INPUT, ...sites.map((site) => site.noiseInput)]),
      originalFeeds: [...index.feedInputs.keys()],
    });
  }
  sortTopologically(graph);
  return {
    model: result,
    plan: {
      sites,
      dropoutInput: DROPOUT_P_INPUT,
      layers,
      stochasticLayers,
      tiledPrefix: options.tiledPrefix ?? false,
      tiledTensors,
    },
  };
}

/** Element type the layers compute in, read from the query-projection weight (through Transpose/Cast/…). */
function activationElementType(index: GraphIndex, softmax: OnnxNode): number {
  const declared = index.declared.get(softmax.output[0])?.type?.tensorType?.elemType;
  if (declared) return declared;
  const projection = findScoreProjection(index, softmax);
  if (projection && isQuantizedMatMul(projection)) return quantizedActivationType(index, projection);
  let name = projection?.input[1];
  for (let step = 0; name && step < 8; step++) {
    const initializer = index.constantTensor(name);
    if (initializer) return initializer.dataType ?? DataType.FLOAT;
    const producer = index.producer.get(name);
    if (!producer) break;
    if (isOp(producer, 'Cast')) return intAttribute(producer, 'to', DataType.FLOAT);
    name = isOp(producer, 'DequantizeLinear') ? producer.input[1] : producer.input[0];
  }
  return DataType.FLOAT;
}

export interface NoiseShape {
  /** Rows the stochastic layers see: T × batch when the input is repeated T times, T in tiled mode. */
  rows: number;
  seq: number;
  /** Keys attended to (past + seq); seq when not given. */
  keys?: number;
}

/** A noise dimension's size for a run. */
export function noiseDimSize(dim: NoiseDim, shape: NoiseShape): number {
  return dim === 'rows' ? shape.rows : dim === 'seq' ? shape.seq : dim === 'keys' ? (shape.keys ?? shape.seq) : dim;
}

/** A feed as plain data: wrap with `new ort.Tensor(feed.type, feed.data, feed.dims)`. */
export type FeedData =
  { type: 'float32'; data: Float32Array; dims: number[] } | { type: 'int64'; data: BigInt64Array; dims: number[] };

/**
 * The dropout_p feed and one uniform-noise feed per site, drawn from `rng` in plan order, so the
 * same seed gives the same masks on every backend.
 */
export function makeDropoutFeeds(
  plan: McDropoutPlan,
  shape: NoiseShape,
  rng: Rng,
  p: number,
): Record<string, FeedData> {
  if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout probability must be in [0, 1), got ${p}.`);
  const feeds: Record<string, FeedData> = {
    [plan.dropoutInput]: { type: 'float32', data: Float32Array.of(p), dims: [1] },
  };
  for (const site of plan.sites) {
    const dims = site.noiseShape.map((dim) => noiseDimSize(dim, shape));
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    feeds[site.noiseInput] = { type: 'float32', data: rng.fillUniform(data), dims };
  }
  return feeds;
}
