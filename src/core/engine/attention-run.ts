import { throwIfAborted } from '../model/errors';
import { batchOf, tensorToFloat32, textFeeds } from '../runtime/feeds';
import type { PreparedModel } from './prepare-model';

export interface AttentionResult {
  tokens: string[];
  ids: number[];
  typeIds: number[];
  special: boolean[];
  continuation: boolean[];
  /** Every layer's attention probabilities stacked, row-major [layers, heads, seq, seq]. */
  probs: Float32Array;
  shape: [number, number, number, number];
  /** Token count before truncation to the model's maximum positions. */
  untruncatedLength: number;
  maxPositions: number;
}

export async function runAttention(model: PreparedModel, text: string, pair: string | null, signal?: AbortSignal): Promise<AttentionResult> {
  if (model.attentionOutputs.length === 0) {
    throw new Error(`Attention is not available for this model: ${model.info.tools.attention.reason}`);
  }
  const encoded = model.tokenizer.encode(text, pair, model.info.maxPositions);
  const seq = encoded.ids.length;
  const feeds = textFeeds(model.session.inputNames, batchOf([encoded]));
  const fetches = model.attentionOutputs.map((output) => output.outputName);
  const results = await model.runs.run(() => {
    throwIfAborted(signal);
    return model.session.run(feeds, fetches);
  });
  throwIfAborted(signal);

  const layers = model.attentionOutputs.length;
  const heads = Math.max(...model.attentionOutputs.map((output) => output.heads ?? Number(results[output.outputName].dims[1])));
  const probs = new Float32Array(layers * heads * seq * seq);
  for (const [layer, output] of model.attentionOutputs.entries()) {
    const tensor = results[output.outputName];
    const data = await tensorToFloat32(tensor);
    const expected = heads * seq * seq;
    if (data.length !== expected) {
      throw new Error(`Attention output ${output.outputName} has ${data.length} values, expected ${heads}×${seq}×${seq}.`);
    }
    probs.set(data, layer * expected);
  }
  for (const tensor of Object.values(results)) tensor.dispose?.();
  return {
    tokens: encoded.tokens,
    ids: encoded.ids,
    typeIds: encoded.typeIds,
    special: encoded.special,
    continuation: encoded.continuation,
    probs,
    shape: [layers, heads, seq, seq],
    untruncatedLength: encoded.untruncatedLength,
    maxPositions: model.info.maxPositions,
  };
}
