/**
 * Figure 4 — label audit on precomputed features, 10,000 × 256, 5 classes, 5 folds: the playground's
 * cross-validated multinomial logistic regression (src/core/labels: crossValPredictProba; confident learning,
 * findLabelIssues, is timed apart and not in any ratio) against scikit-learn's cross-validated
 * LogisticRegression on the same numbers and the same folds (PredefinedSplit), run by
 * bench/python/label_audit_cv.py under Debian's /usr/bin/python3. Rows, each with the probabilities'
 * largest difference from the playground's beside the ratio:
 *   - scikit-learn as a user calls it: LogisticRegression() defaults (lbfgs, tol 1e-4, max_iter 100), raw features;
 *   - scikit-learn's documented recipe: make_pipeline(StandardScaler(), LogisticRegression()), defaults;
 *   - the recipe at the playground's stopping rule: max |gradient of the mean objective| ≤ 1e-7
 *     (tol = 1e-7 × training rows, as scikit-learn 1.2's lbfgs minimises the sum; max_iter 10,000). Target ≤ 1.0.
 * Plus one loss-and-gradient evaluation on fold 0's 8,000 training rows: the playground's objective (WebAssembly
 * SIMD kernels, and its plain-JS loops) against scikit-learn's LinearModelLoss.loss_gradient (OpenBLAS). Target ≤ 1.5.
 *
 * Two seeded synthetic data sets: independent features ("random") and correlated, non-centred ones with a
 * decaying spectrum ("correlated"), which is how real sentence embeddings look and what slows solvers down.
 * Everything single-threaded: OPENBLAS_NUM_THREADS=1 etc. for Python, with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE removed together (the env guide: they are set on this machine for old OpenBLAS builds
 * and slow a current one down); the kernel OpenBLAS then picks, as threadpoolctl reports it, is recorded.
 * Contenders alternate in rotating order, n ≥ 7, and each ratio is taken per round. Wall and process CPU
 * time are both reported (Python's time.process_time, Node's process.cpuUsage).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crossValPredictProba } from '../../src/core/labels/cross-validation';
import { findLabelIssues } from '../../src/core/labels/filter';
import { foldSplit, stratifiedFoldAssignment } from '../../src/core/labels/folds';
import { makeObjective, type FeatureMatrix } from '../../src/core/labels/logistic-regression';
import { makeWasmObjective, prepareWasmFeatures } from '../../src/core/labels/wasm-objective';
import { createRng } from '../../src/core/random';
import { summarize, type BenchSuite, type Figure } from '../harness';

const [ROWS, COLS, CLASSES, FOLDS] = [10_000, 256, 5, 5];
const REPEATS = Math.max(7, Number(process.env.BENCH_LABELS_REPEATS ?? 7));
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(import.meta.dirname, '..', 'python', 'label_audit_cv.py');
/** The playground's stopping rule (its default): max |∇(objective / n)| ≤ this. */
const GRADIENT_TOLERANCE = 1e-7;
/** Evaluations per sample of the per-evaluation figure (median taken within the sample). */
const EVALUATIONS = 21;

export function randomData(seed: number): { X: FeatureMatrix; labels: Int32Array } {
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: CLASSES * COLS }, () => rng.nextNormal() * 0.05);
  const labels = Int32Array.from({ length: ROWS }, () => rng.nextInt(CLASSES));
  const data = new Float32Array(ROWS * COLS);
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < COLS; j++) data[i * COLS + j] = 0.5 + centres[labels[i] * COLS + j] + rng.nextNormal();
  }
  return { X: { data, rows: ROWS, cols: COLS }, labels };
}

/** Mixes independent features through a random matrix whose scales fall from 1 to ~1/30. */
export function correlatedData(seed: number): { X: FeatureMatrix; labels: Int32Array } {
  const { X, labels } = randomData(seed);
  const rng = createRng(seed + 1);
  const mix = new Float64Array(COLS * COLS);
  for (let a = 0; a < COLS; a++) {
    const scale = 1 / (1 + a / 8);
    for (let b = 0; b < COLS; b++) mix[a * COLS + b] = (rng.nextNormal() * scale) / Math.sqrt(COLS);
  }
  const data = new Float32Array(ROWS * COLS);
  const row = new Float64Array(COLS);
  for (let i = 0; i < ROWS; i++) {
    row.fill(0.3);
    for (let a = 0; a < COLS; a++) {
      const v = X.data[i * COLS + a] - 0.5;
      for (let b = 0; b < COLS; b++) row[b] += v * mix[a * COLS + b];
    }
    data.set(row, i * COLS);
  }
  return { X: { data, rows: ROWS, cols: COLS }, labels };
}

type Mode = 'defaults' | 'recipe' | 'recipe-equal' | 'converged';

interface PythonRun {
  seconds: number;
  cpuSeconds: number;
  mode: Mode;
  maxGradient: number;
  iterationsPerFold: number[];
  sklearn: string;
  numpy: string;
  python: string;
  blas: { internal_api: string; version: string | null; architecture: string | null; num_threads: number }[];
  convergenceWarnings: number;
}

/** The process environment for Python: one thread, and the two OpenBLAS variables removed together. */
function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function python(dir: string, args: string[]): string {
  const out = execFileSync(PYTHON, [SCRIPT, dir, String(ROWS), String(COLS), ...args], {
    env: pythonEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  });
  return out.trim().split('\n').pop()!;
}

function runPython(dir: string, mode: Mode): PythonRun & { probabilities: Float64Array } {
  const result = JSON.parse(python(dir, [mode, String(GRADIENT_TOLERANCE)])) as PythonRun;
  const probabilities = new Float64Array(
    new Uint8Array(readFileSync(path.join(dir, `sklearn-probs-${mode}.f64`))).buffer,
  );
  return { ...result, probabilities };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function medianOf(values: number[]): number {
  return summarize('', '', values).median;
}

const SKLEARN_ROWS: { mode: Mode; label: string }[] = [
  {
    mode: 'defaults',
    label: 'scikit-learn as a user calls it (LogisticRegression() defaults: lbfgs, tol 1e-4, max_iter 100)',
  },
  { mode: 'recipe', label: "scikit-learn's documented recipe (StandardScaler + lbfgs), defaults" },
  {
    mode: 'recipe-equal',
    label: `scikit-learn's documented recipe (StandardScaler + lbfgs) at the playground's stopping rule (max |∇ mean objective| ≤ ${GRADIENT_TOLERANCE})`,
  },
];

async function compare(
  name: string,
  { X, labels }: { X: FeatureMatrix; labels: Int32Array },
  dir: string,
): Promise<{ figures: Figure[]; notes: string[]; blas: PythonRun['blas'] | null }> {
  const foldAssignment = stratifiedFoldAssignment(labels, CLASSES, { folds: FOLDS, seed: 0 });
  writeFileSync(path.join(dir, 'features.f32'), new Uint8Array(Float32Array.from(X.data).buffer));
  writeFileSync(path.join(dir, 'labels.i32'), new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  writeFileSync(
    path.join(dir, 'folds.i32'),
    new Uint8Array(foldAssignment.buffer, foldAssignment.byteOffset, foldAssignment.byteLength),
  );
  const labelList = Array.from(labels);
  const label = `label audit ${name} ${ROWS}×${COLS}, ${CLASSES} classes, ${FOLDS} folds`;

  // ---- whole cross-validations, interleaved in rotating order ----
  let ours: ReturnType<typeof crossValPredictProba> | null = null;
  const oursMs: number[] = [];
  const oursCpuMs: number[] = [];
  const clMs: number[] = [];
  let flagged = 0;
  const theirs = new Map<
    Mode,
    { ms: number[]; cpuMs: number[]; last: (PythonRun & { probabilities: Float64Array }) | null }
  >(SKLEARN_ROWS.map((r) => [r.mode, { ms: [], cpuMs: [], last: null }]));
  const contenders: (() => void)[] = [
    () => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      ours = crossValPredictProba(X, labels, {
        C: 1,
        numClasses: CLASSES,
        foldAssignment,
        tolerance: GRADIENT_TOLERANCE,
      });
      oursMs.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      oursCpuMs.push((cpu.user + cpu.system) / 1000);
      const t1 = performance.now();
      flagged = findLabelIssues(labelList, ours.probabilityRows).filter(Boolean).length;
      clMs.push(performance.now() - t1);
    },
    ...SKLEARN_ROWS.map(({ mode }) => () => {
      const run = runPython(dir, mode);
      const slot = theirs.get(mode)!;
      slot.ms.push(run.seconds * 1000);
      slot.cpuMs.push(run.cpuSeconds * 1000);
      slot.last = run;
    }),
  ];
  for (let r = 0; r < REPEATS; r++) {
    for (let j = 0; j < contenders.length; j++) contenders[(r + j) % contenders.length]();
  }
  const probs = (ours as ReturnType<typeof crossValPredictProba> | null)!.probabilities;
  const iterations = (ours as ReturnType<typeof crossValPredictProba> | null)!.iterationsPerFold;

  const figures: Figure[] = [
    summarize(`${label}: playground crossValPredictProba`, 'ms', oursMs, { iterationsPerFold: iterations }),
    summarize(`${label}: playground crossValPredictProba, process CPU time`, 'ms', oursCpuMs),
    summarize(`${label}: playground findLabelIssues (confident learning; in no ratio)`, 'ms', clMs, { flagged }),
  ];
  const notes: string[] = [];
  for (const { mode, label: who } of SKLEARN_ROWS) {
    const slot = theirs.get(mode)!;
    const run = slot.last!;
    const diff = maxAbsDiff(probs, run.probabilities);
    figures.push(
      summarize(`${label}: ${who}`, 'ms', slot.ms, {
        iterationsPerFold: run.iterationsPerFold,
        convergenceWarnings: run.convergenceWarnings,
      }),
    );
    const ratio = summarize(
      `${label}: ratio playground / ${who}${mode === 'recipe-equal' ? ' (target ≤ 1.0)' : ''}`,
      'ratio',
      oursMs.map((t, i) => t / slot.ms[i]),
      {
        maxAbsProbabilityDifference: diff,
        ...(mode === 'recipe-equal' ? { target: 1 } : {}),
      },
    );
    if (mode === 'recipe-equal') ratio.details!.met = ratio.median <= 1;
    figures.push(
      ratio,
      summarize(
        `${label}: ratio of process CPU time, playground / ${who}`,
        'ratio',
        oursCpuMs.map((t, i) => t / slot.cpuMs[i]),
      ),
      summarize(`${label}: max |Δ probability| playground vs ${who}`, 'abs', [diff]),
    );
    notes.push(
      `${name}: playground / ${who}: ${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}), probabilities differ by ≤ ${diff.toExponential(1)}; scikit-learn iterations per fold ${run.iterationsPerFold.join(', ')}${run.convergenceWarnings ? `, ConvergenceWarning on ${run.convergenceWarnings} of ${FOLDS} folds` : ''} (playground: ${iterations.join(', ')}).`,
    );
  }

  // ---- the optimum, for the probability check ----
  const checkOptimum = name === 'random' || process.env.BENCH_LABELS_OPTIMUM === 'all';
  if (checkOptimum) {
    const converged = runPython(dir, 'converged');
    const maxDiff = maxAbsDiff(probs, converged.probabilities);
    figures.push(
      summarize(
        `${label}: max |Δ probability| playground vs the exact optimum (scikit-learn newton-cg, tol 1e-10, raw features)`,
        'abs',
        [maxDiff],
        { maxGradient: converged.maxGradient, tolerance: 1e-6, met: maxDiff <= 1e-6 },
      ),
    );
    notes.push(
      `${name}: playground vs the exact optimum (newton-cg tol 1e-10, max |gradient| ${converged.maxGradient.toExponential(1)}): ${maxDiff.toExponential(2)} (≤ 1e-6: ${maxDiff <= 1e-6 ? 'yes' : 'NO'}).`,
    );
  } else {
    notes.push(
      `${name}: optimum check skipped (BENCH_LABELS_OPTIMUM=all runs it; scikit-learn's newton-cg needs minutes here).`,
    );
  }

  // ---- one loss-and-gradient evaluation on fold 0's training rows ----
  const { train } = foldSplit(foldAssignment, 0);
  const rows = Int32Array.from(train);
  const target = Int32Array.from(rows, (r) => labels[r]);
  const mean = new Float64Array(COLS);
  for (const r of rows) for (let j = 0; j < COLS; j++) mean[j] += X.data[r * COLS + j];
  for (let j = 0; j < COLS; j++) mean[j] /= rows.length;
  const rng = createRng(0);
  const theta = Float64Array.from({ length: CLASSES * (COLS + 1) }, () => rng.nextNormal() * 0.01);
  const grad = new Float64Array(theta.length);
  const wasmObjective = makeWasmObjective(prepareWasmFeatures(X, CLASSES)!, rows, target, CLASSES, mean, 1)!;
  const jsObjective = makeObjective(X, rows, target, CLASSES, mean, 1);
  const timeEvaluations = (f: (t: Float64Array, g: Float64Array) => number) => {
    f(theta, grad);
    f(theta, grad);
    const t: number[] = [];
    for (let i = 0; i < EVALUATIONS; i++) {
      const t0 = performance.now();
      f(theta, grad);
      t.push(performance.now() - t0);
    }
    return medianOf(t);
  };
  const evalWasm: number[] = [];
  const evalJs: number[] = [];
  const evalSk: number[] = [];
  const evalContenders = [
    () => evalWasm.push(timeEvaluations(wasmObjective)),
    () => evalJs.push(timeEvaluations(jsObjective)),
    () => {
      const out = JSON.parse(python(dir, ['evaluation', '0', String(EVALUATIONS)])) as { evaluationMs: number[] };
      evalSk.push(medianOf(out.evaluationMs));
    },
  ];
  for (let r = 0; r < REPEATS; r++) {
    for (let j = 0; j < evalContenders.length; j++) evalContenders[(r + j) % evalContenders.length]();
  }
  const evalLabel = `label audit ${name}: one loss + gradient evaluation, ${rows.length} rows × ${COLS} × ${CLASSES} classes`;
  const evalRatio = summarize(
    `${evalLabel}: ratio playground WebAssembly SIMD / scikit-learn loss_gradient (OpenBLAS, 1 thread) (target ≤ 1.5)`,
    'ratio',
    evalWasm.map((t, i) => t / evalSk[i]),
  );
  evalRatio.details = { target: 1.5, met: evalRatio.median <= 1.5 };
  figures.push(
    summarize(`${evalLabel}: playground, WebAssembly SIMD kernels`, 'ms', evalWasm, {
      evaluationsPerSample: EVALUATIONS,
    }),
    summarize(`${evalLabel}: playground, plain-JS loops (before)`, 'ms', evalJs, { evaluationsPerSample: EVALUATIONS }),
    summarize(`${evalLabel}: scikit-learn LinearModelLoss.loss_gradient, standardised features`, 'ms', evalSk, {
      evaluationsPerSample: EVALUATIONS,
    }),
    evalRatio,
    summarize(
      `${evalLabel}: ratio playground plain-JS loops / scikit-learn loss_gradient`,
      'ratio',
      evalJs.map((t, i) => t / evalSk[i]),
    ),
  );
  return { figures, notes, blas: theirs.get('recipe')!.last!.blas };
}

export async function run(): Promise<BenchSuite> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing.`);
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn, numpy, threadpoolctl'], { stdio: 'ignore' });
  } catch {
    return {
      name: 'label-audit',
      figures: [],
      notes: [
        'scikit-learn or threadpoolctl is not installed for /usr/bin/python3: apt-get install -y python3-sklearn python3-threadpoolctl (or bash bench/install-contenders.sh).',
      ],
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-label-audit-'));
  try {
    const figures: Figure[] = [];
    const notes: string[] = [];
    let blas: PythonRun['blas'] | null = null;
    for (const [name, data] of [
      ['random', randomData(42)],
      ['correlated', correlatedData(42)],
    ] as const) {
      const result = await compare(name, data, dir);
      figures.push(...result.figures);
      notes.push(...result.notes);
      blas = result.blas;
    }
    const py = JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import json,sys,sklearn,numpy;print(json.dumps([sys.version.split()[0],sklearn.__version__,numpy.__version__]))',
        ],
        { encoding: 'utf8' },
      ),
    ) as string[];
    const kernel = blas?.find((b) => b.internal_api === 'openblas');
    notes.unshift(
      `Python ${py[0]}, scikit-learn ${py[1]}, numpy ${py[2]} (Debian), OpenBLAS ${kernel?.version ?? '?'} with kernel ${kernel?.architecture ?? '?'} (threadpoolctl; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this process), ${kernel?.num_threads ?? '?'} thread; timed inside Python (start-up and file reading excluded). Playground: crossValPredictProba (preconditioned, warm-started L-BFGS to max |∇ mean objective| ≤ ${GRADIENT_TOLERANCE}, passes over X in WebAssembly SIMD) in Node. ${REPEATS} rounds, contenders in rotating order.`,
    );
    return { name: 'label-audit', figures, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
