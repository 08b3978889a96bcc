import { Tokenizer } from '@huggingface/tokenizers';
import { ModelLoadError } from './errors';
import { continuationFlags, pieceScheme, readablePiece, type PieceScheme } from './piece-display';

export interface EncodedText {
  ids: number[];
  /** The pieces in readable form (byte-level "Ġcat" → "␣cat", "<0x0A>" → "↵"; see piece-display.ts). */
  tokens: string[];
  /** The pieces as the vocabulary spells them (always set by ModelTokenizer; optional for hand-made encodings in tests). */
  pieces?: string[];
  /** 0 for segment A (and its special tokens), 1 for segment B. */
  typeIds: number[];
  attentionMask: number[];
  /** True for tokens the tokenizer added ([CLS], [SEP], <s>, …). */
  special: boolean[];
  /** True for word pieces that continue the previous word ("##ing"). */
  continuation: boolean[];
  /** Token count before truncation; equals ids.length when nothing was cut. */
  untruncatedLength: number;
}

/** The note shown beside a text some of whose characters became the unknown token (see unknownCharacters). */
export function unknownCharactersNote(characters: readonly string[], unkToken: string): string | null {
  if (characters.length === 0) return null;
  const listed = characters.map((c) => `"${c}"`).join(', ');
  return `Not in this model's vocabulary: ${listed}. ${characters.length === 1 ? 'It becomes' : 'They become'} ${unkToken} (a word containing one becomes ${unkToken} as a whole), a single token the model reads the same for every unknown word.`;
}

/** The model's own tokenizer, read from its tokenizer.json by @huggingface/tokenizers. */
export class ModelTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly specialIds: Set<number>;
  private readonly continuationPrefix: string | null;
  readonly vocabSize: number;
  readonly maskToken: string | null;
  readonly maskTokenId: number | null;
  /** How pieces are spelled (byte-level, SentencePiece, WordPiece), for showing them readably. */
  readonly scheme: PieceScheme;
  /** Prepended to every text when tokenizer_config.json says add_bos_token and the tokenizer.json template does not add it. */
  readonly bosTokenId: number | null;
  /** The padding token, null when the tokenizer has none (GPT-2, Llama): batches are then padded with an id the mask hides. */
  readonly padTokenId: number | null;
  /** The end-of-text token from tokenizer_config.json (continuations stop at it), null when not given. */
  readonly eosTokenId: number | null;
  /** The unknown token ([UNK]) that characters outside the vocabulary become; null for byte-level tokenizers, which have none. */
  readonly unkTokenId: number | null;

  constructor(tokenizerJsonText: string, tokenizerConfigText: string | null) {
    const tokenizerJson = parseJsonObject(tokenizerJsonText, 'tokenizer.json');
    const config = tokenizerConfigText === null ? {} : parseJsonObject(tokenizerConfigText, 'tokenizer_config.json');
    const model = tokenizerJson.model as Record<string, unknown> | undefined;
    if (!model || typeof model !== 'object' || (typeof model.type !== 'string' && !model.vocab)) {
      throw new ModelLoadError(
        'tokenizer.json has no "model" section with a vocabulary: it is not a Hugging Face tokenizer file.',
        'tokenizer',
      );
    }
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, config);
    } catch (error) {
      throw new ModelLoadError(`tokenizer.json could not be read: ${(error as Error).message}`, 'tokenizer');
    }
    this.specialIds = new Set(
      [...this.tokenizer.get_added_tokens_decoder()].filter(([, token]) => token.special).map(([id]) => id),
    );
    this.continuationPrefix =
      typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : null;
    const vocab = this.tokenizer.get_vocab(true);
    this.vocabSize = vocab.size === 0 ? 0 : Math.max(...vocab.values()) + 1;
    this.maskToken = findMaskToken(config, vocab);
    this.maskTokenId = this.maskToken === null ? null : (vocab.get(this.maskToken) ?? null);
    this.scheme = pieceScheme(tokenizerJson);
    const bos = config.add_bos_token === true ? tokenName(config.bos_token) : null;
    this.bosTokenId = bos !== null ? (vocab.get(bos) ?? null) : null;
    const pad = tokenName(config.pad_token);
    this.padTokenId = pad !== null ? (vocab.get(pad) ?? null) : null;
    const eos = tokenName(config.eos_token);
    this.eosTokenId = eos !== null ? (vocab.get(eos) ?? null) : null;
    const unk = typeof model.unk_token === 'string' ? model.unk_token : null;
    this.unkTokenId = unk !== null ? (vocab.get(unk) ?? null) : null;
  }

  /**
   * The characters of `text` that the vocabulary cannot spell and that become the unknown token (emoji, CJK
   * in an English vocabulary), each once, in order, at most `limit`: the model reads them all as one and the
   * same token, which a user should be told rather than left to guess.
   */
  unknownCharacters(text: string, limit = 12): string[] {
    const unk = this.unkTokenId;
    if (unk === null || !this.tokenizer.encode(text, { add_special_tokens: false }).ids.includes(unk)) return [];
    // Word by word (a word the vocabulary cannot piece together becomes one unknown token), then the characters
    // of such a word that are unknown on their own: those are what the vocabulary lacks.
    const found = new Set<string>();
    const isUnknown = (piece: string) => this.tokenizer.encode(piece, { add_special_tokens: false }).ids.includes(unk);
    for (const word of new Set(text.split(/\s+/u))) {
      if (word === '' || !isUnknown(word)) continue;
      for (const char of word) {
        if (!found.has(char) && isUnknown(char)) found.add(char);
        if (found.size >= limit) return [...found];
      }
    }
    return [...found];
  }

  /** A vocabulary piece in readable form (as EncodedText.tokens shows it). */
  displayToken(id: number): string {
    return readablePiece(this.idToToken(id), this.scheme, this.specialIds.has(id));
  }

  idToToken(id: number): string {
    return this.tokenizer.id_to_token(id) ?? `[${id}]`;
  }

  /** Token ids back to text, as the tokenizer's decoder joins them (byte-level and byte-fallback pieces become characters). */
  decode(ids: readonly number[], skipSpecialTokens = false): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: skipSpecialTokens });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** The special tokens with their ids: the added ones the tokenizer marks special, and the mask, BOS, EOS and padding tokens. */
  specialTokens(): { token: string; id: number }[] {
    const ids = new Set(this.specialIds);
    for (const id of [this.maskTokenId, this.bosTokenId, this.eosTokenId, this.padTokenId])
      if (id !== null) ids.add(id);
    return [...ids].sort((a, b) => a - b).map((id) => ({ token: this.idToToken(id), id }));
  }

  isSpecialId(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** Word pieces of one word, without special tokens. */
  pieces(word: string): { ids: number[]; tokens: string[] } {
    const encoded = this.tokenizer.encode(word, { add_special_tokens: false });
    return { ids: encoded.ids, tokens: encoded.tokens };
  }

  /**
   * Encodes a text or a text pair with special tokens. When the result exceeds `maxLength` the
   * longer segment loses its last tokens first (as Hugging Face's "longest_first"); special tokens stay.
   */
  encode(text: string, pair: string | null = null, maxLength = Infinity): EncodedText {
    const encoded = this.withBos(
      this.tokenizer.encode(text, {
        text_pair: pair,
        add_special_tokens: true,
        return_token_type_ids: true,
      }),
    );
    const contentA = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const contentB = pair === null ? [] : this.tokenizer.encode(pair, { add_special_tokens: false }).ids;
    const segments = contentSegments(encoded.ids, contentA, contentB);
    const typeIds = encoded.token_type_ids ?? deriveTypeIds(segments);
    const keep = truncationMask(segments, maxLength);
    const pick = <T>(values: T[]) => values.filter((_, i) => keep[i]);
    const ids = pick(encoded.ids);
    const pieces = pick(encoded.tokens);
    const special = pick(segments).map((segment) => segment === -1);
    const prefix = this.continuationPrefix;
    const continuation =
      this.scheme === 'byte-level' || this.scheme === 'sentencepiece'
        ? continuationFlags(pieces, special, this.scheme)
        : pieces.map((piece) => prefix !== null && prefix !== '' && piece.startsWith(prefix));
    return {
      ids,
      tokens: pieces.map((piece, i) => readablePiece(piece, this.scheme, special[i])),
      pieces,
      typeIds: pick(typeIds),
      attentionMask: ids.map(() => 1),
      special,
      continuation,
      untruncatedLength: encoded.ids.length,
    };
  }

  /** The BOS token in front when the config asks for it and the tokenizer.json template did not add it. */
  private withBos<T extends { ids: number[]; tokens: string[]; token_type_ids?: number[] }>(encoded: T): T {
    const bos = this.bosTokenId;
    if (bos === null || encoded.ids[0] === bos) return encoded;
    return {
      ...encoded,
      ids: [bos, ...encoded.ids],
      tokens: [this.idToToken(bos), ...encoded.tokens],
      token_type_ids: encoded.token_type_ids ? [0, ...encoded.token_type_ids] : undefined,
    };
  }
}

/**
 * Which positions of the full encoding are text (segment 0 or 1) and which the post-processor added
 * (-1), found by aligning the full ids with the segments encoded without special tokens. Tokens such
 * as [UNK] are text here even though the tokenizer lists them as special.
 */
function contentSegments(ids: number[], contentA: number[], contentB: number[]): number[] {
  const content = [...contentA, ...contentB];
  let next = 0;
  return ids.map((id) => {
    if (next < content.length && id === content[next]) return next++ < contentA.length ? 0 : 1;
    return -1;
  });
}

/** Segment ids for tokenizers that do not report them: B from its first text token on. */
function deriveTypeIds(segments: number[]): number[] {
  let inB = false;
  return segments.map((segment) => {
    if (segment === 1) inB = true;
    return inB ? 1 : 0;
  });
}

/** Longest segment loses its last text tokens first (Hugging Face's "longest_first"); added tokens stay. */
function truncationMask(segments: number[], maxLength: number): boolean[] {
  const keep = segments.map(() => true);
  let excess = segments.length - maxLength;
  if (excess <= 0) return keep;
  const bySegment: number[][] = [[], []];
  segments.forEach((segment, i) => {
    if (segment >= 0) bySegment[segment].push(i);
  });
  while (excess > 0) {
    const [a, b] = bySegment;
    const longer = b.length > a.length ? b : a;
    const index = longer.pop();
    if (index === undefined) break;
    keep[index] = false;
    excess--;
  }
  return keep;
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(`${file} is not valid JSON (${(error as Error).message}).`, 'tokenizer');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ModelLoadError(`${file} must hold a JSON object.`, 'tokenizer');
  }
  return parsed as Record<string, unknown>;
}

/** A special token's text from tokenizer_config.json: a string, or an AddedToken object's content. */
function tokenName(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string')
    return (value as { content: string }).content;
  return null;
}

function findMaskToken(config: Record<string, unknown>, vocab: Map<string, number>): string | null {
  const configured = config.mask_token;
  const name =
    typeof configured === 'string'
      ? configured
      : configured &&
          typeof configured === 'object' &&
          typeof (configured as { content?: unknown }).content === 'string'
        ? (configured as { content: string }).content
        : null;
  if (name && vocab.has(name)) return name;
  for (const candidate of ['[MASK]', '<mask>']) if (vocab.has(candidate)) return candidate;
  return null;
}
