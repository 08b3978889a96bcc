import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';
import { referenceForward } from '../../helpers/onnx-reference-forward';

ort.env.wasm.numThreads = 1;

function int64(rows: number[][]) {
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
}

describe('tiny transformer helper', () => {
  it('runs in onnxruntime-web and matches the plain-JS forward pass', async () => {
    const tiny = buildTinyTransformer();
    const session = await ort.InferenceSession.create(tiny.bytes);
    const ids = [[2, 20, 10, 25, 3], [2, 26, 16, 3, 0]];
    const mask = [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]];
    const types = [[0, 0, 0, 0, 0], [0, 0, 0, 1, 0]];
    const out = await session.run({ input_ids: int64(ids), attention_mask: int64(mask), token_type_ids: int64(types) });
    const ref = referenceForward(tiny, ids, mask, types);
    expect(out.logits.dims).toEqual([2, 5, tiny.config.vocab]);
    expect(out.classifier_logits.dims).toEqual([2, 3]);
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };
    expect(maxDiff(out.last_hidden_state.data as Float32Array, ref.lastHiddenState)).toBeLessThan(1e-4);
    expect(maxDiff(out.logits.data as Float32Array, ref.logits)).toBeLessThan(1e-4);
    expect(maxDiff(out.classifier_logits.data as Float32Array, ref.classifierLogits)).toBeLessThan(1e-4);
    await session.release();
  });
});
