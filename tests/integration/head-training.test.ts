import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultsOf } from '../../src/core/workshop/state-table';
import { HEAD_SETTINGS, type HeadTrainingProgress, type HeadTrainingRequest } from '../../src/core/contracts/head';
import { MemoryEmbeddingCache } from '../../src/core/engine/model/embedding-cache';
import { PlaygroundEngine } from '../../src/core/engine/playground-engine';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { APP_BASE, diskFetch, repoRoot } from './disk-fetch';

const MODEL = 'playground-bert-mini';
const environment = { crossOriginIsolated: false, hardwareConcurrency: 1 };
const csv = readFileSync(path.join(repoRoot, 'public/examples/wordnet-glosses-noisy.csv'), 'utf8');

/** The panel's defaults as the store sends them. */
function defaultRequest(patch: Partial<HeadTrainingRequest['options']> = {}): HeadTrainingRequest {
  const s = defaultsOf(HEAD_SETTINGS);
  return {
    options: {
      model: s.model,
      hiddenWidth: s.hiddenWidth,
      optimiser: s.optimiser,
      learningRate: s.learningRate,
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      heldOutFraction: s.heldOutPercent / 100,
      dataFraction: s.dataPercent / 100,
      standardize: true,
      ...patch,
    },
    runs: [
      { name: 'A', inputDropout: s.inputDropoutA, hiddenDropout: s.hiddenDropoutA, weightDecay: s.weightDecayA },
      { name: 'B', inputDropout: s.inputDropoutB, hiddenDropout: s.hiddenDropoutB, weightDecay: s.weightDecayB },
    ],
  };
}

describe('train a head on the default model (the label example)', () => {
  const cache = new MemoryEmbeddingCache();
  const engine = new PlaygroundEngine({ appBase: APP_BASE, environment, fetchImpl: diskFetch, embeddingCache: cache });
  let rows: { texts: string[]; labelIds: Int32Array; classes: string[] };

  beforeAll(async () => {
    configureWasm(environment);
    await engine.load({ kind: 'embedded', name: MODEL }, { executionProvider: 'wasm' });
    const { parsed } = engine.parseLabeledData(csv);
    rows = {
      texts: parsed.rows.map((r) => r.text),
      labelIds: Int32Array.from(parsed.labelIds),
      classes: parsed.classes,
    };
  });

  it('embeds each text once, reports every epoch, and with the defaults run A overfits more than run B', async () => {
    const reports: HeadTrainingProgress[] = [];
    const request = defaultRequest();
    const first = await engine.trainHeads(rows, request, (p) => reports.push(p), 'head-1');
    expect(first.totalRows).toBe(360);
    expect(first.computedTexts + first.cachedTexts).toBe(360);
    const epochsSeen = reports.filter((r) => r.stage === 'training').map((r) => r.epoch);
    expect(epochsSeen).toEqual(Array.from({ length: request.options.epochs }, (_, i) => i + 1));
    const [a, b] = first.runs;
    const last = (c: typeof a) => c.epochs.at(-1)!;
    const gap = (c: typeof a) => last(c).heldOutLoss - last(c).trainLoss;
    expect(last(a).heldOutLoss).toBeGreaterThan(a.epochs[a.bestEpoch - 1].heldOutLoss);
    expect(a.bestEpoch).toBeLessThan(request.options.epochs);
    expect(gap(b)).toBeLessThan(gap(a));
    // Same rows and model again: nothing is embedded, the curves are the same.
    const gets = cache.gets;
    const second = await engine.trainHeads(rows, request, undefined, 'head-2');
    expect(second.computedTexts).toBe(0);
    expect(cache.gets).toBe(gets);
    expect(second.runs).toEqual(first.runs);
  });

  it('pauses between epochs until resumed, and a cancel ends a paused job', async () => {
    const request = defaultRequest({ epochs: 30 });
    let epochs = 0;
    const running = engine.trainHeads(
      rows,
      request,
      (p) => {
        if (p.stage !== 'training') return;
        epochs = p.epoch;
        if (p.epoch === 2) engine.pause('head-3', true);
      },
      'head-3',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(epochs).toBe(2);
    expect(engine.pause('head-3', false)).toBe(true);
    const result = await running;
    expect(result.runs[0].epochs).toHaveLength(30);

    const cancelled = engine.trainHeads(
      rows,
      request,
      (p) => {
        if (p.epoch === 1) engine.pause('head-4', true);
      },
      'head-4',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    engine.cancel('head-4');
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' });
  });
});
