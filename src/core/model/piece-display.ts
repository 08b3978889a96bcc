/**
 * Token pieces as a reader should see them. Decoder tokenizers store pieces in an encoding of their own:
 * - byte-level BPE (GPT-2, RoBERTa, Qwen): every byte is one printable character, so " cat" is "Ġcat",
 *   a newline "Ċ", and "é" two pieces "Ã" "©" (its UTF-8 bytes);
 * - SentencePiece (Llama, Mistral, T5): "▁" marks a word start, and a character missing from the
 *   vocabulary is spelled in byte pieces "<0x0A>".
 * Shown raw, that is noise to a reader. Readable form: the word-start space as "␣" (so word boundaries stay
 * visible), newline "↵", tab "⇥", other control bytes and bytes that are not a whole UTF-8 character as
 * "\xHH". WordPiece ("##ing") and special tokens are left as they are.
 */

export type PieceScheme = 'byte-level' | 'sentencepiece' | 'wordpiece' | 'other';

export const WORD_START = '␣';

function types(section: unknown): string[] {
  if (!section || typeof section !== 'object') return [];
  const record = section as Record<string, unknown>;
  const own = typeof record.type === 'string' ? [record.type] : [];
  const nested = ['pretokenizers', 'normalizers', 'decoders', 'processors'].flatMap((key) =>
    Array.isArray(record[key]) ? (record[key] as unknown[]).flatMap(types) : [],
  );
  return [...own, ...nested];
}

/** Which piece encoding a tokenizer.json uses, from its pre-tokenizer, normalizer, decoder and model. */
export function pieceScheme(tokenizerJson: Record<string, unknown>): PieceScheme {
  const model = (tokenizerJson.model ?? {}) as Record<string, unknown>;
  const all = [
    ...types(tokenizerJson.pre_tokenizer),
    ...types(tokenizerJson.decoder),
    ...types(tokenizerJson.normalizer),
  ];
  if (all.includes('ByteLevel')) return 'byte-level';
  const text = JSON.stringify([tokenizerJson.normalizer, tokenizerJson.pre_tokenizer, tokenizerJson.decoder]);
  if (all.includes('Metaspace') || all.includes('ByteFallback') || model.byte_fallback === true || text.includes('▁'))
    return 'sentencepiece';
  if (model.type === 'WordPiece') return 'wordpiece';
  return 'other';
}

let byteOfChar: Map<string, number> | null = null;

/** Inverse of GPT-2's bytes_to_unicode: printable character → byte. */
function byteLevelTable(): Map<string, number> {
  if (byteOfChar) return byteOfChar;
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  byteOfChar = new Map();
  let extra = 0;
  for (let b = 0; b < 256; b++) byteOfChar.set(String.fromCodePoint(printable(b) ? b : 256 + extra++), b);
  return byteOfChar;
}

const hexByte = (b: number) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Bytes as readable text: whole UTF-8 characters decoded, the rest as \xHH; whitespace made visible. */
export function readableBytes(bytes: readonly number[], wordStartMarker = true): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    const chunk = bytes.slice(i, i + length);
    const whole = length > 0 && chunk.length === length && chunk.slice(1).every((c) => c >= 0x80 && c < 0xc0);
    if (!whole) {
      out += hexByte(b);
      i++;
      continue;
    }
    if (length === 1) {
      if (b === 0x20) out += i === 0 && wordStartMarker ? WORD_START : ' ';
      else if (b === 0x0a) out += '↵';
      else if (b === 0x09) out += '⇥';
      else if (b === 0x0d) out += '\\r';
      else if (b < 0x20 || b === 0x7f) out += hexByte(b);
      else out += String.fromCharCode(b);
    } else {
      out += new TextDecoder().decode(Uint8Array.from(chunk));
    }
    i += length;
  }
  return out;
}

const SP_BYTE = /^<0x([0-9A-Fa-f]{2})>$/;

/** A piece in readable form (special tokens and pieces of other schemes unchanged). */
export function readablePiece(piece: string, scheme: PieceScheme, special = false): string {
  if (special || piece === '') return piece;
  if (scheme === 'byte-level') {
    const table = byteLevelTable();
    const bytes: number[] = [];
    for (const char of piece) {
      const b = table.get(char);
      if (b === undefined) return piece; // an added token that is not byte-encoded
      bytes.push(b);
    }
    return readableBytes(bytes);
  }
  if (scheme === 'sentencepiece') {
    const byte = SP_BYTE.exec(piece);
    if (byte) return readableBytes([parseInt(byte[1], 16)], false);
    return piece.replace(/^▁/, WORD_START).replaceAll('▁', ' ');
  }
  return piece;
}

/** True when a piece starts a word (the word-start space, or nothing before it but specials / line breaks). */
export function startsWord(piece: string, scheme: PieceScheme): boolean {
  if (scheme === 'byte-level') return piece.startsWith('Ġ') || piece.startsWith('Ċ');
  if (scheme === 'sentencepiece') return piece.startsWith('▁') || piece === '<0x0A>';
  return true;
}

/**
 * Which pieces continue the word before them, for byte-level and SentencePiece pieces: not at a word
 * start, and preceded by a text piece that is not a line break or a space. (WordPiece marks its own with "##".)
 */
export function continuationFlags(
  pieces: readonly string[],
  special: readonly boolean[],
  scheme: PieceScheme,
): boolean[] {
  return pieces.map((piece, i) => {
    if (special[i] || i === 0 || special[i - 1]) return false;
    if (startsWord(piece, scheme)) return false;
    const previous = readablePiece(pieces[i - 1], scheme);
    return !previous.endsWith('↵') && !previous.endsWith(' ') && previous !== WORD_START;
  });
}

/**
 * The word a vocabulary piece stands for, for word-level tools (analogies, neighbours): byte-level and
 * SentencePiece vocabularies hold most words twice, as a word-start piece ("Ġking", "▁king") and as a bare
 * piece used inside words or at the very start of a text ("king"). The word-start piece is the word; the
 * bare one is not a whole word. Null for pieces that are not a whole word.
 */
export function wordOfPiece(piece: string, scheme: PieceScheme): string | null {
  const marker = scheme === 'byte-level' ? 'Ġ' : scheme === 'sentencepiece' ? '▁' : null;
  if (marker === null) return piece.length > 0 && !piece.startsWith('##') ? piece : null;
  if (!piece.startsWith(marker)) return null;
  const word = piece.slice(marker.length);
  return /^\p{L}[\p{L}\p{M}'’-]*$/u.test(word) ? word : null;
}
