import * as ort from 'onnxruntime-web';

/** Token ids for a batch of equal-length sequences, row-major [batch, seq]. */
export interface TokenBatch {
  batch: number;
  seq: number;
  inputIds: ArrayLike<number>;
  attentionMask: ArrayLike<number>;
  typeIds: ArrayLike<number>;
}

const TEXT_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']);

/** A decoder's cache input, fed empty: [batch, kvHeads, 0, headDim]. */
export interface EmptyPastFeed {
  name: string;
  kvHeads: number;
  headDim: number;
  dtype: string;
}

/** What a decoder needs fed besides text: empty past K/V, and use_cache_branch = false when a merged export still has it. */
export interface DecoderFeedSpec {
  past: readonly EmptyPastFeed[];
}

export const USE_CACHE_BRANCH = 'use_cache_branch';

/** Graph inputs this playground does not know how to feed from text. */
export function unknownTextInputs(inputNames: readonly string[], handled: ReadonlySet<string> = new Set()): string[] {
  return inputNames.filter((name) => !TEXT_INPUTS.has(name) && !handled.has(name));
}

function int64Tensor(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return new ort.Tensor('int64', data, dims);
}

/**
 * Feeds for the standard text inputs the session declares (BERT-style or GPT-style); with `decoder`,
 * its past inputs as zero-length tensors (one pass over the whole text, nothing cached) and
 * use_cache_branch = false.
 */
export function textFeeds(
  inputNames: readonly string[],
  tokens: TokenBatch,
  decoder?: DecoderFeedSpec | null,
): Record<string, ort.Tensor> {
  const dims = [tokens.batch, tokens.seq];
  const feeds: Record<string, ort.Tensor> = {};
  const past = new Map(decoder?.past.map((entry) => [entry.name, entry]));
  for (const name of inputNames) {
    const empty = past.get(name);
    if (empty) {
      const pastDims = [tokens.batch, empty.kvHeads, 0, empty.headDim];
      feeds[name] =
        empty.dtype === 'float16'
          ? new ort.Tensor('float16', new Uint16Array(0), pastDims)
          : new ort.Tensor('float32', new Float32Array(0), pastDims);
      continue;
    }
    if (name === USE_CACHE_BRANCH && decoder) {
      feeds[name] = new ort.Tensor('bool', Uint8Array.of(0), [1]);
      continue;
    }
    if (name === 'input_ids') feeds[name] = int64Tensor(tokens.inputIds, dims);
    else if (name === 'attention_mask') feeds[name] = int64Tensor(tokens.attentionMask, dims);
    else if (name === 'token_type_ids') feeds[name] = int64Tensor(tokens.typeIds, dims);
    else if (name === 'position_ids') {
      const positions = new Array<number>(tokens.batch * tokens.seq);
      for (let b = 0; b < tokens.batch; b++) for (let s = 0; s < tokens.seq; s++) positions[b * tokens.seq + s] = s;
      feeds[name] = int64Tensor(positions, dims);
    }
  }
  return feeds;
}

/** One encoded text repeated or several texts padded to one length, as a TokenBatch. */
export function batchOf(sequences: { ids: number[]; typeIds: number[] }[], padId = 0): TokenBatch {
  const seq = Math.max(1, ...sequences.map((s) => s.ids.length));
  const batch = sequences.length;
  const inputIds = new Array<number>(batch * seq).fill(padId);
  const attentionMask = new Array<number>(batch * seq).fill(0);
  const typeIds = new Array<number>(batch * seq).fill(0);
  sequences.forEach((s, b) => {
    for (let i = 0; i < s.ids.length; i++) {
      inputIds[b * seq + i] = s.ids[i];
      attentionMask[b * seq + i] = 1;
      typeIds[b * seq + i] = s.typeIds[i] ?? 0;
    }
  });
  return { batch, seq, inputIds, attentionMask, typeIds };
}

export async function tensorToFloat32(tensor: ort.Tensor): Promise<Float32Array> {
  const data = tensor.location === 'cpu' || tensor.location === undefined ? tensor.data : await tensor.getData();
  if (data instanceof Float32Array) return data;
  return Float32Array.from(data as ArrayLike<number>, Number);
}
