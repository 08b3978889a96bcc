/** Running the tiny decoders in onnxruntime-web (Node) from tests: feeds for every layout, and past handling. */
import * as ort from 'onnxruntime-web';
import type { TinyDecoderConfig } from './tiny-decoder';

ort.env.wasm.numThreads = 1;

export type Feeds = Record<string, ort.Tensor>;

const int64 = (values: number[], dims: number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );

/** Feeds for token rows (equal length) after `pastLength` cached tokens; past K/V given or zero-length. */
export function decoderFeeds(
  config: TinyDecoderConfig,
  ids: number[][],
  options: { pastLength?: number; past?: Record<string, ort.Tensor>; mask?: number[][]; useCache?: boolean } = {},
): Feeds {
  const batch = ids.length;
  const seq = ids[0].length;
  const pastLength = options.pastLength ?? 0;
  const feeds: Feeds = {
    input_ids: int64(ids.flat(), [batch, seq]),
    attention_mask: int64((options.mask ?? ids.map((row) => new Array(pastLength + row.length).fill(1))).flat(), [
      batch,
      pastLength + seq,
    ]),
    position_ids: int64(
      ids.flatMap((row) => row.map((_, i) => pastLength + i)),
      [batch, seq],
    ),
  };
  if (config.layout === 'no-cache') return feeds;
  for (let layer = 0; layer < config.layers; layer++)
    for (const role of ['key', 'value']) {
      const given = options.past?.[`present.${layer}.${role}`];
      feeds[`past_key_values.${layer}.${role}`] =
        given ?? new ort.Tensor('float32', new Float32Array(0), [batch, config.kvHeads, 0, config.headDim]);
    }
  if (config.layout === 'merged')
    feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(options.useCache ? 1 : 0), [1]);
  return feeds;
}

export { ort };
