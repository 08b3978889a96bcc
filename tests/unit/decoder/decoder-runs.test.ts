/**
 * The prepared decoder graph in onnxruntime, fed the way the engine feeds it (textFeeds with empty past):
 * causal attention rows sum to 1 and are exactly 0 above the diagonal; next-token probabilities equal a
 * plain run of the unmodified export; MC dropout at p = 0 is bit-identical; the MC identities hold; a batch
 * padded without a padding token gives each text what it gives alone.
 */
import { describe, expect, it } from 'vitest';
import { ModelTokenizer } from '../../../src/core/model/tokenizer';
import { exposeAttention } from '../../../src/core/onnx/attention';
import { prepareDecoderGraph } from '../../../src/core/onnx/decoder-graph';
import { encodeModel } from '../../../src/core/onnx/codec';
import { batchOf, textFeeds } from '../../../src/core/runtime/feeds';
import { insertMcDropout, makeDropoutFeeds, type McDropoutPlan } from '../../../src/core/onnx/dropout';
import { createRng } from '../../../src/core/random';
import { mcStatistics, softmax } from '../../../src/core/uncertainty';
import { decoderFeeds, ort } from '../../helpers/decoder-runs';
import { buildTinyDecoder, type DecoderFamily, type DecoderLayout } from '../../helpers/tiny-decoder';

const TEXT = 'the cat sat on the mat and the dog';

async function runBytes(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, fetches?: string[]) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const results = await session.run(feeds, fetches ?? session.outputNames);
    return { results, inputNames: session.inputNames };
  } finally {
    await session.release();
  }
}

async function inputNamesOf(bytes: Uint8Array) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const names = session.inputNames;
  await session.release();
  return names;
}

/** dropout_p [0, p, …, p] and per-site noise with row 0 all zeros (kept at p = 0), as the engine feeds a dropout-off row. */
function noiseWithDeterministicRow(plan: McDropoutPlan, seq: number, samples: number, p: number, seed: number) {
  const rng = createRng(seed);
  const feeds: Record<string, ort.Tensor> = {
    [plan.dropoutInput]: new ort.Tensor(
      'float32',
      Float32Array.from({ length: samples + 1 }, (_, r) => (r ? p : 0)),
      [samples + 1],
    ),
  };
  const drawn = makeDropoutFeeds(plan, { rows: samples, seq }, rng, p);
  for (const site of plan.sites) {
    const noise = drawn[site.noiseInput];
    const perRow = noise.data.length / samples;
    const data = new Float32Array(perRow * (samples + 1));
    data.set(noise.data as Float32Array, perRow);
    feeds[site.noiseInput] = new ort.Tensor('float32', data, [samples + 1, ...noise.dims.slice(1)]);
  }
  return feeds;
}

const lastRow = (logits: Float32Array, seq: number, vocab: number) => logits.subarray((seq - 1) * vocab, seq * vocab);

const cases: [DecoderFamily, DecoderLayout][] = [
  ['gpt2', 'no-cache'],
  ['gpt2', 'cache'],
  ['gpt2', 'merged'],
  ['llama', 'no-cache'],
  ['llama', 'cache'],
  ['llama', 'merged'],
];

describe.each(cases)('prepared %s decoder, %s layout', (family, layout) => {
  const tiny = buildTinyDecoder({ family, layout, layers: 3 });
  const tokenizer = new ModelTokenizer(JSON.stringify(tiny.tokenizerJson), JSON.stringify(tiny.tokenizerConfig));
  const encoded = tokenizer.encode(TEXT);
  const seq = encoded.ids.length;
  const vocab = tiny.config.vocab;
  const prepared = prepareDecoderGraph(tiny.model, tiny.configJson)!;

  it('attention: rows sum to 1 and are exactly 0 above the diagonal; next-token probabilities equal the unmodified export', async () => {
    const exposed = exposeAttention(prepared.model);
    expect(exposed.attentionOutputs).toHaveLength(3);
    expect(exposed.attentionOutputs.every((output) => output.heads === tiny.config.heads)).toBe(true);
    const bytes = encodeModel(exposed.model);
    const names = await inputNamesOf(bytes);
    const feeds = textFeeds(names, batchOf([encoded]), { past: prepared.past });
    const { results } = await runBytes(bytes, feeds);
    for (const output of exposed.attentionOutputs) {
      const probs = results[output.outputName];
      expect(probs.dims).toEqual([1, tiny.config.heads, seq, seq]);
      const data = probs.data as Float32Array;
      for (let row = 0; row < tiny.config.heads * seq; row++) {
        const i = row % seq;
        const values = data.subarray(row * seq, (row + 1) * seq);
        expect(Math.abs(values.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        for (let j = i + 1; j < seq; j++) expect(values[j]).toBe(0);
        expect(values[i]).toBeGreaterThan(0);
      }
    }
    // The export as shipped, fed as its own layout expects (zero-length past, use_cache_branch false).
    const plain = await runBytes(tiny.bytes, decoderFeeds(tiny.config, [encoded.ids]), ['logits']);
    const expected = softmax(lastRow(plain.results.logits.data as Float32Array, seq, vocab), vocab);
    const got = softmax(lastRow(results.logits.data as Float32Array, seq, vocab), vocab);
    let worst = 0;
    for (let v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(expected[v] - got[v]));
    expect(worst).toBeLessThan(1e-6);
    expect(results.last_hidden_state.dims).toEqual([1, seq, tiny.config.hidden]);
  });

  it('MC dropout: sites on attention and both pre-LN residual branches; p = 0 bit-identical; identities hold at p > 0', async () => {
    const { model, plan } = insertMcDropout(prepared.model, { config: tiny.configJson });
    const kinds = plan.sites.map(
      (site) => `${site.layer}:${site.kind}:${site.noiseInput.replace(/^mc_noise_layer\d+_/, '')}`,
    );
    expect(kinds).toEqual(
      [0, 1, 2].flatMap((l) => [
        `${l}:attention:attention_probs`,
        `${l}:hidden:attention_output`,
        `${l}:hidden:ffn_output`,
      ]),
    );
    const bytes = encodeModel(model);
    const names = await inputNamesOf(bytes);
    const T = 8;
    const rows = T + 1;
    const text = textFeeds(names, batchOf(Array.from({ length: rows }, () => encoded)), { past: prepared.past });
    const noise = noiseWithDeterministicRow(plan, seq, T, 0.3, 11);
    const { results } = await runBytes(bytes, { ...text, ...noise }, ['logits']);
    const logits = results.logits.data as Float32Array;
    const plainBytes = encodeModel(prepared.model);
    const plain = await runBytes(
      plainBytes,
      textFeeds(await inputNamesOf(plainBytes), batchOf([encoded]), { past: prepared.past }),
      ['logits'],
    );
    // Row 0 ran at p = 0: exactly the plain graph.
    expect(Array.from(logits.subarray(0, seq * vocab))).toEqual(Array.from(plain.results.logits.data as Float32Array));
    const samples = new Float64Array(T * vocab);
    for (let t = 0; t < T; t++)
      samples.set(softmax(lastRow(logits.subarray((t + 1) * seq * vocab), seq, vocab), vocab), t * vocab);
    const stats = mcStatistics(samples, [T, vocab]);
    expect(Math.abs(stats.predictiveEntropy - stats.expectedEntropy - stats.mutualInformation)).toBeLessThan(1e-9);
    expect(stats.mutualInformation).toBeGreaterThan(0);
    expect(samples.subarray(0, vocab)).not.toEqual(samples.subarray(vocab, 2 * vocab));
  });

  it('a batch padded without a padding token gives each text what it gives alone', async () => {
    expect(tokenizer.padTokenId).toBeNull();
    const short = tokenizer.encode('the dog');
    const bytes = encodeModel(prepared.model);
    const names = await inputNamesOf(bytes);
    const both = await runBytes(bytes, textFeeds(names, batchOf([encoded, short]), { past: prepared.past }), [
      'logits',
    ]);
    const alone = await runBytes(bytes, textFeeds(names, batchOf([short]), { past: prepared.past }), ['logits']);
    const batched = both.results.logits.data as Float32Array;
    const single = alone.results.logits.data as Float32Array;
    const offset = seq * vocab; // row 1 of [2, seq, vocab]
    let worst = 0;
    for (let i = 0; i < short.ids.length * vocab; i++)
      worst = Math.max(worst, Math.abs(batched[offset + i] - single[i]));
    expect(worst).toBeLessThan(1e-5);
  });
});
