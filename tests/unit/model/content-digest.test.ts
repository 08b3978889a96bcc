import { describe, expect, it } from 'vitest';
import { contentDigest, SAMPLED_ABOVE } from '../../../src/core/model/content-digest';

const filled = (size: number, seed: number) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
};

describe('contentDigest', () => {
  it('changes when any byte of a small file changes', async () => {
    const bytes = filled(100_000, 1);
    const before = await contentDigest([bytes]);
    bytes[54_321] ^= 1;
    expect(await contentDigest([bytes])).not.toBe(before);
  });

  it('changes for a large file whose weights were all retrained, and for one of another length', async () => {
    const size = SAMPLED_ABOVE + 5_000_000;
    const model = filled(size, 1);
    const before = await contentDigest([model]);
    const retrained = filled(size, 1);
    // New weights everywhere but the first and last MiB (the graph stays the same).
    retrained.set(filled(size - 2 * 2 ** 20, 7).subarray(0), 2 ** 20);
    expect(await contentDigest([retrained])).not.toBe(before);
    expect(await contentDigest([model.subarray(0, size - 1)])).not.toBe(before);
    expect(await contentDigest([filled(size, 1)])).toBe(before);
  });

  it('does not let bytes move from one file into the next', async () => {
    const bytes = filled(1000, 3);
    expect(await contentDigest([bytes.subarray(0, 400), bytes.subarray(400)])).not.toBe(
      await contentDigest([bytes.subarray(0, 500), bytes.subarray(500)]),
    );
  });
});
