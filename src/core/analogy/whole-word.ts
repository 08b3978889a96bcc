/**
 * Which vocabulary entries count as whole words (eligible analogy answers): not a WordPiece continuation
 * ("##ing") and not a bracketed special token such as [CLS], [SEP], [PAD], [MASK], [UNK] or [unused17].
 */
const SPECIAL_TOKEN = /^\[[^\]\s]+\]$/;

export function isWholeWordToken(token: string): boolean {
  return token.length > 0 && !token.startsWith('##') && !SPECIAL_TOKEN.test(token);
}
