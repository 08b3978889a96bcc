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
  const withCpu = (wall: ReturnType<typeof find>, cpu: ReturnType<typeof find>) =>
    `${range(wall)}${cpu ? `; CPU time ${range(cpu)}` : ''}`;
  const n = (f: { samples: number[] } | undefined) => (f ? `n = ${f.samples.length}` : '');
  for (const [model, seq] of [
    ['playground-bert-mini', 16],
    ['playground-bert-mini', 128],
    ['tiny-512', 512],
  ] as const) {
    for (const [kind, what] of [
      ['session.run', 'session with attention exposed vs raw session on the model file, same feeds, all outputs'],
      [
        'text→result',
        '`runAttention` (text → attention) vs a plain script (tokenize + run) on the model file as shipped (it also computes the MLM head the playground prunes)',
      ],
      ['text→result, same graph', "`runAttention` vs a plain script on the playground's own pruned graph (equal work)"],
    ] as const) {
      const escaped = kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const wall = find(new RegExp(`^forward ${model} seq=${seq} ${escaped}: ratio (?!of process)`));
      const cpu = find(new RegExp(`^forward ${model} seq=${seq} ${escaped}: ratio of process CPU time`));
      if (!wall) continue;
      rows.push(
        `| 1 | ${seq} tokens${seq === 512 ? ' (512-position model)' : ''}: ${what} | | | ${withCpu(wall, cpu)}; ${n(wall)} | ≤ 1.10 | ${met(wall, (v) => v <= 1.1)} |`,
      );
    }
  }
  const ea = find(/^embeddings .*: playground embedTexts$/);
  for (const [who, target] of [
    ['as a user calls it', null],
    ['on the same pruned graph, sorted batches', 1],
  ] as const) {
    const eb = find(new RegExp(`^embeddings .*: Transformers\\.js .* ${who}`));
    const er = find(new RegExp(`^embeddings .*: ratio playground / Transformers\\.js .* ${who}`));
    const ec = find(new RegExp(`^embeddings .*: ratio of process CPU time, playground / Transformers\\.js .* ${who}`));
    const diff = er?.details?.maxAbsDifference as number | undefined;
    rows.push(
      `| 2 | 1,000 sentence embeddings (mean pooling): \`embedTexts\` vs Transformers.js feature-extraction ${who}${diff !== undefined ? ` (embeddings differ by ≤ ${diff.toExponential(1)})` : ''} | ${secs(ea)} | ${secs(eb)} | ${withCpu(er, ec)}; ${n(er)} | ${target ? '≤ 1.0' : 'reported'} | ${target ? met(er, (v) => v <= 1) : ''} |`,
    );
  }
  for (const data of ['random', 'correlated']) {
    const a = find(new RegExp(`^label audit ${data} .*: playground crossValPredictProba$`));
    for (const [who, target] of [
      ['scikit-learn as a user calls it', null],
      ["scikit-learn's documented recipe \\(StandardScaler \\+ lbfgs\\), defaults", null],
      ["scikit-learn's documented recipe \\(StandardScaler \\+ lbfgs\\) at the playground's stopping rule", 1],
    ] as const) {
      const b = find(new RegExp(`^label audit ${data} [^:]*: ${who}`));
      const r = find(new RegExp(`^label audit ${data} [^:]*: ratio playground / ${who}`));
      const c = find(new RegExp(`^label audit ${data} [^:]*: ratio of process CPU time, playground / ${who}`));
      if (!b || !r) continue;
      const diff = r.details?.maxAbsProbabilityDifference as number | undefined;
      const iters = (b.details?.iterationsPerFold as number[] | undefined)?.join('/');
      // A target only where both sides solve the same problem: results within 1e-3 of each other.
      const sameProblem = diff !== undefined && diff <= 1e-3;
      rows.push(
        `| 4 | label audit 10,000 × 256, 5 classes, 5 folds, ${data}: \`crossValPredictProba\` vs ${b.name.split(': ').slice(1).join(': ')}${iters ? ` (its iterations per fold ${iters})` : ''}; probabilities differ by ≤ ${diff?.toExponential(1)} | ${secs(a)} | ${secs(b)} | ${withCpu(r, c)}; ${n(r)} | ${target ? (sameProblem ? '≤ 1.0' : 'none: a different problem (see Δ)') : 'reported'} | ${target && sameProblem ? met(r, (v) => v <= 1) : ''} |`,
      );
    }
    const d = find(new RegExp(`^label audit ${data} .*: max \\|Δ probability\\| playground vs the exact optimum`));
    if (d)
      rows.push(
        `| 4 | ${data}: the playground's probabilities vs the exact optimum (newton-cg, tol 1e-10) | | | max \\|Δ\\| ${d.median.toExponential(1)} | ≤ 1e-6 | ${met(d, (v) => v <= 1e-6)} |`,
      );
    const ew = find(new RegExp(`^label audit ${data}: one loss \\+ gradient evaluation.*: playground, WebAssembly`));
    const ej = find(new RegExp(`^label audit ${data}: one loss \\+ gradient evaluation.*: playground, plain-JS`));
    const es = find(new RegExp(`^label audit ${data}: one loss \\+ gradient evaluation.*: scikit-learn`));
    const er = find(
      new RegExp(`^label audit ${data}: one loss \\+ gradient evaluation.*: ratio playground WebAssembly`),
    );
    const erj = find(new RegExp(`^label audit ${data}: one loss \\+ gradient evaluation.*: ratio playground plain-JS`));
    const ms1 = (f: { median: number } | undefined) => (f ? `${f.median.toFixed(1)} ms` : '');
    if (er)
      rows.push(
        `| 4 | ${data}: one loss + gradient evaluation (8,000 × 256, 5 classes): WebAssembly SIMD vs scikit-learn's loss_gradient on OpenBLAS, 1 thread (plain JS before: ${ms1(ej)}, ratio ${erj ? erj.median.toFixed(2) : '?'}) | ${ms1(ew)} | ${ms1(es)} | ${range(er)}; ${n(er)} | ≤ 1.5 | ${met(er, (v) => v <= 1.5)} |`,
      );
  }
  const ms = (f: { median: number } | undefined) => (f ? `${f.median.toFixed(0)} ms` : '');
  for (const [what, a, b, ratio, target] of [
    [
      'all layers stochastic: one batched run of 32 rows vs 32 sequential one-row runs',
      /^mc-dropout T=32 seq=32: all \d+ layers stochastic, batched/,
      /^mc-dropout T=32 seq=32: all \d+ layers stochastic, sequential/,
      /^mc-dropout: ratio batched \/ sequential, all layers/,
      1,
    ],
    [
      'last layer stochastic: prefix once, tiled to 32 rows vs the same estimator in 32 sequential one-row runs',
      /^mc-dropout T=32 seq=32: last layer stochastic, tiled/,
      /^mc-dropout T=32 seq=32: last layer stochastic, sequential/,
      /^mc-dropout: ratio tiled prefix \/ sequential/,
      0.3,
    ],
    [
      'last layer stochastic: prefix once, tiled vs the same estimator batched (32 rows, each computing the prefix)',
      /^mc-dropout T=32 seq=32: last layer stochastic, tiled/,
      /^mc-dropout T=32 seq=32: last layer stochastic, batched/,
      /^mc-dropout: ratio tiled prefix \/ batched/,
      null,
    ],
  ] as const) {
    const r = find(ratio);
    const cpu = target === 0.3 ? find(/^mc-dropout: ratio of process CPU time, tiled prefix \/ sequential/) : undefined;
    rows.push(
      `| 3 | MC dropout T = 32, 32 tokens, ${what} | ${ms(find(a))} | ${ms(find(b))} | ${withCpu(r, cpu)}; ${n(r)} | ${target === null ? 'reported' : `≤ ${target === 1 ? '1.0' : target.toFixed(2)}`} | ${target === null ? '' : met(r, (v) => v <= target)} |`,
    );
  }
  // Figures 5, 8, 9 and 10: times of one tool each, and the ratios their suites take.
  const spanMs = (f: { median: number; min: number; max: number; samples: number[] } | undefined, unit = 'ms') =>
    f
      ? unit === 's'
        ? `${(f.median / 1000).toFixed(2)} s (${(f.min / 1000).toFixed(2)}–${(f.max / 1000).toFixed(2)}); ${n(f)}`
        : `${f.median.toFixed(1)} ms (${f.min.toFixed(1)}–${f.max.toFixed(1)}); ${n(f)}`
      : 'not measured';
  for (const [what, pattern] of [
    ['3CosAdd, all rows', /^one query 30522×768 in a worker thread: 3CosAdd, all rows$/],
    [
      '3CosAdd, BERT-like whole words (the default)',
      /^one query 30522×768 in a worker thread: 3CosAdd, BERT-like whole words \(default\)$/,
    ],
  ] as const) {
    const f = find(pattern);
    if (f)
      rows.push(
        `| 5 | one analogy query over 30,522 × 768 (BERT-base size), ${what}, WebAssembly SIMD kernel | ${spanMs(f)} | | | < 20 ms | ${met(f, (v) => v < 20)} |`,
      );
  }
  for (const f of all.filter((x) => /^continuation \d+ tokens/.test(x.name)))
    rows.push(`| 8 | decoder ${f.name} | ${spanMs(f, 's')} | | | reported | |`);
  const greedyRatio = find(/^greedy .*: ratio/);
  if (greedyRatio)
    rows.push(
      `| 8 | greedy 64 tokens without dropout, one row: KV cache vs a fresh run of the whole prefix per token | | | ${range(greedyRatio, 3)}; ${n(greedyRatio)} | reported | |`,
    );
  const mcaRun = find(/^mc-attention T=32 seq=128: runMcAttention/);
  const mcaSame = find(/^mc-attention T=32 seq=128: the same estimator/);
  const mcaPlain = find(/^mc-attention T=32 seq=128: 32 separate plain/);
  const mcaR1 = find(/^mc-attention: ratio runMcAttention \/ 32 separate/);
  const mcaC1 = find(/^mc-attention: ratio of process CPU time, runMcAttention \/ 32 separate/);
  const mcaR2 = find(/^mc-attention: ratio runMcAttention \/ the same estimator/);
  if (mcaR1)
    rows.push(
      `| 9 | MC attention T = 32, 128 tokens, every layer stochastic: \`runMcAttention\` vs 32 plain attention runs without dropout (a lower bound, not the same estimator) | ${ms(mcaRun)} | ${ms(mcaPlain)} | ${withCpu(mcaR1, mcaC1)}; ${n(mcaR1)} | reported | |`,
    );
  if (mcaR2)
    rows.push(
      `| 9 | MC attention, the same: vs the same estimator in 32 one-row runs | ${ms(mcaRun)} | ${ms(mcaSame)} | ${range(mcaR2)}; ${n(mcaR2)} | reported | |`,
    );
  for (const f of all.filter((x) => /^calibration, /.test(x.name)))
    rows.push(
      `| 10 | ${f.name.replace(/^calibration, /, 'calibration mode: ')} | ${spanMs(f, 's')} | | | reported | |`,
    );
  const cold = find(/^startup: .* cold/);
  const warm = find(/^startup: .* warm/);
  rows.push(
    `| 6 | start-up to "model ready", cold (vite preview, fresh profile) | ${cold ? `${secs(cold)} (${(cold.min / 1000).toFixed(1)}–${(cold.max / 1000).toFixed(1)}); ${n(cold)}` : ''} | | | | |`,
  );
  rows.push(
    `| 6 | start-up, warm (second visit, service-worker cache) | ${warm ? `${secs(warm)} (${(warm.min / 1000).toFixed(1)}–${(warm.max / 1000).toFixed(1)}); ${n(warm)}` : ''} | | | | |`,
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
  for (const [how, target] of [
    ['vite preview as it is', null],
    ['as a static host serves them', 20],
  ] as const) {
    const f = find(new RegExp(`^first visit: bytes on the wire .*${how}`));
    if (!f) continue;
    const model = (f.details?.modelOnnxRequests as number[] | undefined) ?? [];
    rows.push(
      `| 7 | first visit, bytes on the wire until model ready and precache complete (service worker on), ${target ? 'assets/ as a static host serves them (gzip incl. .wasm, cacheable)' : 'vite preview as it is (no-store, .wasm not compressed)'}; model.onnx sent ${[...new Set(model)].join('/')}×, onnxruntime .wasm ${[...new Set((f.details?.wasmRequests as number[] | undefined) ?? [])].join('/')}× | ${f.median.toFixed(1)} MB (${f.min.toFixed(1)}–${f.max.toFixed(1)}); ${n(f)} | | | ${target ? `≤ ${target} MB` : 'reported'} | ${target ? met(f, (v) => v <= target) : ''} |`,
    );
  }
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
