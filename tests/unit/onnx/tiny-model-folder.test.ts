import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel, describeModel } from '../../../src/core/onnx';
import { referenceForward } from '../../helpers/onnx-reference-forward';
import { floats, runOnce, textFeeds } from '../../helpers/onnx-runtime';
import { writeTinyModelFolder } from '../../helpers/tiny-transformer';

const dir = mkdtempSync(join(tmpdir(), 'tiny-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTinyModelFolder', () => {
  const tiny = writeTinyModelFolder(dir, { seed: 3 });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');

  it('writes a Hugging Face layout whose tokenizer.json @huggingface/tokenizers loads', () => {
    const tokenizer = new Tokenizer(JSON.parse(read('tokenizer.json')), JSON.parse(read('tokenizer_config.json')));
    const single = tokenizer.encode('The cat sat on the MAT!');
    expect(single.tokens).toEqual(['[CLS]', 'the', 'cat', 'sat', 'on', 'the', 'mat', '!', '[SEP]']);
    expect(tokenizer.encode('playing dogs walked zebra').tokens).toEqual([
      '[CLS]',
      'play',
      '##ing',
      'dog',
      '##s',
      'walk',
      '##ed',
      '[UNK]',
      '[SEP]',
    ]);
    const pair = tokenizer.encode('the king', { text_pair: 'a queen', return_token_type_ids: true });
    expect(pair.tokens).toEqual(['[CLS]', 'the', 'king', '[SEP]', 'a', 'queen', '[SEP]']);
    expect(pair.token_type_ids).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(tokenizer.encode('the [MASK] sat').tokens).toEqual(['[CLS]', 'the', '[MASK]', 'sat', '[SEP]']);
    expect(tokenizer.get_vocab(true).size).toBe(tiny.vocab.length);
  });

  it('writes config.json and an onnx/model.onnx that runs on the tokenizer ids', async () => {
    const config = JSON.parse(read('config.json')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'bert',
      num_hidden_layers: 2,
      num_attention_heads: 2,
      hidden_size: 16,
      vocab_size: tiny.vocab.length,
    });
    const bytes = new Uint8Array(readFileSync(join(dir, 'onnx', 'model.onnx')));
    expect(describeModel(decodeModel(bytes), config).warnings).toEqual([]);
    const tokenizer = new Tokenizer(JSON.parse(read('tokenizer.json')), {});
    const ids = tokenizer.encode('the queen of france').ids;
    const results = await runOnce(bytes, textFeeds([ids]));
    const expected = referenceForward(tiny, [ids]).classifierLogits;
    const actual = floats(results.classifier_logits);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-4);
  });
});
