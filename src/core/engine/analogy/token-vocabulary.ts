import { isWholeWordToken } from '../../analogy';
import { wordOfPiece } from '../../model/piece-display';
import type { PreparedModel } from '../model/prepare-model';

/**
 * Labels of the token-embedding rows and which of them are whole words. WordPiece: the pieces as they are,
 * "##" pieces not whole words. Byte-level BPE and SentencePiece (decoders): the word-start piece ("Ġking",
 * "▁king") is the word "king"; other pieces (the bare "king" used inside words, bytes) are not whole words
 * and are labelled "…" + their readable form, so they never shadow the word.
 */
export function tokenVocabulary(
  tokenizer: PreparedModel['tokenizer'],
  rows: number,
): { vocabulary: string[]; flags: Uint8Array } {
  const scheme = tokenizer.scheme;
  const pieceWords = scheme === 'byte-level' || scheme === 'sentencepiece';
  const vocabulary: string[] = [];
  const flags = new Uint8Array(rows);
  const seen = new Set<string>();
  for (let id = 0; id < rows; id++) {
    if (id >= tokenizer.vocabSize) {
      vocabulary.push(`[${id}]`);
      continue;
    }
    const piece = tokenizer.idToToken(id);
    const special = tokenizer.isSpecialId(id);
    if (!pieceWords) {
      vocabulary.push(piece);
      flags[id] = isWholeWordToken(piece) && !special ? 1 : 0;
      continue;
    }
    const word = special ? null : wordOfPiece(piece, scheme);
    const label = word !== null && !seen.has(word) ? word : `…${tokenizer.displayToken(id)}`;
    seen.add(label);
    vocabulary.push(label);
    flags[id] = word !== null && label === word ? 1 : 0;
  }
  return { vocabulary, flags };
}
