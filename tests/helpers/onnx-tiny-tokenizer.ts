/** The tiny model's WordPiece vocabulary and a Hugging Face tokenizer.json for it. */

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const WORDS = [
  '.',
  ',',
  '!',
  '?',
  'the',
  'a',
  'is',
  'was',
  'of',
  'and',
  'to',
  'in',
  'on',
  'it',
  'this',
  'i',
  'cat',
  'dog',
  'sat',
  'mat',
  'king',
  'queen',
  'man',
  'woman',
  'paris',
  'france',
  'berlin',
  'germany',
  'good',
  'bad',
  'great',
  'movie',
  'film',
  'love',
  'hate',
  'play',
  'walk',
  '##s',
  '##ing',
  '##ed',
];

export const TINY_VOCAB: readonly string[] = [...SPECIAL_TOKENS, ...WORDS];

const idOf = (token: string) => TINY_VOCAB.indexOf(token);

/** TINY_VOCAB followed by [unused0], [unused1], … up to `size` entries (for models with a real-size embedding table). */
export function paddedTinyVocab(size: number): readonly string[] {
  if (size <= TINY_VOCAB.length) return TINY_VOCAB;
  return [...TINY_VOCAB, ...Array.from({ length: size - TINY_VOCAB.length }, (_, i) => `[unused${i}]`)];
}

export function tinyTokenizerJson(vocab: readonly string[] = TINY_VOCAB): Record<string, unknown> {
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [idOf('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [idOf('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, id) => [token, id])),
    },
  };
}

/** A byte-level BPE tokenizer (GPT-2 / RoBERTa style) with a handful of merges, written for this test. */
export function tinyBpeTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3, '<mask>': 4 };
  for (const piece of ['t', 'h', 'e', 'c', 'a', 's', 'Ġ', 'th', 'the', 'Ġc', 'Ġca', 'Ġcat', 'at', 'Ġs', 'Ġsat'])
    vocab[piece] = Object.keys(vocab).length;
  return {
    version: '1.0',
    added_tokens: ['<s>', '<pad>', '</s>', '<unk>', '<mask>'].map((content, id) => ({
      id,
      content,
      special: true,
      single_word: false,
      lstrip: content === '<mask>',
      rstrip: false,
      normalized: false,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['</s>', 2],
      cls: ['<s>', 0],
      trim_offsets: true,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      vocab,
      merges: ['t h', 'th e', 'Ġ c', 'Ġc a', 'a t', 'Ġca t', 'Ġ s', 'Ġs at'],
    },
  };
}
