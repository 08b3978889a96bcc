/**
 * The order in which the label tool shows an audit's rows for review: flagged rows first (most likely
 * mislabeled first), then the rest by label quality, narrowed by the review filters. A pure function of the
 * audit output, so the order is tested without a page.
 */
import type { LabelAuditOutput } from '../contracts/labels';

export interface ReviewFilter {
  /** Only the flagged rows. */
  flaggedOnly: boolean;
  /** A given-label class id, or -1 for any. */
  given: number;
  /** A suggested-label class id, or -1 for any. */
  suggested: number;
  /** Text the row must contain (case-insensitive); blank for any. */
  search: string;
}

type Ranked = Pick<
  LabelAuditOutput,
  'rows' | 'ranking' | 'qualityScores' | 'isIssue' | 'givenLabels' | 'suggestedLabels'
>;

/**
 * Row indices in review order. `lowerTexts` gives the rows' texts lower-cased; it is only called when there is
 * a search, so the lower-cased copy is built on the first search rather than for every audit.
 */
export function reviewOrder(result: Ranked, filter: ReviewFilter, lowerTexts: () => readonly string[]): Int32Array {
  const { ranking, qualityScores, isIssue, givenLabels, suggestedLabels } = result;
  const rest: number[] = [];
  for (let i = 0; i < result.rows; i++) if (!isIssue[i]) rest.push(i);
  rest.sort((a, b) => qualityScores[a] - qualityScores[b] || a - b);
  const all = [...ranking, ...(filter.flaggedOnly ? [] : rest)];
  const { given, suggested } = filter;
  const needle = filter.search.trim().toLowerCase();
  const texts = needle === '' ? [] : lowerTexts();
  const kept = all.filter(
    (i) =>
      (given < 0 || givenLabels[i] === given) &&
      (suggested < 0 || suggestedLabels[i] === suggested) &&
      (needle === '' || texts[i]?.includes(needle)),
  );
  return Int32Array.from(kept);
}
