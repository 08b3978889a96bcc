import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../src/core/onnx/codec';
import { EXTERNAL_MIN_BYTES, sessionModel } from '../../../src/core/onnx/session-model';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';
import { createSession, floats, textFeeds } from '../../helpers/onnx-runtime';

describe('sessionModel', () => {
  const tiny = buildTinyTransformer({ hidden: 32, intermediate: 64 });
  const decoded = decodeModel(tiny.bytes);

  it('encodes the graph without its large weights and points them into the loaded file, copying nothing', () => {
    const { bytes, externalData } = sessionModel(decoded);
    expect(externalData).toHaveLength(1);
    // The one "file" is the buffer the model was decoded from, not a copy of it.
    expect(externalData[0].data.buffer).toBe(tiny.bytes.buffer);
    const large = decoded.graph.initializer.filter((t) => (t.rawData?.byteLength ?? 0) >= EXTERNAL_MIN_BYTES);
    expect(large.length).toBeGreaterThan(0);
    const weightBytes = large.reduce((sum, t) => sum + t.rawData!.byteLength, 0);
    // What is left is the graph plus a short location/offset/length reference per weight.
    expect(bytes.byteLength).toBeLessThan(tiny.bytes.byteLength - weightBytes + 64 * large.length);
    // The decoded model itself keeps its weights inline (surgery and embedding reads use them).
    expect(large.every((t) => t.rawData && !t.externalData?.length)).toBe(true);
  });

  it('gives a session whose outputs are bit-identical to one made from the whole encoded model', async () => {
    const feeds = textFeeds([[2, 9, 20, 6, 4, 3]]);
    const whole = await createSession(encodeModel(decoded));
    const { bytes, externalData } = sessionModel(decoded);
    const split = await createSession(bytes, { externalData });
    try {
      const expected = await whole.run(feeds);
      const actual = await split.run(feeds);
      for (const name of whole.outputNames) expect(floats(actual[name])).toEqual(floats(expected[name]));
    } finally {
      await whole.release();
      await split.release();
    }
  });
});
