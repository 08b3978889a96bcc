/**
 * TF-IDF bag-of-words features, the baseline next to transformer embeddings. Follows scikit-learn's
 * TfidfVectorizer defaults: lower-cased tokens of 2+ word characters, smooth idf
 * ln((1 + n) / (1 + df)) + 1, rows scaled to unit L2 norm; vocabulary in alphabetical order.
 */

export interface TfidfOptions {
  /** Keep the most frequent terms across the corpus (default 1,024; the output is dense). */
  maxFeatures?: number;
  /** Ignore terms in fewer documents: a count (≥ 1) or a fraction of documents (< 1). Default 1. */
  minDf?: number;
  /** Use 1 + ln(tf) instead of raw counts (default false). */
  sublinearTf?: boolean;
}

export interface TfidfResult {
  /** [texts × vocabulary.length] row-major. */
  features: Float32Array;
  rows: number;
  cols: number;
  vocabulary: string[];
  idf: Float64Array;
}

/** scikit-learn's token_pattern (?u)\b\w\w+\b, with Unicode letters, digits and underscore as word characters. */
const TOKEN = /[\p{L}\p{N}\p{M}_]{2,}/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export function tfidfFeatures(texts: readonly string[], options: TfidfOptions = {}): TfidfResult {
  const n = texts.length;
  const maxFeatures = options.maxFeatures ?? 1024;
  const minDf = options.minDf ?? 1;
  const minDocs = minDf < 1 ? Math.ceil(minDf * n) : minDf;
  const tokenized = texts.map(tokenize);
  const documentFrequency = new Map<string, number>();
  const corpusFrequency = new Map<string, number>();
  for (const tokens of tokenized) {
    for (const t of tokens) corpusFrequency.set(t, (corpusFrequency.get(t) ?? 0) + 1);
    for (const t of new Set(tokens)) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  }
  let terms = [...documentFrequency.keys()].filter((t) => documentFrequency.get(t)! >= minDocs);
  if (terms.length > maxFeatures) {
    // Most frequent first; ties alphabetical so the vocabulary does not depend on input order.
    terms.sort((a, b) => corpusFrequency.get(b)! - corpusFrequency.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    terms = terms.slice(0, maxFeatures);
  }
  terms.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const column = new Map(terms.map((t, j) => [t, j]));
  const cols = terms.length;
  const idf = Float64Array.from(terms, (t) => Math.log((1 + n) / (1 + documentFrequency.get(t)!)) + 1);
  const features = new Float32Array(n * cols);
  const counts = new Float64Array(cols);
  tokenized.forEach((tokens, i) => {
    const touched: number[] = [];
    for (const t of tokens) {
      const j = column.get(t);
      if (j === undefined) continue;
      if (counts[j] === 0) touched.push(j);
      counts[j]++;
    }
    let norm = 0;
    for (const j of touched) {
      const tf = options.sublinearTf ? 1 + Math.log(counts[j]) : counts[j];
      counts[j] = tf * idf[j];
      norm += counts[j] * counts[j];
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const j of touched) {
      features[i * cols + j] = counts[j] * scale;
      counts[j] = 0;
    }
  });
  return { features, rows: n, cols, vocabulary: terms, idf };
}
