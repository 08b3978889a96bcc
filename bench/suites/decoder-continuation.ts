/**
 * Decoder continuation: 64 tokens after a 17-token prompt with T = 16 MC-dropout samples per token, on a
 * 4-layer GPT-2-shaped decoder (256 wide, 4 heads, 1024 feed-forward, 8192-token vocabulary, built in
 * TypeScript with random weights: tests/helpers/tiny-decoder.ts), through the engine's own continuation
 * (src/core/engine/uncertainty/continuation-run.ts, LM head at the last position only):
 *   KV cache, every layer stochastic        the default: T + 1 rows, each with its own cache, one token per run
 *   KV cache, last layer stochastic         dropout in the last layer only
 *   fresh run per token, every layer        the same weights exported without a cache: the prefix rerun per
 *                                           token (16 tokens: the slow path this suite justifies avoiding)
 *   built-in playground-gpt-mini            the real 6-layer decoder (when models/playground-gpt-mini is present)
 * and the same comparison on the deterministic part alone (greedy, no dropout, one row):
 *   greedy, fresh run per token             the prefix rerun for every token
 *   greedy, KV cache                        the cache export fed its own present.* back, one token per run
 * Target: the 64-token, T = 16 continuation within what a user waits for (a few seconds).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { softmax } from '../../src/core/uncertainty';
import { decoderFeeds, ort } from '../../tests/helpers/decoder-runs';
import { buildTinyDecoder, type TinyDecoder } from '../../tests/helpers/tiny-decoder';
import { sideBySide, summarize, timeMs, type BenchSuite, type Figure } from '../harness';

const NEW_TOKENS = 64;
const SAMPLES = 16;
const REPEATS = 7;
const PROMPT = 'the king and the queen sat on the mat and the dog was in paris and the';
const SHAPE = { layers: 4, hidden: 256, heads: 4, intermediate: 1024, vocab: 8192, maxPositions: 256 };

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
/** Serves models/ from the repository, as the app serves its built-in models. */
const diskFetch: typeof fetch = async (input) => {
  const relative = decodeURIComponent(new URL(String(input)).pathname).replace(/^\/+/, '');
  const file = path.join(repoRoot, relative);
  if (!relative.startsWith('models/') || !existsSync(file)) return new Response('Not found', { status: 404 });
  const bytes = readFileSync(file);
  return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
};

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

async function engineFor(tiny: TinyDecoder): Promise<PlaygroundEngine> {
  const engine = new PlaygroundEngine({
    appBase: 'http://bench.local/',
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  });
  await engine.load(
    {
      kind: 'files',
      files: {
        onnx: { name: tiny.fileName, bytes: tiny.bytes.slice().buffer as ArrayBuffer },
        tokenizer: { name: 'tokenizer.json', bytes: json(tiny.tokenizerJson) },
        tokenizerConfig: { name: 'tokenizer_config.json', bytes: json(tiny.tokenizerConfig) },
        config: { name: 'config.json', bytes: json(tiny.configJson) },
      },
    },
    { executionProvider: 'wasm', threads: 1 },
  );
  return engine;
}

const argmax = (values: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
};

/** Greedy decoding on the export as shipped: the whole prefix per token (fresh) or one token with the cache. */
async function greedy(tiny: TinyDecoder, session: ort.InferenceSession, prompt: number[], cached: boolean) {
  const V = tiny.config.vocab;
  const ids = [...prompt];
  let past: Record<string, ort.Tensor> | undefined;
  for (let n = 0; n < NEW_TOKENS; n++) {
    const step = cached && past ? [ids[ids.length - 1]] : ids;
    const pastLength = cached && past ? ids.length - 1 : 0;
    const out = await session.run(decoderFeeds(tiny.config, [step], { pastLength, past }));
    const logits = out.logits.data as Float32Array;
    ids.push(argmax(softmax(logits.subarray((step.length - 1) * V, step.length * V), V)));
    if (cached) past = out;
  }
  return ids.slice(prompt.length);
}

export async function run(): Promise<BenchSuite> {
  configureWasm({ crossOriginIsolated: false, hardwareConcurrency: 1 }, 1);
  const tiny = buildTinyDecoder({ family: 'gpt2', layout: 'cache', ...SHAPE });
  const engine = await engineFor(tiny);
  const promptIds = engine.tokenize(PROMPT).ids;
  const figures: Figure[] = [];
  const settings = (lastK: number | null) => ({
    samples: SAMPLES,
    dropout: 0.1,
    sites: ['attention' as const, 'hidden' as const],
    stochasticLayers: lastK === null ? ('all' as const) : { lastK },
    seed: 1,
  });
  const request = {
    prompt: PROMPT,
    maxNewTokens: NEW_TOKENS,
    decoding: { strategy: 'greedy' as const, temperature: 1, topK: 0, topP: 1 },
  };
  const measure = async (
    subject: PlaygroundEngine,
    label: string,
    lastK: number | null,
    tokensWanted: number,
    repeats: number,
  ) => {
    const asked = { ...request, maxNewTokens: tokensWanted };
    await subject.continue({ ...asked, maxNewTokens: 1 }, settings(lastK)); // warm-up: builds the sessions
    const samples: number[] = [];
    let tokens = 0;
    let reuse = '';
    for (let r = 0; r < repeats; r++)
      samples.push(
        await timeMs(async () => {
          const result = await subject.continue(asked, settings(lastK));
          tokens = result.tokens.length;
          reuse = result.run.reuse;
        }),
      );
    figures.push(
      summarize(`continuation ${tokensWanted} tokens, T = ${SAMPLES}, ${label}`, 'ms', samples, {
        promptTokens: promptIds.length,
        tokens,
        reuse,
        model: SHAPE,
        perTokenMs: samples.map((ms) => ms / tokens),
      }),
    );
  };
  await measure(engine, 'KV cache, every layer stochastic', null, NEW_TOKENS, REPEATS);
  await measure(engine, 'KV cache, last layer stochastic', 1, NEW_TOKENS, REPEATS);
  const noCache = await engineFor(buildTinyDecoder({ family: 'gpt2', layout: 'no-cache', ...SHAPE }));
  await measure(noCache, 'fresh run per token, every layer stochastic', null, 16, REPEATS);

  // The built-in decoder (models/playground-gpt-mini, 6 layers × 128, KV-cache export), when it is in the repository.
  const builtIn = path.join(repoRoot, 'models', 'playground-gpt-mini');
  if (existsSync(path.join(builtIn, 'onnx', 'model.onnx'))) {
    const gptMini = new PlaygroundEngine({
      appBase: 'http://bench.local/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
      fetchImpl: diskFetch,
    });
    await gptMini.load({ kind: 'embedded', name: 'playground-gpt-mini' }, { executionProvider: 'wasm', threads: 1 });
    await measure(
      gptMini,
      'built-in playground-gpt-mini (6 layers), KV cache, every layer stochastic',
      null,
      NEW_TOKENS,
      REPEATS,
    );
  }

  const session = await ort.InferenceSession.create(tiny.bytes, { executionProviders: ['wasm'] });
  try {
    const fresh = await greedy(tiny, session, promptIds, false);
    const cached = await greedy(tiny, session, promptIds, true);
    if (fresh.join() !== cached.join()) throw new Error('KV-cache greedy decoding differs from the fresh runs.');
    figures.push(
      ...(await sideBySide(
        `greedy ${NEW_TOKENS} tokens without dropout`,
        {
          a: { label: 'KV cache', run: () => greedy(tiny, session, promptIds, true) },
          b: { label: 'fresh run per token', run: () => greedy(tiny, session, promptIds, false) },
        },
        REPEATS,
      )),
    );
  } finally {
    await session.release();
  }
  return {
    name: 'decoder-continuation',
    figures,
    notes: [
      'The built-in figure uses models/playground-gpt-mini (6 layers × 128, 4 heads, 8000-token vocabulary) with the same prompt.',
      `A ${SHAPE.layers}-layer GPT-2-shaped decoder (${SHAPE.hidden} wide, ${SHAPE.vocab} vocabulary) with random weights; a ${promptIds.length}-token prompt.`,
      'Continuations of exports with a cache keep one KV cache per MC sample (T + 1 rows, one new token per run); exports without one rerun the prefix per token. The greedy pair shows the same on one row without dropout.',
    ],
  };
}
