/**
 * Words a presenter keeps off the screen. Vectors trained on old or web text rank slurs and stereotypes
 * among the answers of ordinary analogies (that bias is itself worth teaching, see the tool's note), and a
 * classroom needs a way to show the method without projecting them. Hiding happens after ranking: the
 * ranks and scores of the remaining words are unchanged, and the number of hidden answers is always shown,
 * so nothing is hidden without the audience being told.
 */
import {
  MAX_HIDDEN_WORD_LENGTH,
  MAX_HIDDEN_WORDS,
  type AnalogyPicture,
  type AnalogySpaceAnswer,
  type NeighbourAnswer,
} from '../contracts/analogy';

// Enough for a list of terms and their variants; a longer list would be a filter, which this is not.
export { MAX_HIDDEN_WORDS, MAX_HIDDEN_WORD_LENGTH };

/** How a word is compared with the list: lower case, without a word-piece or word-start mark. */
export function hiddenWordKey(word: string): string {
  return word
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/^(##|␣|Ġ|▁)/u, '');
}

/** The list as typed (commas, semicolons or lines between words), each word once, in order, within the bounds. */
export function parseHiddenWords(text: string): string[] {
  const words: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/[,;\n]/u)) {
    const word = raw.trim().slice(0, MAX_HIDDEN_WORD_LENGTH);
    const key = hiddenWordKey(word);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    words.push(word);
    if (words.length >= MAX_HIDDEN_WORDS) break;
  }
  return words;
}

/** The ranked words with the hidden ones left out, cut to `k`, and how many were left out above that cut. */
export function withoutHidden<T extends { word: string }>(
  ranked: readonly T[],
  hidden: readonly string[],
  k: number,
): { shown: T[]; hiddenCount: number } {
  const keys = new Set(hidden.map(hiddenWordKey));
  const shown: T[] = [];
  let hiddenCount = 0;
  for (const item of ranked) {
    if (shown.length >= k) break;
    if (keys.has(hiddenWordKey(item.word))) hiddenCount++;
    else shown.push(item);
  }
  return { shown, hiddenCount };
}

/** An analogy answer as shown: hidden words out of its candidates and out of its picture. */
export function hideInAnswer(
  answer: AnalogySpaceAnswer,
  hidden: readonly string[],
  k: number,
): AnalogySpaceAnswer & { hiddenCount: number } {
  if (!answer.ok) return { ...answer, hiddenCount: 0 };
  const { shown, hiddenCount } = withoutHidden(answer.candidates, hidden, k);
  return { ...answer, candidates: shown, picture: hideInPicture(answer.picture, hidden), hiddenCount };
}

/** Nearest neighbours as shown, the same way. */
export function hideInNeighbours(
  answer: NeighbourAnswer,
  hidden: readonly string[],
  k: number,
): NeighbourAnswer & { hiddenCount: number } {
  if (!answer.ok) return { ...answer, hiddenCount: 0 };
  const { shown, hiddenCount } = withoutHidden(answer.neighbours, hidden, k);
  return { ...answer, neighbours: shown, hiddenCount };
}

/**
 * The picture without hidden answer and candidate points (a, b, c and the target are the user's own words).
 * When the answer itself is hidden, the first candidate left becomes d, as it heads the list shown.
 */
function hideInPicture(picture: AnalogyPicture | null, hidden: readonly string[]): AnalogyPicture | null {
  if (!picture || hidden.length === 0) return picture;
  const keys = new Set(hidden.map(hiddenWordKey));
  const points = picture.points.filter(
    (point) => !((point.role === 'answer' || point.role === 'candidate') && keys.has(hiddenWordKey(point.label))),
  );
  if (!points.some((point) => point.role === 'answer')) {
    const first = points.findIndex((point) => point.role === 'candidate');
    if (first >= 0) points[first] = { ...points[first], role: 'answer' };
  }
  return { ...picture, points };
}
