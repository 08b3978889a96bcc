import { describe, expect, it } from 'vitest';
import { runLabelAuditOnTexts } from '../../../src/core/engine/labels/label-audit-run';
import { parseLabeledData } from '../../../src/core/engine/labels/label-input';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { packParse, unpackRows, unpackTexts } from '../../../src/worker/label-transport';
import { meanPool } from '../../../src/core/engine/model/sentence-embeddings';
import { windowRange } from '../../../src/ui/labels/virtual-window';

describe('label audit engine pieces', () => {
  it('mean pooling averages only positions whose mask is 1', () => {
    // batch 2, seq 3, dim 2; second row has one padded position.
    const hidden = [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 99, 99];
    const mask = [1, 1, 1, 1, 1, 0];
    expect(Array.from(meanPool(hidden, mask, 2, 3, 2))).toEqual([3, 4, 20, 30]);
    expect(Array.from(meanPool([7, 7], [0], 1, 1, 2))).toEqual([0, 0]);
  });

  it('packs a parse for the page and unpacks rows for the worker unchanged', () => {
    const input = 'text,label\n"a, quoted text",x\nplain text,y\nmore,x\n';
    const packed = packParse(parseLabeledData(input, { folds: 2 }));
    expect(packed.rowCount).toBe(3);
    expect(unpackTexts(packed.texts, packed.rowCount)).toEqual(['a, quoted text', 'plain text', 'more']);
    expect(Array.from(packed.sourceRows)).toEqual([2, 3, 4]);
    expect(
      unpackRows({ texts: packed.texts, count: 3, labelIds: packed.labelIds, classes: packed.summary.classes }),
    ).toEqual({
      texts: ['a, quoted text', 'plain text', 'more'],
      labels: ['x', 'y', 'x'],
    });
    expect('rows' in packed.summary).toBe(false);
  });

  it('decodes file bytes and keeps the decoded text', () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('text\tlabel\ncafé au lait\tfood\ntea\tfood\n'),
    ]);
    const { parsed, text } = parseLabeledData(bytes, {});
    expect(text).toContain('café');
    expect(parsed.rows.map((r) => r.text)).toEqual(['café au lait', 'tea']);
  });

  it('reads a dropped file in the engine (the worker): Windows-1252 bytes are decoded as the pasted bytes are', async () => {
    const engine = new PlaygroundEngine({
      appBase: 'http://localhost/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    const bytes = Uint8Array.from('text,label\ncaf\xe9 au lait,food\ntea,food\n', (c) => c.charCodeAt(0));
    const fromFile = await engine.parseLabeledFile(new Blob([bytes]), {});
    expect(fromFile.text).toBe(parseLabeledData(bytes, {}).text);
    expect(fromFile.parsed.rows.map((r) => r.text)).toEqual(['café au lait', 'tea']);
  });

  it('runs a TF-IDF audit without a model, with staged progress and timings', async () => {
    const texts: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 40; i++) {
      texts.push(i % 2 ? `boat river water fish ${i}` : `engine road wheel fuel ${i}`);
      labels.push(i % 2 ? 'water' : 'road');
    }
    labels[3] = 'road'; // a planted error
    const stages: string[] = [];
    const result = await runLabelAuditOnTexts(
      texts,
      labels,
      { features: 'tfidf', folds: 4 },
      { model: null, onProgress: (p) => stages.push(p.stage) },
    );
    expect([...new Set(stages)]).toEqual(['tfidf', 'cross-validation', 'confident-learning']);
    expect(Array.from(result.ranking)).toContain(3);
    expect(result.classes[result.suggestedLabels[3]]).toBe('water');
    expect(Object.keys(result.timings)).toEqual(['tfidf', 'cross-validation', 'confident-learning']);
    await expect(runLabelAuditOnTexts(texts, labels, { features: 'embeddings' }, { model: null })).rejects.toThrow(
      /Load a model/,
    );
  });

  it('windows a long list to the visible rows plus overscan', () => {
    expect(windowRange(0, 400, 40, 50_000, 2)).toEqual({ start: 0, end: 13 });
    expect(windowRange(40 * 1000, 400, 40, 50_000, 2)).toEqual({ start: 998, end: 1013 });
    expect(windowRange(40 * 50_000, 400, 40, 50_000, 2)).toEqual({ start: 49_998, end: 50_000 });
    expect(windowRange(0, 400, 40, 0)).toEqual({ start: 0, end: 0 });
  });
});
