import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryEmbeddingCache } from '../../src/core/engine/model/embedding-cache';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { embedTexts } from '../../src/core/engine/model/sentence-embeddings';
import type { LabelAuditProgress } from '../../src/core/contracts/labels';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../src/core/runtime/feeds';
import { APP_BASE, diskFetch, repoRoot } from './disk-fetch';

const MODEL = 'playground-bert-mini';
const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const csv = readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8');
const flips = JSON.parse(
  readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.flips.json'), 'utf8'),
) as {
  flips: { row: number; original: string; given: string }[];
};

describe('label audit on the default model', () => {
  let model: PreparedModel;
  const cache = new MemoryEmbeddingCache();
  const engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch, embeddingCache: cache });

  beforeAll(async () => {
    configureWasm(environment);
    const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
    model = await prepareModel(files, 'wasm', 1);
    await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });
  });

  it('mean-pooled batched embeddings equal the mean of last_hidden_state over the attention mask, text by text', async () => {
    const texts = [
      'a dog',
      'a large domesticated animal kept for riding and pulling loads',
      'the sun',
      'a hard crystalline rock formed from sand',
    ];
    const result = await embedTexts(model, texts, { batchSize: 4 });
    const output = model.description.roles.sentenceEmbeddings!;
    for (const [i, text] of texts.entries()) {
      const encoded = model.tokenizer.encode(text, null, model.info.maxPositions);
      const tokens = batchOf([encoded]);
      const outputs = await model.session.run(textFeeds(model.session.inputNames, tokens), [output]);
      const hidden = await tensorToFloat32(outputs[output]);
      const [, seq, dim] = outputs[output].dims.map(Number);
      const expected = new Float64Array(dim);
      let count = 0;
      for (let s = 0; s < seq; s++) {
        if (!tokens.attentionMask[s]) continue;
        count++;
        for (let d = 0; d < dim; d++) expected[d] += hidden[s * dim + d];
      }
      let maxDiff = 0;
      for (let d = 0; d < dim; d++)
        maxDiff = Math.max(maxDiff, Math.abs(result.embeddings[i * dim + d] - expected[d] / count));
      expect(maxDiff, text).toBeLessThan(1e-4);
    }
    expect(result.dim).toBe(model.info.hiddenSize);
    expect(result.batches).toBe(1);
  });

  it('reports texts longer than the model maximum as truncated', async () => {
    const long = Array.from({ length: 400 }, () => 'word').join(' ');
    const cache = new MemoryEmbeddingCache();
    const result = await embedTexts(model, ['short text', long], { cache });
    expect(result.truncatedRows).toEqual([1]);
    const cached = await embedTexts(model, ['short text', long], { cache });
    expect(cached.computedTexts).toBe(0);
    expect(cached.truncatedRows).toEqual([1]);
  });

  it('cuts texts full of unknown characters to the model maximum too', async () => {
    const unknown = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(' ');
    expect(model.tokenizer.encode(unknown, null, model.info.maxPositions).untruncatedLength).toBeGreaterThan(
      model.info.maxPositions,
    );
    const result = await embedTexts(model, [unknown, 'a dog'], {});
    expect(result.truncatedRows).toEqual([0]);
  });

  it('stops between batches when cancelled (the abort is read mid-job, not after it)', async () => {
    const texts = Array.from(
      { length: 640 },
      (_, i) => `text number ${i} about a small thing with several words in it`,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    let batches = 0;
    await expect(
      embedTexts(model, texts, { batchSize: 8, signal: controller.signal, onProgress: () => batches++ }),
    ).rejects.toThrow(/Cancelled/);
    expect(batches).toBeLessThan(80);
  });

  it('a cached rerun does not call the model again', async () => {
    const fake = new MemoryEmbeddingCache();
    const texts = ['a tree', 'a bird that cannot fly', 'a tree', 'bread made from wheat'];
    const run = vi.spyOn(model.session, 'run');
    const first = await embedTexts(model, texts, { cache: fake, batchSize: 2 });
    expect(run).toHaveBeenCalledTimes(2);
    expect(first.computedTexts).toBe(3);
    expect(fake.entries.size).toBe(3);
    run.mockClear();
    const second = await embedTexts(model, texts, { cache: fake, batchSize: 2 });
    expect(run).not.toHaveBeenCalled();
    expect(second.cachedTexts).toBe(3);
    expect(second.computedTexts).toBe(0);
    expect(Array.from(second.embeddings)).toEqual(Array.from(first.embeddings));
    run.mockRestore();
  });

  it('finds most planted flips in the WordNet example set, with the right suggestions; a rerun uses the cache', async () => {
    const { parsed } = engine.parseLabeledData(csv, {});
    expect(parsed.ok).toBe(true);
    expect(parsed.rows).toHaveLength(360);
    const rows = { texts: parsed.rows.map((r) => r.text), labels: parsed.rows.map((r) => r.label) };
    const stages = new Set<string>();
    const progress: LabelAuditProgress[] = [];
    const result = await engine.auditLabels(rows, { features: 'embeddings', folds: 5, seed: 0 }, (p) => {
      stages.add(p.stage);
      progress.push(p);
    });
    expect([...stages]).toEqual(['embeddings', 'cross-validation', 'confident-learning']);
    expect(progress.at(-1)!.overall).toBeCloseTo(1, 6);
    const flagged = new Set(Array.from(result.ranking));
    const planted = flips.flips.map((f) => f.row);
    const found = planted.filter((row) => flagged.has(row));
    const recall = found.length / planted.length;
    const precision = found.length / flagged.size;
    console.log(
      `WordNet example: ${flagged.size} flagged, ${found.length}/${planted.length} flips found (recall ${recall.toFixed(2)}, precision ${precision.toFixed(2)}); timings ${JSON.stringify(result.timings)}`,
    );
    // Measured on playground-bert-mini as retrained in 242fbed: 27 of 29 flips flagged, 23 of them with the
    // original label suggested, 9 of the 10 most suspicious rows planted flips with their original label,
    // 27 of 93 flagged rows planted. The bounds leave a row or so of slack, no more.
    const suggestsOriginal = (f: { row: number; original: string }) =>
      result.classes[result.suggestedLabels[f.row]] === f.original;
    expect(recall).toBeGreaterThanOrEqual(0.85);
    expect(precision).toBeGreaterThanOrEqual(0.25);
    const rightSuggestion = flips.flips.filter((f) => flagged.has(f.row) && suggestsOriginal(f));
    expect(rightSuggestion.length / found.length).toBeGreaterThanOrEqual(0.8);
    const topTen = Array.from(result.ranking.slice(0, 10)).filter((row) =>
      flips.flips.some((f) => f.row === row && suggestsOriginal(f)),
    );
    expect(topTen.length).toBeGreaterThanOrEqual(8);
    expect(result.computedTexts).toBeGreaterThan(0);

    const rerun = await engine.auditLabels(rows, { features: 'embeddings', folds: 5, seed: 0 });
    expect(rerun.computedTexts).toBe(0);
    expect(Array.from(rerun.ranking)).toEqual(Array.from(result.ranking));
  });

  it('runs on TF-IDF and on both feature sets', async () => {
    const { parsed } = engine.parseLabeledData(csv, {});
    const rows = { texts: parsed.rows.map((r) => r.text), labels: parsed.rows.map((r) => r.label) };
    for (const features of ['tfidf', 'both'] as const) {
      const result = await engine.auditLabels(rows, { features });
      expect(result.rows).toBe(360);
      expect(Object.keys(result.timings)).toContain('tfidf');
    }
  });
});
