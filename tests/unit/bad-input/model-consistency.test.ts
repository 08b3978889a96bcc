/**
 * A model whose tokenizer, config.json and graph disagree: refused with a message naming the mismatch
 * where the graph would be fed an id it has no row for, loaded with a visible warning where it still runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkConsistency, type ConsistencyFacts } from '../../../src/core/engine/model/model-consistency';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { ModelLoadError } from '../../../src/core/model/errors';
import { TINY_VOCAB, tinyTokenizerJson } from '../../helpers/onnx-tiny-tokenizer';
import { tinyModelFiles } from '../../e2e/tiny-model-files';

const buffer = (bytes: Uint8Array | string) =>
  (typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes).slice().buffer as ArrayBuffer;

function facts(patch: {
  tokenizer?: Partial<ConsistencyFacts['tokenizer']>;
  config?: Partial<ConsistencyFacts['config']>;
  graph?: Partial<ConsistencyFacts['graph']>;
}): ConsistencyFacts {
  return {
    tokenizer: {
      vocabSize: 8000,
      specialTokens: [
        { token: '[PAD]', id: 0 },
        { token: '[MASK]', id: 4 },
      ],
      singleTypeId: 0,
      pairTypeId: 1,
      padTokenId: 0,
      bosTokenId: null,
      eosTokenId: null,
      ...patch.tokenizer,
    },
    config: { vocabSize: 8000, typeVocabSize: 2, padTokenId: 0, bosTokenId: null, eosTokenId: null, ...patch.config },
    graph: { embeddingRows: 8000, takesTypeIds: true, typeRows: 2, ...patch.graph },
  };
}

describe('checkConsistency', () => {
  it('finds nothing to say about a model whose files agree', () => {
    expect(checkConsistency(facts({}))).toEqual({
      refusal: null,
      mismatches: [],
      maxTypeId: null,
      configEosTokenId: null,
    });
  });

  it('warns about a tokenizer trimmed to 5,000 entries where config.json and the embedding table say 8,000', () => {
    const { refusal, mismatches } = checkConsistency(facts({ tokenizer: { vocabSize: 5000 } }));
    expect(refusal).toBe(null);
    expect(mismatches).toEqual([
      "The tokenizer has 5,000 tokens but the model's embedding table has 8,000 rows: ids 5000 to 7999 are never used. Some models pad their table to a round size; a large gap can mean the tokenizer was trimmed or belongs to another model — check the tokens in the tokenizer preview.",
    ]);
  });

  it('refuses a tokenizer that produces ids beyond the embedding table, naming the special tokens outside it', () => {
    const { refusal } = checkConsistency(
      facts({
        tokenizer: { vocabSize: 8002, specialTokens: [{ token: '[MASK]', id: 8001 }] },
        config: { vocabSize: 8000 },
        graph: { embeddingRows: 8000 },
      }),
    );
    expect(refusal).toBe(
      "The tokenizer does not match the model: it has 8002 tokens but the model's embedding has only 8000 rows. Special tokens outside the table: [MASK] (id 8001). Use the tokenizer.json that came with this model.",
    );
  });

  it('believes the graph over config.json: a config that claims more rows than the table has does not let a big tokenizer through', () => {
    const { refusal, mismatches } = checkConsistency(
      facts({ tokenizer: { vocabSize: 8000 }, config: { vocabSize: 8000 }, graph: { embeddingRows: 5000 } }),
    );
    expect(refusal).toMatch(
      /^The tokenizer does not match the model: it has 8000 tokens but the model's embedding has only 5000 rows\./,
    );
    expect(mismatches).toEqual([]);
    const small = checkConsistency(facts({ tokenizer: { vocabSize: 5000 }, graph: { embeddingRows: 5000 } }));
    expect(small.mismatches).toEqual([
      "config.json says vocab_size 8000 but the model's embedding table has 5,000 rows; the table is what runs.",
    ]);
  });

  it('uses config.json vocab_size when the graph has no embedding table to read', () => {
    const { refusal } = checkConsistency(facts({ tokenizer: { vocabSize: 9000 }, graph: { embeddingRows: null } }));
    expect(refusal).toMatch(
      /config\.json says vocab_size is \(the graph has no embedding table to read\), so the model has only 8000 rows/,
    );
  });

  it('token types: a pair the table cannot take is a warning with a limit; a single sentence it cannot take is refused', () => {
    const pair = checkConsistency(facts({ config: { typeVocabSize: 1 }, graph: { typeRows: 1 } }));
    expect(pair.refusal).toBe(null);
    expect(pair.maxTypeId).toBe(0);
    expect(pair.mismatches).toEqual([
      "The tokenizer marks a second sentence with token type id 1, but the model's token-type table has only 1 row: this model cannot read sentence pairs (single sentences work).",
    ]);
    const single = checkConsistency(facts({ tokenizer: { singleTypeId: 1 }, graph: { typeRows: 1 } }));
    expect(single.refusal).toBe(
      "The tokenizer does not match the model: it gives a single sentence token type id 1, but the model's token-type table has only 1 row. Use the tokenizer.json that came with this model.",
    );
    // A graph without token_type_ids takes no type ids at all: nothing to check.
    expect(checkConsistency(facts({ graph: { takesTypeIds: false, typeRows: null } })).mismatches).toEqual([]);
  });

  it('special-token ids: config.json ids outside the table or naming another token than the tokenizer are warned about', () => {
    const outside = checkConsistency(facts({ config: { eosTokenId: 9000 }, tokenizer: { eosTokenId: 3 } }));
    expect(outside.mismatches).toEqual([
      "config.json's eos_token_id 9000 is outside the model's embedding table (8,000 rows); the tokenizer's own end token is used instead.",
    ]);
    expect(outside.configEosTokenId).toBe(null);
    const reordered = checkConsistency(facts({ tokenizer: { padTokenId: 7 } }));
    expect(reordered.mismatches).toEqual([
      "config.json says pad_token_id 0 but the tokenizer's token for it has id 7: the tokenizer may belong to another model or have its vocabulary reordered.",
    ]);
  });
});

describe('mismatched model files through the real loading path', () => {
  const engine = new PlaygroundEngine({
    appBase: 'http://localhost/',
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  });
  const tiny = tinyModelFiles();
  const load = (files: Record<string, Uint8Array | string>, onnx = tiny['onnx/model.onnx']) =>
    engine.load(
      {
        kind: 'files',
        files: {
          onnx: { name: 'model.onnx', bytes: buffer(onnx) },
          tokenizer: { name: 'tokenizer.json', bytes: buffer(files['tokenizer.json'] ?? tiny['tokenizer.json']) },
          config: { name: 'config.json', bytes: buffer(files['config.json'] ?? tiny['config.json']) },
          tokenizerConfig: files['tokenizer_config.json']
            ? { name: 'tokenizer_config.json', bytes: buffer(files['tokenizer_config.json']) }
            : undefined,
        },
      },
      { executionProvider: 'wasm' },
    );

  beforeAll(async () => {
    await load({});
  });

  it('a tokenizer trimmed below the embedding table loads, with the mismatch listed for the warning', async () => {
    const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
    const vocab = Object.fromEntries(Object.entries(json.model.vocab).filter(([, id]) => id < TINY_VOCAB.length - 5));
    const info = await load({ 'tokenizer.json': JSON.stringify({ ...json, model: { ...json.model, vocab } }) });
    expect(info.mismatches).toEqual([
      `The tokenizer has ${TINY_VOCAB.length - 5} tokens but the model's embedding table has ${TINY_VOCAB.length} rows: ids ${TINY_VOCAB.length - 5} to ${TINY_VOCAB.length - 1} are never used. Some models pad their table to a round size; a large gap can mean the tokenizer was trimmed or belongs to another model — check the tokens in the tokenizer preview.`,
    ]);
  });

  it('a special token added beyond the embedding table is refused by name, and the model before stays', async () => {
    const before = await load({});
    const json = tinyTokenizerJson() as { added_tokens: unknown[] };
    const tokenizer = {
      ...json,
      added_tokens: [
        ...json.added_tokens,
        {
          id: 60,
          content: '[EXTRA]',
          special: true,
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
        },
      ],
    };
    const failure = await load({ 'tokenizer.json': JSON.stringify(tokenizer) }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect(failure!.message).toBe(
      `The tokenizer does not match the model: it has 61 tokens but the model's embedding has only ${TINY_VOCAB.length} rows. Special tokens outside the table: [EXTRA] (id 60). Use the tokenizer.json that came with this model.`,
    );
    expect(engine.info()?.contentDigest).toBe(before.contentDigest);
  });

  it('a graph with one token-type row loads with a warning; a sentence pair is refused with the reason, a single sentence runs', async () => {
    const oneType = tinyModelFiles({ typeVocab: 1 });
    const info = await load({ 'config.json': oneType['config.json'] }, oneType['onnx/model.onnx']);
    expect(info.mismatches).toEqual([
      "The tokenizer marks a second sentence with token type id 1, but the model's token-type table has only 1 row: this model cannot read sentence pairs (single sentences work).",
    ]);
    const display = { hideSpecial: false, averageHeads: false, rollout: false };
    await expect(engine.attention('the cat', 'the dog', display as never)).rejects.toThrow(
      "This model cannot read sentence pairs: the tokenizer marks the second sentence with token type id 1, but the model's token-type table has only 1 row. Use a single sentence.",
    );
    const single = await engine.attention('the cat sat', null, display as never);
    expect(single.tokens.length).toBe(5);
  });

  it('config.json naming another padding id than the tokenizer is listed (a reordered vocabulary moved [PAD])', async () => {
    const config = JSON.parse(new TextDecoder().decode(tiny['config.json'])) as Record<string, unknown>;
    const info = await load({
      'config.json': JSON.stringify({ ...config, pad_token_id: 3 }),
      'tokenizer_config.json': JSON.stringify({ do_lower_case: true, mask_token: '[MASK]', pad_token: '[PAD]' }),
    });
    expect(info.mismatches).toEqual([
      "config.json says pad_token_id 3 but the tokenizer's token for it has id 0: the tokenizer may belong to another model or have its vocabulary reordered.",
    ]);
  });
});
