/**
 * The calibration mode's cost (issue 24): every word piece of a 128-token window (the built-in encoder's whole
 * window, [CLS] and [SEP] included) masked in turn and predicted with dropout off and with T = 16 MC-dropout
 * samples, through the engine's own run (runCalibration, as the worker's `calibrate` op calls it: 126 positions ×
 * 17 rows, the restricted head, progress yields between runs), then summarised (ECE, NLL, Brier, temperature
 * fit, selective curves). Two settings: all layers stochastic (the mode's setting) and the last layer only, where
 * the deterministic prefix is computed once and tiled to the 17 rows inside the graph.
 * The text is the built-in sample (public/examples/calibration-sample.txt), cut to the window.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCalibration } from '../../src/core/engine/calibration/calibration-run';
import { prepareModel, type PreparedModel } from '../../src/core/engine/model/prepare-model';
import { McSessionCache, normalizeGraphConfig } from '../../src/core/engine/uncertainty/mc-sessions';
import type { McDropoutSettings } from '../../src/core/contracts/uncertainty';
import { loadModelFiles } from '../../src/core/model/load';
import { configureWasm } from '../../src/core/runtime/execution-provider';
import { MIN_REPEATS, summarize, timeMs, type BenchSuite, type Figure } from '../harness';

const MODEL = 'playground-bert-mini';
const APP_BASE = 'http://bench.local/';
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const WINDOW = 128;
const SAMPLES = 16;
const REPEATS = MIN_REPEATS;

const diskFetch: typeof fetch = async (input) => {
  const relative = decodeURIComponent(new URL(String(input)).pathname).replace(/^\/+/, '');
  const file = path.join(repoRoot, relative);
  if (!relative.startsWith('models/') || !existsSync(file)) return new Response('Not found', { status: 404 });
  const bytes = readFileSync(file);
  return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
};

/** The sample's words up to exactly `length` tokens with [CLS] and [SEP]. */
function windowText(model: PreparedModel, length: number): string {
  const words = readFileSync(path.join(repoRoot, 'public/examples/calibration-sample.txt'), 'utf8').split(/\s+/);
  const parts: string[] = [];
  for (const word of words) {
    parts.push(word);
    const count = model.tokenizer.encode(parts.join(' '), null).ids.length;
    if (count === length) return parts.join(' ');
    if (count > length) parts.pop();
  }
  throw new Error(`Could not build a ${length}-token text from the sample.`);
}

export async function run(): Promise<BenchSuite> {
  const threads = configureWasm({ crossOriginIsolated: false, hardwareConcurrency: 1 }, 1);
  const files = await loadModelFiles({ kind: 'embedded', name: MODEL }, { appBase: APP_BASE, fetchImpl: diskFetch });
  const model = await prepareModel(files, 'wasm', threads);
  const cache = new McSessionCache(2);
  const text = windowText(model, WINDOW);
  const figures: Figure[] = [];
  const notes: string[] = [];
  const layers = model.info.layers;
  for (const stochasticLayers of ['all', { lastK: 1 }] as const) {
    const settings: McDropoutSettings = {
      samples: SAMPLES,
      dropout: 0.1,
      sites: ['attention', 'hidden'],
      stochasticLayers,
      seed: 1,
    };
    const mc = await cache.get(
      model,
      normalizeGraphConfig(layers, settings.sites, stochasticLayers, { task: 'fill-mask', allPositions: false }),
    );
    const request = { texts: [text], settings, bins: 10 };
    // One untimed run: the session's first calls allocate its buffers.
    const first = await runCalibration(model, mc, request);
    const samples: number[] = [];
    for (let r = 0; r < REPEATS; r++) samples.push(await timeMs(() => runCalibration(model, mc, request)));
    const label = stochasticLayers === 'all' ? `all ${layers} layers stochastic` : 'last layer stochastic';
    figures.push(
      summarize(
        `calibration, ${first.positions.trueId.length} positions of a ${WINDOW}-token window, T = ${SAMPLES}, ${label} (${first.run.mode})`,
        'ms',
        samples,
        { positions: first.positions.trueId.length, graphRuns: first.run.graphRuns, mode: first.run.mode },
      ),
    );
    notes.push(`${label}: ${first.run.graphRuns} graph runs, ${first.run.mode}`);
  }
  return { name: 'calibration', figures, notes };
}
