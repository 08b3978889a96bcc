/**
 * tokenizer.json fixtures in the two shapes decoder repos ship, written for these tests (no hub here):
 * - byte-level BPE as GPT-2 has it: every byte is a printable symbol (space → Ġ, newline → Ċ), one
 *   <|endoftext|> token that is BOS, EOS and unknown at once, no padding token, no BOS added;
 * - SentencePiece-style BPE as Llama has it: "▁" marks a word start, bytes missing from the vocabulary
 *   fall back to <0x0A>-style pieces, <s> is added in front of every text (tokenizer_config add_bos_token).
 * Merges are prefix merges per word (Ġc, Ġca, Ġcat), word-start words first, so every listed word is one piece.
 */

/** Words that become single pieces (with and without the word-start marker). */
export const DECODER_WORDS = [
  'the',
  'a',
  'cat',
  'dog',
  'sat',
  'on',
  'mat',
  'is',
  'was',
  'and',
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
  'it',
  'of',
  'to',
  'in',
] as const;

/** GPT-2's map from bytes to printable characters (bytes that print stay, the others move past 255). */
export function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  return map;
}

/** Prefix merges that build `word` one symbol at a time from its first symbol. */
function prefixMerges(symbols: string[]): string[] {
  const merges: string[] = [];
  let left = symbols[0];
  for (const next of symbols.slice(1)) {
    merges.push(`${left} ${next}`);
    left += next;
  }
  return merges;
}

function addMerges(vocab: Record<string, number>, merges: string[], words: string[][]): void {
  for (const symbols of words) {
    for (const merge of prefixMerges(symbols)) {
      if (merges.includes(merge)) continue;
      merges.push(merge);
      const piece = merge.replace(' ', '');
      if (!(piece in vocab)) vocab[piece] = Object.keys(vocab).length;
    }
  }
}

export const GPT2_EOS = '<|endoftext|>';

/** GPT-2 style byte-level BPE: 256 byte symbols, the merges, then <|endoftext|> last (as GPT-2 has it). */
export function byteLevelBpeTokenizerJson(): Record<string, unknown> {
  const bytes = byteToUnicode();
  const vocab: Record<string, number> = {};
  for (const symbol of bytes) vocab[symbol] = Object.keys(vocab).length;
  const merges: string[] = [];
  const space = bytes[32]; // Ġ
  addMerges(
    vocab,
    merges,
    DECODER_WORDS.map((word) => [space, ...word]),
  );
  addMerges(
    vocab,
    merges,
    DECODER_WORDS.map((word) => [...word]),
  );
  vocab[GPT2_EOS] = Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: vocab[GPT2_EOS],
        content: GPT2_EOS,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/** tokenizer_config.json of GPT-2: no BOS added, no pad token. */
export function byteLevelTokenizerConfig(): Record<string, unknown> {
  return {
    add_bos_token: false,
    add_prefix_space: false,
    bos_token: GPT2_EOS,
    eos_token: GPT2_EOS,
    unk_token: GPT2_EOS,
    model_max_length: 1024,
    tokenizer_class: 'GPT2Tokenizer',
  };
}

const SP_SPECIALS = ['<unk>', '<s>', '</s>'];
const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/** Llama style SentencePiece BPE: <unk> <s> </s>, 256 byte pieces, letters, ▁ words; BOS added by the template. */
export function sentencePieceTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (const token of SP_SPECIALS) vocab[token] = Object.keys(vocab).length;
  for (let b = 0; b < 256; b++) vocab[hex(b)] = Object.keys(vocab).length;
  for (const symbol of ['▁', ...'abcdefghijklmnopqrstuvwxyz.,!?']) vocab[symbol] = Object.keys(vocab).length;
  const merges: string[] = [];
  addMerges(
    vocab,
    merges,
    DECODER_WORDS.map((word) => ['▁', ...word]),
  );
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SP_SPECIALS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '<s>', type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges,
    },
  };
}

/** tokenizer_config.json of a Llama model: BOS added, no pad token. */
export function sentencePieceTokenizerConfig(): Record<string, unknown> {
  return {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: null,
    model_max_length: 2048,
    tokenizer_class: 'LlamaTokenizer',
  };
}

export const vocabSizeOf = (tokenizerJson: Record<string, unknown>): number =>
  Object.keys((tokenizerJson.model as { vocab: Record<string, number> }).vocab).length;
