/**
 * The tiny decoders themselves: every family × layout runs in onnxruntime, the three layouts give the same
 * logits, and a run continued from a past equals the run over the whole sequence (the cache is exact).
 */
import { describe, expect, it } from 'vitest';
import { decoderFeeds, ort } from '../../helpers/decoder-runs';
import { buildTinyDecoder, type DecoderFamily, type TinyDecoderOptions } from '../../helpers/tiny-decoder';

const IDS = [[5, 17, 42, 9, 3, 60]];

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function expectClose(a: Float32Array, b: Float32Array, tolerance = 1e-5) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tolerance);
}

const variants: [DecoderFamily, TinyDecoderOptions][] = [
  ['gpt2', {}],
  ['gpt2', { mask: 'trilu' }],
  ['llama', {}],
  ['llama', { kvRepeat: 'tile', mask: 'where' }],
  ['llama', { kvRepeat: 'concat', rmsNorm: 'op', mask: 'trilu' }],
];

describe.each(variants)('tiny %s decoder %j', (family, options) => {
  it('gives the same logits in all three layouts, and a cached continuation equals the full run', async () => {
    const noCache = buildTinyDecoder({ ...options, family, layout: 'no-cache' });
    const full = (await run(noCache.bytes, decoderFeeds(noCache.config, IDS))).logits.data as Float32Array;
    expect(full.every(Number.isFinite)).toBe(true);

    const cache = buildTinyDecoder({ ...options, family, layout: 'cache' });
    const fromCache = await run(cache.bytes, decoderFeeds(cache.config, IDS));
    expectClose(fromCache.logits.data as Float32Array, full);

    const merged = buildTinyDecoder({ ...options, family, layout: 'merged' });
    for (const useCache of [false, true]) {
      const out = await run(merged.bytes, decoderFeeds(merged.config, IDS, { useCache }));
      expectClose(out.logits.data as Float32Array, full);
    }

    // First four tokens, then the last two with their past: the last two rows of logits match.
    const head = await run(cache.bytes, decoderFeeds(cache.config, [IDS[0].slice(0, 4)]));
    expect(head['present.0.key'].dims).toEqual([1, cache.config.kvHeads, 4, cache.config.headDim]);
    for (const layout of ['cache', 'merged'] as const) {
      const model = layout === 'cache' ? cache : merged;
      const tail = await run(
        model.bytes,
        decoderFeeds(model.config, [IDS[0].slice(4)], { pastLength: 4, past: head, useCache: true }),
      );
      const vocab = cache.config.vocab;
      expectClose(tail.logits.data as Float32Array, full.subarray(4 * vocab));
      expect(tail['present.1.value'].dims).toEqual([1, cache.config.kvHeads, 6, cache.config.headDim]);
    }
  });
});
