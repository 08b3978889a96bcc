/**
 * A short fuzz run in every `npm test`: 300 mutated copies of the default model through the ONNX
 * decoder and graph surgery, 300 random labeled-text inputs through ingestion. The full 10,000-case
 * run is `npm run fuzz` (tests/fuzz/run.ts); both use tests/fuzz/fuzz.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, OnnxGraphError, readTokenEmbeddings } from '../../src/core/onnx';
import { fuzzLabels, fuzzOnnx, summarize } from '../fuzz/fuzz';

const folder = join(process.cwd(), 'models', 'playground-bert-mini');

describe('fuzzing (short run)', () => {
  it('the ONNX decoder and graph surgery survive 300 mutated copies of the default model', () => {
    const bytes = new Uint8Array(readFileSync(join(folder, 'onnx', 'model.onnx')));
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    const report = fuzzOnnx(bytes, config, { cases: 300, seed: 20261124 });
    console.log(summarize(report));
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(300);
    // The mutations reach both the decoder's errors and the surgery behind it.
    expect(report.typedErrors['decodeModel: OnnxFormatError']).toBeGreaterThan(0);
    expect(report.clean).toBeGreaterThan(0);
    // 300 decodes of a 7.6 MB model: about 40 s alone, over 70 s beside the e2e browsers on two cores; the limit only
    // catches a hang.
  }, 240_000);

  it('a tensor whose raw data is not a whole number of values is reported, not a RangeError (found by npm run fuzz)', () => {
    const model = decodeModel(new Uint8Array(readFileSync(join(folder, 'onnx', 'model.onnx'))));
    const table = model.graph.initializer.find((t) => t.name === 'embeddings.word_embeddings.weight')!;
    table.rawData = table.rawData!.subarray(0, 3660275);
    expect(() => readTokenEmbeddings(model)).toThrow(OnnxGraphError);
    expect(() => readTokenEmbeddings(model)).toThrow(
      /damaged: its 3660275 bytes of float32 data are not a whole number of 4-byte values/,
    );
  });

  it('labeled-text ingestion survives 300 random inputs', () => {
    const report = fuzzLabels({ cases: 300, seed: 20261124 });
    console.log(summarize(report));
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(300);
  });
});
