/**
 * The continuation mode of the uncertainty tool: N tokens after a prompt, each with the MC-dropout
 * statistics of its next-token distribution (the loop: core/generation/continuation.ts).
 * How work is reused, decided by measurement (bench/suites/decoder-continuation.ts, docs/PERFORMANCE.md):
 * - exports with a cache (past_key_values inputs, merged or not): a KV cache per MC sample
 *   (continuation-cache.ts), one run of T + 1 rows per new token;
 * - exports without one (a no-cache model.onnx): the next-token task on the whole prefix per token, a
 *   fresh run, with the tiled prefix when only the last layers are stochastic.
 * Either way the first token's statistics are the next-token task's on the prompt.
 */
import type {
  ContinuationProgress,
  ContinuationRequest,
  ContinuationResult,
  McDropoutSettings,
} from '../../contracts/uncertainty';
import { MAX_CONTINUATION_TOKENS } from '../../contracts/uncertainty';
import { continueText } from '../../generation/continuation';
import { throwIfAborted } from '../../model/errors';
import { createRng } from '../../random';
import type { PreparedModel } from '../model/prepare-model';
import { sampleProbabilities } from './mc-sampling';
import type { McSession } from './mc-sessions';
import { validateSettings } from './mc-dropout-run';
import { cachedSteps, type CachedStepSession } from './continuation-cache';

/** The decoding draws use their own stream, so the choice of tokens does not shift the dropout masks. */
const DECODING_STREAM = 0x5eed_dec0;

export async function runContinuation(
  model: PreparedModel,
  mc: McSession,
  request: ContinuationRequest,
  settings: McDropoutSettings,
  options: {
    signal?: AbortSignal;
    onProgress?: (progress: ContinuationProgress) => void;
    /** The KV-cache step session; without it every token reruns the prefix. */
    cached?: CachedStepSession | null;
  } = {},
): Promise<ContinuationResult> {
  if (!model.decoder)
    throw new Error('Continuation needs a causal decoder (GPT-2, Llama, …); this model is an encoder.');
  validateSettings(settings, model.info.layers);
  const started = performance.now();
  const encoded = model.tokenizer.encode(request.prompt, null, model.info.maxPositions);
  const notes: string[] = [];
  if (encoded.untruncatedLength > encoded.ids.length)
    notes.push(
      `The prompt has ${encoded.untruncatedLength} tokens; the model reads at most ${model.info.maxPositions}.`,
    );
  const total = Math.min(request.maxNewTokens, MAX_CONTINUATION_TOKENS);
  const logits = model.decoder.logits;
  const width = model.info.vocabSize;
  const cached = options.cached ? cachedSteps(model, options.cached, settings, options.signal) : null;
  const run = await continueText(
    encoded.ids,
    cached?.step ??
      (async (ids) => {
        throwIfAborted(options.signal);
        const sampled = await sampleProbabilities(
          model,
          mc,
          { ids: [...ids], typeIds: ids.map(() => 0) },
          { output: logits, position: ids.length - 1, width },
          settings,
          { signal: options.signal, withDeterministic: true },
        );
        return {
          deterministic: sampled.deterministic!,
          samples: sampled.samples,
          samplesCount: settings.samples,
          graphRuns: sampled.graphRuns,
        };
      }),
    {
      maxNewTokens: request.maxNewTokens,
      decoding: request.decoding,
      eosTokenId: model.decoder.eosTokenId,
      maxPositions: model.info.maxPositions,
      candidates: request.candidates ?? 10,
      labelOf: (id) => model.tokenizer.displayToken(id),
      rng: createRng((settings.seed ^ DECODING_STREAM) >>> 0),
      signal: options.signal,
      onToken: (_, n) => options.onProgress?.({ done: n + 1, total, phase: 'generating' }),
    },
  ).finally(() => cached?.release());
  const milliseconds = performance.now() - started;
  if (run.stoppedBy === 'eos') notes.push('Stopped at the end-of-text token.');
  if (run.stoppedBy === 'max-positions') notes.push(`Stopped at the model's ${model.info.maxPositions} positions.`);
  if (settings.dropout === 0) notes.push('p = 0: dropout is off, so every token has zero mutual information.');
  return {
    promptTokens: encoded.tokens,
    promptSpecial: encoded.special,
    tokens: run.tokens,
    text: model.tokenizer.decode(run.tokens.map((token) => token.id)),
    stoppedBy: run.stoppedBy,
    settings: { ...settings, sites: [...settings.sites] },
    decoding: { ...request.decoding },
    run: {
      reuse: cached ? 'kv-cache' : 'fresh-run',
      mode: !cached && mc.plan.tiledPrefix ? 'tiled' : 'batched',
      graphRuns: run.graphRuns,
      milliseconds,
      millisecondsPerToken: run.tokens.length > 0 ? milliseconds / run.tokens.length : 0,
    },
    notes,
  };
}
