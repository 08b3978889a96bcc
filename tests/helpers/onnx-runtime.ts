/** Running ONNX bytes in onnxruntime-web's Node build from tests. */
import * as ort from 'onnxruntime-web';
import type { FeedData } from '../../src/core/onnx/dropout';

ort.env.wasm.numThreads = 1;

export type Feeds = Record<string, ort.Tensor>;

export function int64Tensor(rows: number[][]): ort.Tensor {
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(rows.flat(), (value) => BigInt(value)),
    [rows.length, rows[0].length],
  );
}

/** input_ids / attention_mask / token_type_ids for token-id rows of equal length. */
export function textFeeds(ids: number[][], mask?: number[][], types?: number[][]): Feeds {
  return {
    input_ids: int64Tensor(ids),
    attention_mask: int64Tensor(mask ?? ids.map((row) => row.map(() => 1))),
    token_type_ids: int64Tensor(types ?? ids.map((row) => row.map(() => 0))),
  };
}

export function toOrtFeeds(feeds: Record<string, FeedData>): Feeds {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, feed]) => [name, new ort.Tensor(feed.type, feed.data, feed.dims)]),
  );
}

export async function createSession(
  bytes: Uint8Array,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], ...options });
}

export async function runOnce(
  bytes: Uint8Array,
  feeds: Feeds,
  fetches?: string[],
): Promise<Record<string, ort.Tensor>> {
  const session = await createSession(bytes);
  try {
    return fetches ? await session.run(feeds, fetches) : await session.run(feeds);
  } finally {
    await session.release();
  }
}

export function floats(tensor: ort.Tensor): Float32Array {
  return tensor.data as Float32Array;
}

export { ort };
