/**
 * Labels that a person reads as one class but the audit counts as two: "1" and "1.0", "Positive" and
 * "positive", "not spam" and "not  spam". Each spelling is its own class (a label is compared as text), so
 * such a pair splits a class in two and every row of the smaller spelling looks mislabeled. They are
 * reported, never merged silently: "1" and "1.0" may really be different codes.
 */
import { plural, type Problem } from './problems';

/** The form two spellings of one label share: a number's value, else the text in lower case with single spaces. */
export function labelKey(label: string): string {
  const text = label.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return `#${Number(text)}`;
  return `'${text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ')}`;
}

/** Groups of two or more labels with the same key, each group in the order its labels first occur. */
export function labelVariants(labels: Iterable<string>): string[][] {
  const groups = new Map<string, string[]>();
  for (const label of labels) {
    const key = labelKey(label);
    const group = groups.get(key);
    if (!group) groups.set(key, [label]);
    else if (!group.includes(label)) group.push(label);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

const LISTED_GROUPS = 5;

/** A warning naming every group of look-alike labels, with their row counts, or null when there is none. */
export function labelVariantsProblem(labels: readonly string[]): Problem | null {
  const groups = labelVariants(labels);
  if (groups.length === 0) return null;
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const described = groups
    .slice(0, LISTED_GROUPS)
    .map((group) => group.map((label) => `"${label}" (${plural(counts.get(label) ?? 0, 'row')})`).join(' and '));
  const more = groups.length > LISTED_GROUPS ? `, and ${groups.length - LISTED_GROUPS} more such groups` : '';
  return {
    code: 'similar-labels',
    severity: 'warning',
    message: `Some labels differ only in spelling and are counted as separate classes: ${described.join('; ')}${more}. If they mean the same class, write them the same way; otherwise the rows of one spelling look mislabeled as the other.`,
  };
}
