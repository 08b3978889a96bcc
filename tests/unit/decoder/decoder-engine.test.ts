/**
 * Decoders through the engine, as local files: each tiny decoder layout loads (merged If, cache inputs, no
 * cache), attention is causal, the next-token task gives the plain export's distribution (p = 0: every
 * sample equal to it, MI exactly 0), and a greedy continuation is the export's own greedy decoding with each
 * token's statistics equal to the next-token task on its prefix.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { ModelTokenizer } from '../../../src/core/model/tokenizer';
import { softmax } from '../../../src/core/uncertainty';
import { decoderFeeds, ort } from '../../helpers/decoder-runs';
import { buildTinyDecoder, type DecoderFamily, type DecoderLayout, type TinyDecoder } from '../../helpers/tiny-decoder';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
const settings = (dropout: number, samples = 8) => ({
  samples,
  dropout,
  sites: ['attention' as const, 'hidden' as const],
  stochasticLayers: 'all' as const,
  seed: 5,
});

async function loaded(tiny: TinyDecoder) {
  const engine = new PlaygroundEngine({
    appBase: 'http://localhost/',
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  });
  const info = await engine.load(
    {
      kind: 'files',
      files: {
        onnx: { name: tiny.fileName, bytes: tiny.bytes.slice().buffer as ArrayBuffer },
        tokenizer: { name: 'tokenizer.json', bytes: json(tiny.tokenizerJson) },
        tokenizerConfig: { name: 'tokenizer_config.json', bytes: json(tiny.tokenizerConfig) },
        config: { name: 'config.json', bytes: json(tiny.configJson) },
      },
    },
    { executionProvider: 'wasm' },
  );
  return { engine, info };
}

/** Next-token probabilities of the export as shipped, at the last position of `ids`. */
async function plainNextToken(tiny: TinyDecoder, session: ort.InferenceSession, ids: number[]) {
  const out = await session.run(decoderFeeds(tiny.config, [ids]), ['logits']);
  const logits = out.logits.data as Float32Array;
  const V = tiny.config.vocab;
  return softmax(logits.subarray((ids.length - 1) * V, ids.length * V), V);
}

const cases: [DecoderFamily, DecoderLayout][] = [
  ['gpt2', 'merged'],
  ['llama', 'cache'],
  ['llama', 'no-cache'],
];

describe.each(cases)('a tiny %s decoder (%s) in the engine', (family, layout) => {
  const tiny = buildTinyDecoder({ family, layout, layers: 2 });
  const prompt = 'the cat sat on the';

  it('loads as a decoder and shows causal attention', async () => {
    const { engine, info } = await loaded(tiny);
    expect(info.decoder).toMatchObject({ layout, file: tiny.fileName, kvHeads: tiny.config.kvHeads });
    expect(info.tools.uncertainty.available).toBe(true);
    expect(info.maskToken).toBeNull();
    const view = await engine.attention(prompt, null, { hideSpecial: false, averageHeads: false, rollout: false });
    expect(view.causal).toBe(true);
    expect(view.summaries.every((summary) => summary.firstTokenShare >= 0 && summary.firstTokenShare <= 1)).toBe(true);
    const [, heads, seq] = view.shape;
    expect(heads).toBe(tiny.config.heads);
    for (let row = 0; row < view.probs.length / seq; row++) {
      const i = row % seq;
      for (let j = i + 1; j < seq; j++) expect(view.probs[row * seq + j]).toBe(0);
    }
  });

  it('next token: the plain export distribution; p = 0 samples equal it with MI 0; continuation is its greedy decoding', async () => {
    const { engine } = await loaded(tiny);
    const tokenizer = new ModelTokenizer(JSON.stringify(tiny.tokenizerJson), JSON.stringify(tiny.tokenizerConfig));
    const session = await ort.InferenceSession.create(tiny.bytes, { executionProviders: ['wasm'] });
    try {
      const ids = tokenizer.encode(prompt).ids;
      const expected = await plainNextToken(tiny, session, ids);
      const off = await engine.predict({ task: 'next-token', text: prompt, topK: 5 }, settings(0));
      expect(off.summary.mutualInformation).toBe(0);
      off.ids.forEach((id, j) => {
        expect(Math.abs(off.deterministic[j] - expected[id])).toBeLessThan(1e-6);
        expect(off.mean[j]).toBe(off.deterministic[j]);
      });
      expect(off.deterministicTop[0].id).toBe(expected.indexOf(Math.max(...expected)));

      // Only the last layer stochastic: the prefix runs once and is tiled inside the graph; at p = 0 still the plain model.
      const tiled = await engine.predict(
        { task: 'next-token', text: prompt, topK: 5 },
        { ...settings(0), stochasticLayers: { lastK: 1 } },
      );
      expect(tiled.run.mode).toBe('tiled');
      tiled.ids.forEach((id, j) => expect(Math.abs(tiled.deterministic[j] - expected[id])).toBeLessThan(1e-6));

      const on = await engine.predict({ task: 'next-token', text: prompt, topK: 5 }, settings(0.2));
      expect(on.summary.mutualInformation).toBeGreaterThan(0);
      const s = on.summary;
      expect(Math.abs(s.predictiveEntropy - s.expectedEntropy - s.mutualInformation)).toBeLessThan(1e-9);

      const continued = await engine.continue(
        { prompt, maxNewTokens: 6, decoding: { strategy: 'greedy', temperature: 1, topK: 0, topP: 1 } },
        settings(0.2),
      );
      const greedy = [...ids];
      for (let n = 0; n < continued.tokens.length; n++) {
        const probs = await plainNextToken(tiny, session, greedy);
        greedy.push(probs.indexOf(Math.max(...probs)));
      }
      expect(continued.tokens.map((t) => t.id)).toEqual(greedy.slice(ids.length));
      // Token 0's statistics are the next-token task's on the prompt (same seed, same session).
      expect(continued.tokens[0].mutualInformation).toBe(on.summary.mutualInformation);
      expect(continued.tokens[0].predictiveEntropy).toBe(on.summary.predictiveEntropy);
      expect(continued.text).toBe(tokenizer.decode(continued.tokens.map((t) => t.id)));
      expect(continued.run.graphRuns).toBe(continued.tokens.length);
      expect(continued.run.reuse).toBe(layout === 'no-cache' ? 'fresh-run' : 'kv-cache');

      // p = 0: every row is the plain model, so each cached row's distribution is the export's on that prefix.
      const plain = await engine.continue(
        { prompt, maxNewTokens: 5, decoding: { strategy: 'sample', temperature: 1.3, topK: 20, topP: 0.95 } },
        settings(0),
      );
      const prefix = [...ids];
      for (const token of plain.tokens) {
        const probs = await plainNextToken(tiny, session, prefix);
        expect(token.mutualInformation).toBe(0);
        expect(Math.abs(token.probability - probs[token.id])).toBeLessThan(1e-5);
        prefix.push(token.id);
      }
      const again = await engine.continue(
        { prompt, maxNewTokens: 5, decoding: { strategy: 'sample', temperature: 1.3, topK: 20, topP: 0.95 } },
        settings(0),
      );
      expect(again.tokens.map((t) => t.id)).toEqual(plain.tokens.map((t) => t.id));
    } finally {
      await session.release();
    }
  });

  it('next token in batch mode: each prompt ranked by its own statistics, the same as one prompt alone', async () => {
    const { engine } = await loaded(tiny);
    const prompts = [prompt, 'the dog', 'a'];
    const batch = await engine.predictBatch(prompts, 'next-token', settings(0.2));
    expect(batch.task).toBe('next-token');
    expect(batch.items.map((item) => item.error)).toEqual([null, null, null]);
    for (const measure of ['mutualInformation', 'predictiveEntropy', 'variationRatio'] as const)
      expect([...batch.ranking[measure]].sort()).toEqual([0, 1, 2]);
    const scores = batch.items.map((item) => item.summary!.mutualInformation);
    expect(scores[batch.ranking.mutualInformation[0]]).toBe(Math.max(...scores));
    for (const [n, text] of prompts.entries()) {
      const alone = await engine.predict({ task: 'next-token', text, topK: 5 }, settings(0));
      const off = (await engine.predictBatch([text], 'next-token', settings(0))).items[0].summary!;
      expect(off.mutualInformation).toBe(0);
      expect(off.deterministicLabel).toBe(alone.summary.deterministicLabel);
      expect(batch.items[n].summary!.deterministicLabel).toBe(alone.summary.deterministicLabel);
    }
  });
});
