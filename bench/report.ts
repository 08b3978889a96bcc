/**
 * Prints a results file (bench/results/run-*.json; the newest when none is given) as Markdown tables,
 * one per suite, for docs/PERFORMANCE.md.
 * Usage: npx tsx bench/report.ts [bench/results/run-….json] [suite ...] [--headline (only the summary table)]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchSuite } from './harness';

const args = process.argv.slice(2);
const resultsDir = path.resolve(import.meta.dirname, 'results');
const fileArg = args.find((a) => a.endsWith('.json'));
const wanted = args.filter((a) => !a.endsWith('.json') && !a.startsWith('--'));
const file =
  fileArg ??
  path.join(
    resultsDir,
    readdirSync(resultsDir)
      .filter((f) => /^run-.*\.json$/.test(f))
      .sort()
      .pop()!,
  );
const run = JSON.parse(readFileSync(file, 'utf8')) as {
  machine: Record<string, unknown>;
  suites: BenchSuite[];
  failures: { suite: string }[];
};

const fmt = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v === 0 ? '0' : v.toPrecision(3);
console.log(`Results: \`${path.relative(process.cwd(), file)}\` — ${JSON.stringify(run.machine)}\n`);
for (const suite of process.argv.includes('--headline') ? [] : run.suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  console.log(`### ${suite.name}\n`);
  console.log('| figure | median | min | max | n |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const f of suite.figures) {
    const met = f.details && typeof f.details.met === 'boolean' ? (f.details.met ? ' ✅' : ' ❌') : '';
    console.log(
      `| ${f.name.replace(/\|/g, '\\|')} | **${fmt(f.median)}** ${f.unit}${met} | ${fmt(f.min)} | ${fmt(f.max)} | ${f.samples.length} |`,
    );
  }
  for (const note of suite.notes ?? []) console.log(`\n- ${note}`);
  console.log('');
}
for (const failure of run.failures ?? []) console.log(`- suite ${failure.suite} FAILED in this run`);

/** `--headline`: the one table docs/PERFORMANCE.md shows, figures matched by name. */
if (process.argv.includes('--headline')) {
  const all = run.suites.flatMap((s) => s.figures);
  const find = (pattern: RegExp) => all.find((f) => pattern.test(f.name));
  const range = (f: { median: number; min: number; max: number } | undefined, digits = 2) =>
    f ? `${f.median.toFixed(digits)} (${f.min.toFixed(digits)}–${f.max.toFixed(digits)})` : 'not measured';
  const secs = (f: { median: number } | undefined) => (f ? `${(f.median / 1000).toFixed(1)} s` : '');
  const met = (f: { median: number } | undefined, ok: (v: number) => boolean) =>
    f ? (ok(f.median) ? '✅' : '❌') : '';
  const rows: string[] = [];
  for (const [model, seq] of [
    ['playground-bert-mini', 16],
    ['playground-bert-mini', 128],
    ['tiny-512', 512],
  ] as const) {
    for (const kind of ['session.run', 'text→result'] as const) {
      const wall = find(new RegExp(`^forward ${model} seq=${seq} ${kind}: ratio (?!of process)`));
      const cpu = find(new RegExp(`^forward ${model} seq=${seq} ${kind}: ratio of process CPU time`));
      const what =
        kind === 'session.run'
          ? 'session with attention exposed vs raw session, same feeds, all outputs'
          : '`runAttention` (text → attention) vs tokenize + raw run';
      rows.push(
        `| 1 | ${seq} tokens${seq === 512 ? ' (512-position model)' : ''}: ${what} | | | ${range(wall)}; CPU time ${range(cpu)} | ≤ 1.10 | ${met(wall, (v) => v <= 1.1)} |`,
      );
    }
  }
  const ea = find(/^embeddings .*: playground embedTexts$/);
  const eb = find(/^embeddings .*: Transformers\.js .* feature-extraction$/);
  const er = find(/^embeddings .*: ratio /);
  rows.push(
    `| 2 | 1,000 sentence embeddings (mean pooling): \`embedTexts\` vs Transformers.js feature-extraction | ${secs(ea)} | ${secs(eb)} | ${range(er)} | ≤ 1.0 | ${met(er, (v) => v <= 1)} |`,
  );
  for (const data of ['random', 'correlated']) {
    const a = find(new RegExp(`^label audit ${data} .*: playground crossValPredictProba \\+ findLabelIssues`));
    const b = find(new RegExp(`^label audit ${data} .*: scikit-learn .* cross_val_predict \\(in-process time\\)`));
    const r = find(new RegExp(`^label audit ${data} .*: ratio `));
    const d = find(
      new RegExp(`^label audit ${data} .*: max \\|Δ probability\\| playground vs scikit-learn at the optimum`),
    );
    rows.push(
      `| 4 | label audit 10,000 × 256, 5 classes, 5 folds, ${data} features: CV + confident learning vs scikit-learn \`cross_val_predict\` | ${secs(a)} | ${secs(b)} | ${range(r)} | ≤ 1.0 | ${met(r, (v) => v <= 1)} |`,
    );
    if (d)
      rows.push(
        `| 4 | ${data}: out-of-sample probabilities vs scikit-learn's optimum (newton-cg, tol 1e-10) | | | max \\|Δ\\| ${d.median.toExponential(1)} | ≤ 1e-4 | ${met(d, (v) => v <= 1e-4)} |`,
      );
  }
  const sequential = find(/^mc-dropout T=32 seq=32: sequential/);
  const ms = (f: { median: number } | undefined) => (f ? `${f.median.toFixed(0)} ms` : '');
  for (const [what, time, ratio, target] of [
    [
      'one batched run of 32 rows, all layers stochastic',
      /^mc-dropout T=32 seq=32: batched: /,
      /^mc-dropout: ratio batched \/ sequential/,
      1,
    ],
    [
      'last layer stochastic, deterministic prefix once, tiled to 32 rows',
      /^mc-dropout T=32 seq=32: shared prefix/,
      /^mc-dropout: ratio shared prefix \/ sequential/,
      1 / 3,
    ],
  ] as const) {
    const r = find(ratio);
    rows.push(
      `| 3 | MC dropout T = 32, 32 tokens: ${what} vs 32 sequential one-row runs | ${ms(find(time))} | ${ms(sequential)} | ${range(r)} | ≤ ${target === 1 ? '1.0' : '0.33 (3× faster)'} | ${met(r, (v) => v <= target)} |`,
    );
  }
  const cold = find(/^startup: .* cold/);
  const warm = find(/^startup: .* warm/);
  rows.push(
    `| 6 | start-up to "model ready", cold (vite preview, fresh profile) | ${cold ? `${secs(cold)} (${(cold.min / 1000).toFixed(1)}–${(cold.max / 1000).toFixed(1)})` : ''} | | | | |`,
  );
  rows.push(
    `| 6 | start-up, warm (second visit, service-worker cache) | ${warm ? `${secs(warm)} (${(warm.min / 1000).toFixed(1)}–${(warm.max / 1000).toFixed(1)})` : ''} | | | | |`,
  );
  const lt = ['attention', 'mc', 'labels'].map((tool) => ({
    count: find(new RegExp(`^long tasks > 50 ms during ${tool}: count`)),
    longest: find(new RegExp(`^long tasks > 50 ms during ${tool}: longest`)),
  }));
  rows.push(
    `| 6 | main-thread long tasks > 50 ms (count, longest): attention (3 new texts) / MC run (T = 16) / label audit (360 rows) | ${lt.map((t) => (t.count ? `${t.count.median} (${t.longest?.median.toFixed(0)} ms)` : '?')).join(' / ')} | | | none | ${lt.every((t) => t.count?.median === 0) ? '✅' : '❌'} |`,
  );
  const main = find(/^size: main-thread JS/);
  const worker = find(/^size: worker JS/);
  const wasm = find(/^size: onnxruntime \.wasm/);
  rows.push(
    `| 7 | main-thread JS before the worker starts, gzip | ${main ? `${main.median.toFixed(0)} KB` : ''} | | | ≤ 150 KB | ${met(main, (v) => v <= 150)} |`,
  );
  rows.push(
    `| 7 | worker JS, gzip / onnxruntime \`.wasm\`, gzip | ${worker ? `${worker.median.toFixed(0)} KB` : ''} / ${wasm ? `${wasm.median.toFixed(0)} KB` : ''} | | | reported | |`,
  );
  console.log(
    '\n| # | figure | playground | alternative | ratio: median (min–max) | target | |\n| --- | --- | ---: | ---: | ---: | --- | --- |',
  );
  console.log(rows.join('\n'));

  /** Label-error detection quality (figure 4b): flagged rows against the rows whose labels were flipped. */
  const quality = run.suites.find((s) => s.name === 'label-quality');
  if (quality) {
    const sets = [...new Set(quality.figures.map((f) => f.name.split(' / ')[0]).filter((n) => !n.includes(':')))];
    console.log(
      '\n| data set | features | precision | recall | F1 | original label suggested | time, total |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const set of sets) {
      for (const features of ['embeddings', 'tfidf', 'both']) {
        const q = (what: string) => quality.figures.find((f) => f.name === `${set} / ${features}: ${what}`);
        const value = (what: string) => q(what)?.median.toFixed(3) ?? '';
        const suggested = quality.figures.find((f) =>
          f.name.startsWith(`${set} / ${features}: suggested = original label`),
        );
        console.log(
          `| ${set} | ${features} | ${value('precision')} | ${value('recall')} | ${value('F1')} | ${suggested?.median.toFixed(3) ?? ''} | ${secs(q('total'))} |`,
        );
      }
    }
  }
}
