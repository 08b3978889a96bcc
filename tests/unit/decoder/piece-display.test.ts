/**
 * Decoder tokenizers' pieces shown readably: byte-level BPE (Ġ, Ċ, UTF-8 split over bytes) and
 * SentencePiece (▁, <0x0A> byte fallback); BOS added when tokenizer_config.json says so; word continuations.
 */
import { describe, expect, it } from 'vitest';
import { pieceScheme, readableBytes, readablePiece, wordOfPiece } from '../../../src/core/model/piece-display';
import { ModelTokenizer } from '../../../src/core/model/tokenizer';
import {
  byteLevelBpeTokenizerJson,
  byteLevelTokenizerConfig,
  sentencePieceTokenizerConfig,
  sentencePieceTokenizerJson,
} from '../../helpers/decoder-tokenizers';
import { tinyTokenizerJson } from '../../helpers/onnx-tiny-tokenizer';

const TEXT = 'the cat sat\nKing é';

describe('readable pieces', () => {
  it('byte-level BPE (GPT-2): Ġ as a visible word-start space, Ċ as ↵, split UTF-8 bytes as \\xHH; no BOS', () => {
    const tokenizer = new ModelTokenizer(
      JSON.stringify(byteLevelBpeTokenizerJson()),
      JSON.stringify(byteLevelTokenizerConfig()),
    );
    expect(tokenizer.scheme).toBe('byte-level');
    const encoded = tokenizer.encode(TEXT);
    expect(encoded.pieces).toEqual(['the', 'Ġcat', 'Ġsat', 'Ċ', 'K', 'in', 'g', 'Ġ', 'Ã', '©']);
    expect(encoded.tokens).toEqual(['the', '␣cat', '␣sat', '↵', 'K', 'in', 'g', '␣', '\\xC3', '\\xA9']);
    expect(encoded.continuation).toEqual([false, false, false, false, false, true, true, false, false, true]);
    expect(encoded.special.every((s) => !s)).toBe(true);
    expect(tokenizer.bosTokenId).toBeNull();
    expect(tokenizer.padTokenId).toBeNull();
    expect(tokenizer.displayToken(tokenizer.tokenToId('Ġking')!)).toBe('␣king');
    // The end-of-text token is special: shown as it is.
    expect(tokenizer.displayToken(tokenizer.tokenToId('<|endoftext|>')!)).toBe('<|endoftext|>');
  });

  it('SentencePiece (Llama): ▁ as a visible word-start space, <0x0A> as ↵, byte pieces decoded; <s> added', () => {
    const tokenizer = new ModelTokenizer(
      JSON.stringify(sentencePieceTokenizerJson()),
      JSON.stringify(sentencePieceTokenizerConfig()),
    );
    expect(tokenizer.scheme).toBe('sentencepiece');
    const encoded = tokenizer.encode(TEXT);
    expect(encoded.pieces).toEqual([
      '<s>',
      '▁the',
      '▁cat',
      '▁sat',
      '<0x0A>',
      '<0x4B>',
      'i',
      'n',
      'g',
      '▁',
      '<0xC3>',
      '<0xA9>',
    ]);
    expect(encoded.tokens).toEqual(['<s>', '␣the', '␣cat', '␣sat', '↵', 'K', 'i', 'n', 'g', '␣', '\\xC3', '\\xA9']);
    expect(encoded.special[0]).toBe(true);
    expect(encoded.continuation).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
    expect(tokenizer.bosTokenId).toBe(1);
  });

  it('adds BOS when tokenizer_config.json says add_bos_token and the template does not', () => {
    const json = sentencePieceTokenizerJson();
    const withoutTemplate = { ...json, post_processor: null };
    const config = JSON.stringify(sentencePieceTokenizerConfig());
    expect(new ModelTokenizer(JSON.stringify(withoutTemplate), config).encode('the cat').pieces).toEqual([
      '<s>',
      '▁the',
      '▁cat',
    ]);
    const noBos = JSON.stringify({ ...sentencePieceTokenizerConfig(), add_bos_token: false });
    expect(new ModelTokenizer(JSON.stringify(withoutTemplate), noBos).encode('the cat').pieces).toEqual([
      '▁the',
      '▁cat',
    ]);
    // With the template adding it too, it is not doubled.
    expect(new ModelTokenizer(JSON.stringify(json), config).encode('the cat').pieces).toEqual(['<s>', '▁the', '▁cat']);
  });

  it('leaves WordPiece pieces as they are', () => {
    expect(pieceScheme(tinyTokenizerJson())).toBe('wordpiece');
    expect(readablePiece('##ing', 'wordpiece')).toBe('##ing');
    const tokenizer = new ModelTokenizer(JSON.stringify(tinyTokenizerJson()), null);
    const encoded = tokenizer.encode('the cat walking');
    expect(encoded.tokens).toEqual(encoded.pieces);
  });

  it('decodes whole UTF-8 characters inside one piece and marks stray bytes', () => {
    expect(readableBytes([0x20, 0xc3, 0xa9, 0x74, 0xc3])).toBe('␣ét\\xC3');
    expect(readableBytes([0x09, 0x00])).toBe('⇥\\x00');
  });
});

describe('decode', () => {
  it('joins byte-level and byte-fallback pieces back into the text', () => {
    const gpt2 = new ModelTokenizer(
      JSON.stringify(byteLevelBpeTokenizerJson()),
      JSON.stringify(byteLevelTokenizerConfig()),
    );
    expect(gpt2.decode(gpt2.encode(TEXT).ids)).toBe(TEXT);
    const llama = new ModelTokenizer(
      JSON.stringify(sentencePieceTokenizerJson()),
      JSON.stringify(sentencePieceTokenizerConfig()),
    );
    expect(llama.decode(llama.encode(TEXT).ids, true)).toBe(TEXT);
  });
});

describe('words of pieces (for analogies)', () => {
  it('takes word-start pieces as words and leaves bare and byte pieces out', () => {
    expect(wordOfPiece('Ġking', 'byte-level')).toBe('king');
    expect(wordOfPiece('king', 'byte-level')).toBeNull();
    expect(wordOfPiece('Ġ', 'byte-level')).toBeNull();
    expect(wordOfPiece('Ġ123', 'byte-level')).toBeNull();
    expect(wordOfPiece('▁queen', 'sentencepiece')).toBe('queen');
    expect(wordOfPiece('<0x0A>', 'sentencepiece')).toBeNull();
    expect(wordOfPiece('walk', 'wordpiece')).toBe('walk');
    expect(wordOfPiece('##ing', 'wordpiece')).toBeNull();
  });
});
