// The default model's tokenizer.json, loaded with @huggingface/tokenizers (the library the app uses),
// must encode every reference input exactly as the Python pipeline (models/forge) did when it wrote
// models/playground-bert-mini/reference/reference.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';

const dir = join(process.cwd(), 'models', 'playground-bert-mini');
const readJson = (p: string) => JSON.parse(readFileSync(join(dir, p), 'utf8'));

interface RefCase {
  name: string;
  text: string;
  text_pair?: string;
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  tokens: string[];
}

const reference: { cases: RefCase[] } = readJson('reference/reference.json');
const config = readJson('config.json');
const tokenizer = new Tokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));

/** token_type_ids from the ids alone: 0 up to and including the first [SEP], 1 after it. */
function typesFromSep(ids: number[], sepId: number): number[] {
  const first = ids.indexOf(sepId);
  return ids.map((_, i) => (i <= first ? 0 : 1));
}

describe('playground-bert-mini tokenizer (JS) matches the Python reference', () => {
  it('has the special tokens at the agreed ids and the config vocab size', () => {
    const tj = readJson('tokenizer.json');
    const vocab: Record<string, number> = tj.model.vocab;
    expect(vocab['[PAD]']).toBe(0);
    expect(vocab['[PAD]']).toBe(config.pad_token_id);
    expect([vocab['[UNK]'], vocab['[CLS]'], vocab['[SEP]'], vocab['[MASK]']]).toEqual([1, 2, 3, 4]);
    expect(Object.keys(vocab).length).toBe(config.vocab_size);
    expect(tj.model.type).toBe('WordPiece');
    expect(tj.model.continuing_subword_prefix).toBe('##');
  });

  it('covers a single sentence, a pair and a [MASK] sentence', () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(5);
    expect(reference.cases.some((c) => c.text_pair !== undefined)).toBe(true);
    expect(reference.cases.some((c) => c.text.includes('[MASK]'))).toBe(true);
  });

  for (const c of reference.cases) {
    it(`encodes "${c.name}" to the reference ids and token types`, () => {
      const enc = tokenizer.encode(c.text, { text_pair: c.text_pair ?? null, return_token_type_ids: true });
      expect(enc.ids).toEqual(c.input_ids);
      expect(enc.tokens).toEqual(c.tokens);
      expect(enc.attention_mask).toEqual(c.attention_mask);
      // The library returns token_type_ids from the TemplateProcessing post-processor when asked
      // (return_token_type_ids); the app may also derive them from the first [SEP]: both must agree.
      expect(enc.token_type_ids).toEqual(c.token_type_ids);
      expect(typesFromSep(c.input_ids, 3)).toEqual(c.token_type_ids);
    });
  }

  it('treats a literal [MASK] in the text as the mask token', () => {
    const enc = tokenizer.encode('the [MASK] sat');
    expect(enc.ids).toContain(4);
    expect(enc.ids[0]).toBe(2);
    expect(enc.ids[enc.ids.length - 1]).toBe(3);
  });
});
