import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  auditLabels,
  computeConfidentJoint,
  crossValPredictProba,
  findLabelIssues,
  getLabelQualityScores,
  LabelInputError,
  parseLabeledText,
  suggestLabels,
  tfidfFeatures,
} from '../../../src/core/labels';
import { noiseMatricesOf, noiseMatrixDisplay, noiseMatrixTable } from '../../../src/core/labels/noise-matrix';
import { runLabelAuditOnTexts } from '../../../src/core/engine/labels/label-audit-run';
import { createRng } from '../../../src/core/random';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const referenceDir = path.resolve(repoRoot, 'tests/fixtures/cleanlab');
const case10 = JSON.parse(readFileSync(path.join(referenceDir, 'case10.json'), 'utf8')) as {
  labels: number[];
  pred_probs: number[][];
  confident_joint: number[][];
  estimate_joint: number[][];
  find_label_issues_mask: Record<string, boolean[]>;
  ranked_indices: Record<string, number[]>;
  label_quality_scores: Record<string, number[]>;
};

describe('suggestions and the audit summary', () => {
  it('suggests the first argmax with its probability', () => {
    expect(
      suggestLabels([
        [0.2, 0.5, 0.3],
        [0.4, 0.4, 0.2],
      ]),
    ).toEqual([
      { label: 1, probability: 0.5 },
      { label: 0, probability: 0.4 },
    ]);
  });

  it('agrees with cleanlab on case 10 and adds per-class summaries', () => {
    const { labels, pred_probs: probs } = case10;
    const audit = auditLabels(labels, probs);
    expect(audit.rows.map((r) => r.isIssue)).toEqual(case10.find_label_issues_mask.prune_by_noise_rate);
    expect(audit.rows.map((r) => r.qualityScore)).toEqual(case10.label_quality_scores.self_confidence);
    expect(audit.ranking).toEqual(case10.ranked_indices.self_confidence);
    expect(audit.confidentJoint).toEqual(case10.confident_joint);
    expect(audit.estimatedJoint).toEqual(case10.estimate_joint);
    expect(audit.numIssues).toBe(audit.ranking.length);
    expect(audit.flaggedConfusion.flat().reduce((a, b) => a + b, 0)).toBe(audit.numIssues);
    for (const [i, row] of audit.rows.entries()) {
      expect(row.givenLabel).toBe(labels[i]);
      if (row.isIssue) expect(audit.flaggedConfusion[row.givenLabel][row.suggestedLabel]).toBeGreaterThan(0);
    }
    const summaries = audit.classSummaries;
    expect(summaries.map((s) => s.rows)).toEqual([6, 4, 2]);
    expect(summaries.reduce((a, s) => a + s.issues, 0)).toBe(audit.numIssues);
    for (const s of summaries) {
      expect(s.issueRate).toBeCloseTo(s.issues / s.rows, 12);
      if (s.issues > 0)
        expect(audit.rows[audit.ranking.find((i) => labels[i] === s.label)!].suggestedLabel).toBe(s.mostConfusedWith);
    }
  });

  it('ranks by the chosen method', () => {
    const audit = auditLabels(case10.labels, case10.pred_probs, { rankBy: 'normalized_margin' });
    expect(audit.ranking).toEqual(case10.ranked_indices.normalized_margin);
  });
});

describe('the noise-matrix heatmap', () => {
  const caseFiles = readdirSync(referenceDir).filter((name) => /^case\d+\.json$/.test(name));

  it.each(caseFiles)("shows cleanlab's calibrated confident joint as row counts (%s)", (file) => {
    const reference = JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8')) as {
      labels: number[];
      pred_probs: number[][];
      label_counts: number[];
      confident_joint: number[][];
    };
    const audit = auditLabels(reference.labels, reference.pred_probs);
    const shown = noiseMatrixDisplay(
      'estimated',
      noiseMatricesOf({ ...audit, ...arraysOf(reference.labels, reference.pred_probs, audit) }),
    );
    expect(shown.counts).toEqual(reference.confident_joint);
    expect(shown.counts.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(reference.label_counts);
    for (const value of shown.counts.flat()) expect(Number.isInteger(value)).toBe(true);
    expect([shown.rowAxis, shown.columnAxis]).toEqual(['given label', 'estimated true label']);
    // A result saved before the matrix was stored gets the same matrix from its probabilities.
    const restored = noiseMatricesOf(arraysOf(reference.labels, reference.pred_probs, audit));
    expect(restored.confidentJoint).toEqual(reference.confident_joint);
    expect(restored.flaggedConfusion).toEqual(audit.flaggedConfusion);
  });

  it("keeps the flagged rows' given × suggested counts as a second, differently labelled view, and exports what is shown", () => {
    const audit = auditLabels(case10.labels, case10.pred_probs);
    const matrices = noiseMatricesOf({ ...audit, ...arraysOf(case10.labels, case10.pred_probs, audit) });
    const flagged = noiseMatrixDisplay('flagged', matrices);
    expect(flagged.columnAxis).toBe('suggested label');
    expect(flagged.title).not.toEqual(noiseMatrixDisplay('estimated', matrices).title);
    const expected = [0, 1, 2].map((given) =>
      [0, 1, 2].map(
        (suggested) =>
          audit.rows.filter((r) => r.isIssue && r.givenLabel === given && r.suggestedLabel === suggested).length,
      ),
    );
    expect(flagged.counts).toEqual(expected);
    const table = noiseMatrixTable(['cat', 'dog', 'eel'], noiseMatrixDisplay('estimated', matrices));
    expect(table.header).toEqual(['given label \\ estimated true label', 'cat', 'dog', 'eel']);
    expect(table.rows).toEqual(case10.confident_joint.map((row, i) => [['cat', 'dog', 'eel'][i], ...row]));
  });
});

function arraysOf(labels: number[], probs: number[][], audit: ReturnType<typeof auditLabels>) {
  return {
    numClasses: probs[0].length,
    givenLabels: Int32Array.from(labels),
    probabilities: Float64Array.from(probs.flat()),
    suggestedLabels: Int32Array.from(audit.rows, (r) => r.suggestedLabel),
    isIssue: Uint8Array.from(audit.rows, (r) => (r.isIssue ? 1 : 0)),
  };
}

describe('messages name classes by their label', () => {
  const rng = createRng(11);
  const topics: Record<string, string[]> = {
    'noun.animal': ['dog', 'cat', 'horse', 'bird', 'fish', 'cow'],
    'noun.food': ['bread', 'soup', 'cheese', 'apple', 'rice', 'cake'],
    'noun.rare': ['stone', 'rock', 'pebble', 'granite', 'marble', 'slate'],
  };
  const dataset = (rareRows: number) => {
    const texts: string[] = [];
    const labels: string[] = [];
    for (const [label, words] of Object.entries(topics)) {
      const count = label === 'noun.rare' ? rareRows : 20;
      for (let i = 0; i < count; i++) {
        texts.push(Array.from({ length: 6 }, () => words[rng.nextInt(words.length)]).join(' '));
        labels.push(label);
      }
    }
    return { texts, labels };
  };

  it('says which labelled class made cross-validation use fewer folds', async () => {
    const { texts, labels } = dataset(3);
    const result = await runLabelAuditOnTexts(texts, labels, { features: 'tfidf', folds: 5 }, { model: null });
    expect(result.folds).toBe(3);
    expect(result.notes.join(' ')).toMatch(
      /^"noun\.rare" has only 3 rows, fewer than the 5 folds requested; used 3 folds instead\./,
    );
    expect(result.notes.join(' ')).not.toMatch(/class \d/i);
  });

  it('names the class that is too small for any cross-validation', async () => {
    const { texts, labels } = dataset(1);
    await expect(runLabelAuditOnTexts(texts, labels, { features: 'tfidf', folds: 5 }, { model: null })).rejects.toThrow(
      /but "noun\.rare" has 1 row\. Add rows/,
    );
  });

  it('names classes in confident-learning warnings and cross-validation notes when given names', () => {
    const labels = [0, 0, 0, 1, 1, 1, 2];
    const probs = [
      [0.9, 0.05, 0.05],
      [0.8, 0.1, 0.1],
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.9, 0],
      [0.2, 0.7, 0.1],
      [0.8, 0.1, 0.1],
    ];
    const warnings: string[] = [];
    const classNames = ['apple', 'banana', 'cherry'];
    auditLabels(labels, probs, { minExamplesPerClass: 0, classNames, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual(['May not flag all label issues in "cherry": it has too few examples.']);
    const X = { rows: 7, cols: 3, data: Float32Array.from(probs.flat()) };
    expect(() => crossValPredictProba(X, labels, { folds: 2, classNames })).toThrow(/but "cherry" has 1 row\./);
  });
});

describe('validation messages', () => {
  it('says what is wrong with the inputs', () => {
    expect(() =>
      findLabelIssues(
        [0, 1.5],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/non-negative integers; row 1 has label 1.5/);
    expect(() =>
      findLabelIssues(
        [0, -1],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(LabelInputError);
    expect(() =>
      computeConfidentJoint(
        [1, 1],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/Only one class \(1\)/);
    expect(
      findLabelIssues(
        [0, 0],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toEqual([false, false]);
    expect(() =>
      computeConfidentJoint(
        [0, 0],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/Only one class \(0\)/);
    expect(
      getLabelQualityScores(
        [1, 1],
        [
          [0.3, 0.7],
          [0.5, 0.5],
        ],
      ),
    ).toEqual([0.7, 0.5]);
    expect(() => findLabelIssues([0, 1], [[0.5, 0.5]])).toThrow(/2 labels but 1 rows/);
    expect(() => findLabelIssues([0, 1], [[0.5, 0.5], [0.5]])).toThrow(/row 1 has 1 columns/);
    expect(() =>
      findLabelIssues(
        [0, 2],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/Label 2 needs at least 3 probability columns/);
    expect(() =>
      findLabelIssues(
        [0, 1],
        [
          [1.2, -0.2],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/\[0, 1\]; row 0, class 0 is 1.2/);
    expect(() =>
      findLabelIssues(
        [0, 1],
        [
          [Number.NaN, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/row 0, class 0 is NaN/);
    expect(() =>
      findLabelIssues(
        [0, 1],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        { fracNoise: 0 },
      ),
    ).toThrow(/fracNoise/);
    expect(() =>
      getLabelQualityScores(
        [0, 1],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        { method: 'confidence_weighted_entropy', adjustPredProbs: true },
      ),
    ).toThrow(/adjustPredProbs/);
  });
});

describe('end to end: pasted text → TF-IDF → 5-fold logistic regression → confident learning', () => {
  it('finds most planted label flips and few clean rows', () => {
    const rng = createRng(7);
    const vocab = {
      sport: ['goal', 'match', 'team', 'score', 'coach', 'league', 'season', 'player'],
      food: ['recipe', 'bake', 'flavour', 'dinner', 'spice', 'oven', 'sauce', 'kitchen'],
      tech: ['laptop', 'software', 'chip', 'server', 'code', 'battery', 'screen', 'cloud'],
    };
    const classes = Object.keys(vocab) as (keyof typeof vocab)[];
    const common = ['the', 'a', 'was', 'very', 'new', 'and', 'this', 'today'];
    const lines = ['text,label'];
    const flipped = new Set<number>();
    for (let i = 0; i < 240; i++) {
      const topic = classes[i % 3];
      const words = Array.from({ length: 8 }, () => (rng.nextFloat() < 0.5 ? vocab[topic] : common)[rng.nextInt(8)]);
      let label: string = topic;
      if (rng.nextFloat() < 0.08) {
        label = classes[(i + 1 + rng.nextInt(2)) % 3];
        flipped.add(i);
      }
      lines.push(`${words.join(' ')} ${i},${label}`);
    }
    const parsed = parseLabeledText(lines.join('\n'));
    expect(parsed.ok).toBe(true);
    const labels = parsed.labelIds;
    const { features, rows, cols } = tfidfFeatures(
      parsed.rows.map((r) => r.text),
      { minDf: 2 },
    );
    const cv = crossValPredictProba({ data: features, rows, cols }, labels, { folds: 5, seed: 1 });
    const audit = auditLabels(labels, cv.probabilityRows);
    const found = new Set(audit.ranking);
    const hits = [...flipped].filter((i) => found.has(i)).length;
    expect(flipped.size).toBeGreaterThan(10);
    expect(hits / flipped.size).toBeGreaterThan(0.7);
    expect((found.size - hits) / found.size).toBeLessThan(0.3);
    // The suggestion for a found flip is the label the row had before it was flipped.
    const originalLabel = (i: number) => parsed.classes.indexOf(classes[i % 3]);
    const rightSuggestions = [...flipped].filter(
      (i) => found.has(i) && audit.rows[i].suggestedLabel === originalLabel(i),
    ).length;
    expect(rightSuggestions / hits).toBeGreaterThan(0.9);
    for (const i of audit.ranking.slice(0, 5)) {
      expect(flipped.has(i)).toBe(true);
      expect(audit.rows[i].suggestedLabel).toBe(originalLabel(i));
    }
  });
});

describe('runLabelAudit', () => {
  it('cross-validates and audits in one call, with warm starts not changing the answer', async () => {
    const { runLabelAudit, featureMatrixFromRows } = await import('../../../src/core/labels');
    const rng = createRng(3);
    const labels = Array.from({ length: 150 }, (_, i) => i % 3);
    const rows = labels.map((y) => Array.from({ length: 6 }, (_, j) => (j === y ? 1.5 : 0) + rng.nextNormal()));
    const X = featureMatrixFromRows(rows);
    const warm = runLabelAudit(X, labels, { folds: 5, seed: 2, tolerance: 1e-9 });
    const cold = runLabelAudit(X, labels, { folds: 5, seed: 2, tolerance: 1e-9, warmStart: false });
    const diff = Math.max(
      ...warm.crossValidation.probabilities.map((p, i) => Math.abs(p - cold.crossValidation.probabilities[i])),
    );
    expect(diff).toBeLessThan(1e-6);
    expect(warm.audit.ranking).toEqual(cold.audit.ranking);
    expect(warm.crossValidation.iterationsPerFold.slice(1).reduce((a, b) => a + b, 0)).toBeLessThan(
      cold.crossValidation.iterationsPerFold.slice(1).reduce((a, b) => a + b, 0),
    );
  });
});

describe('orderLabelIssues', () => {
  it('orders a mask by the chosen score (rankBy or method)', async () => {
    const { orderLabelIssues } = await import('../../../src/core/labels');
    const mask = case10.find_label_issues_mask.prune_by_noise_rate;
    expect(orderLabelIssues(mask, case10.labels, case10.pred_probs, { rankBy: 'normalized_margin' })).toEqual(
      case10.ranked_indices.normalized_margin,
    );
    expect(orderLabelIssues(mask, case10.labels, case10.pred_probs, { method: 'confidence_weighted_entropy' })).toEqual(
      case10.ranked_indices.confidence_weighted_entropy,
    );
  });
});
