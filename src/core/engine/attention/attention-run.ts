import { throwIfAborted } from '../../cancel';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import type { PreparedModel } from '../model/prepare-model';
import { checkTypeIds } from '../model/model-consistency';
import { unknownOf, type UnknownCharacters } from '../model/unknown-characters';

export interface AttentionResult {
  tokens: string[];
  ids: number[];
  typeIds: number[];
  special: boolean[];
  continuation: boolean[];
  /**
   * Each layer's attention probabilities, row-major [heads, seq, seq]: onnxruntime's output arrays,
   * used in place. At 512 tokens they are 16 MB in all; gathering them into one [layers, heads, seq, seq]
   * array here cost a second copy on every run, and the view copied that again for the transfer, so the
   * one gather happens in `stackLayers` (called by buildAttentionView), into the array that is transferred.
   */
  layers: Float32Array[];
  shape: [number, number, number, number];
  /** Token count before truncation to the model's maximum positions. */
  untruncatedLength: number;
  /** A decoder whose every attention row is exactly 0 above the diagonal (checked on this run). */
  causal?: boolean;
  maxPositions: number;
  /** Characters of the text that became the unknown token, with that token's spelling (for a note). */
  unknown?: UnknownCharacters;
}

export async function runAttention(
  model: PreparedModel,
  text: string,
  pair: string | null,
  signal?: AbortSignal,
): Promise<AttentionResult> {
  if (model.attentionOutputs.length === 0) {
    throw new Error(`Attention is not available for this model: ${model.info.tools.attention.reason}`);
  }
  const encoded = model.tokenizer.encode(text, pair, model.info.maxPositions);
  checkTypeIds(encoded.typeIds, model.maxTypeId);
  const seq = encoded.ids.length;
  const feeds = textFeeds(model.session.inputNames, batchOf([encoded]), model.decoder);
  const fetches = model.attentionOutputs.map((output) => output.outputName);
  const results = await model.runs.run(() => {
    throwIfAborted(signal);
    return model.session.run(feeds, fetches);
  });
  throwIfAborted(signal);

  const heads = Math.max(
    ...model.attentionOutputs.map((output) => output.heads ?? Number(results[output.outputName].dims[1])),
  );
  const expected = heads * seq * seq;
  const layers: Float32Array[] = [];
  try {
    for (const output of model.attentionOutputs) {
      const data = await tensorToFloat32(results[output.outputName]);
      if (data.length !== expected) {
        throw new Error(
          `Attention output ${output.outputName} has ${data.length} values, expected ${heads}×${seq}×${seq}.`,
        );
      }
      layers.push(data);
    }
  } finally {
    // A CPU tensor's dispose drops only its own reference to the array kept above; a GPU one's was downloaded.
    for (const tensor of Object.values(results)) tensor.dispose?.();
  }
  return {
    tokens: encoded.tokens,
    ids: encoded.ids,
    typeIds: encoded.typeIds,
    special: encoded.special,
    continuation: encoded.continuation,
    layers,
    shape: [layers.length, heads, seq, seq],
    causal: model.decoder !== null && upperTriangleIsZero(layers, heads, seq),
    untruncatedLength: encoded.untruncatedLength,
    maxPositions: model.info.maxPositions,
    unknown: unknownOf(model, pair === null ? text : `${text}\n${pair}`),
  };
}

/** The layers stacked into one new array, row-major [layers, heads, seq, seq] (one copy). */
export function stackLayers(result: Pick<AttentionResult, 'layers' | 'shape'>): Float32Array {
  const [layerCount, heads, seq] = result.shape;
  const size = heads * seq * seq;
  const stacked = new Float32Array(layerCount * size);
  result.layers.forEach((layer, l) => stacked.set(layer, l * size));
  return stacked;
}

/** True when every (layer, head) matrix is exactly 0 above its diagonal: the causal mask, read from the run. */
export function upperTriangleIsZero(layers: readonly Float32Array[], heads: number, seq: number): boolean {
  for (const layer of layers)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < seq; i++) {
        const row = (h * seq + i) * seq;
        for (let j = i + 1; j < seq; j++) if (layer[row + j] !== 0) return false;
      }
  return true;
}
