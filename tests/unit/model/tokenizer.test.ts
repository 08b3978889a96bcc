import { describe, expect, it } from 'vitest';
import { ModelTokenizer, unknownCharactersNote } from '../../../src/core/model/tokenizer';
import { tinyBpeTokenizerJson, tinyTokenizerJson } from '../../helpers/onnx-tiny-tokenizer';

describe('ModelTokenizer', () => {
  it('encodes WordPiece with special tokens, pieces and segment ids', () => {
    const tokenizer = new ModelTokenizer(JSON.stringify(tinyTokenizerJson()), '{"mask_token": "[MASK]"}');
    const single = tokenizer.encode('the cat');
    expect(single.tokens[0]).toBe('[CLS]');
    expect(single.tokens.at(-1)).toBe('[SEP]');
    expect(single.special[0]).toBe(true);
    expect(single.typeIds.every((t) => t === 0)).toBe(true);
    const pair = tokenizer.encode('the cat', 'the dog');
    const firstB = pair.typeIds.indexOf(1);
    expect(firstB).toBeGreaterThan(0);
    expect(pair.tokens[firstB - 1]).toBe('[SEP]');
    expect(tokenizer.maskTokenId).toBe(tokenizer.tokenToId('[MASK]'));
  });

  it('encodes byte-level BPE (RoBERTa layout) with its own special tokens', () => {
    const tokenizer = new ModelTokenizer(JSON.stringify(tinyBpeTokenizerJson()), null);
    const encoded = tokenizer.encode('the cat sat');
    expect(encoded.pieces).toEqual(['<s>', 'the', 'Ġcat', 'Ġsat', '</s>']);
    // Shown readably: the byte-level word-start space as a visible ␣ (piece-display.ts).
    expect(encoded.tokens).toEqual(['<s>', 'the', '␣cat', '␣sat', '</s>']);
    expect(encoded.special).toEqual([true, false, false, false, true]);
    expect(encoded.continuation.every((c) => !c)).toBe(true);
    expect(tokenizer.maskToken).toBe('<mask>');
  });

  it('truncates the longer segment first and keeps the special tokens, saying how long it was', () => {
    const tokenizer = new ModelTokenizer(JSON.stringify(tinyTokenizerJson()), null);
    const full = tokenizer.encode('the cat sat on the mat', 'the dog');
    const cut = tokenizer.encode('the cat sat on the mat', 'the dog', full.ids.length - 3);
    expect(cut.ids.length).toBe(full.ids.length - 3);
    expect(cut.untruncatedLength).toBe(full.ids.length);
    expect(cut.special.filter(Boolean).length).toBe(full.special.filter(Boolean).length);
    expect(cut.typeIds.filter((t) => t === 1).length).toBe(full.typeIds.filter((t) => t === 1).length);
  });

  it('counts [UNK] as text, so it is truncated like any word and not shown as a special token', () => {
    const tokenizer = new ModelTokenizer(JSON.stringify(tinyTokenizerJson()), null);
    const text = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'qqqzzz' : 'the')).join(' ');
    const full = tokenizer.encode(text);
    const unk = tokenizer.tokenToId('[UNK]');
    expect(full.ids.filter((id) => id === unk).length).toBe(20);
    expect(full.special.filter(Boolean).length).toBe(2);
    const cut = tokenizer.encode(text, null, 16);
    expect(cut.ids.length).toBe(16);
    expect(cut.tokens[0]).toBe('[CLS]');
    expect(cut.tokens.at(-1)).toBe('[SEP]');
  });

  it('names the characters that become [UNK] (emoji, CJK), each once, and none for a text it can spell', () => {
    const tokenizer = new ModelTokenizer(JSON.stringify(tinyTokenizerJson()), null);
    expect(tokenizer.unknownCharacters('the cat sat')).toEqual([]);
    expect(tokenizer.encode('the 🙂 cat 猫 🙂').tokens).toContain('[UNK]');
    expect(tokenizer.unknownCharacters('the 🙂 cat 猫 🙂')).toEqual(['🙂', '猫']);
    const note = unknownCharactersNote(tokenizer.unknownCharacters('the 🙂 cat 猫'), '[UNK]');
    expect(note).toMatch(/^Not in this model's vocabulary: "🙂", "猫"\. They become \[UNK\]/);
    expect(unknownCharactersNote([], '[UNK]')).toBeNull();
  });

  it('rejects files that are not Hugging Face tokenizers with a clear message', () => {
    expect(() => new ModelTokenizer('{"model": {"type": "WordPiece", "vocab": ', null)).toThrow(
      /tokenizer\.json is not valid JSON/,
    );
    expect(() => new ModelTokenizer('[1, 2]', null)).toThrow(/tokenizer\.json must hold a JSON object/);
    expect(() => new ModelTokenizer('{"hello": "world"}', null)).toThrow(/no "model" section/);
  });
});
