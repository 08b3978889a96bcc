import { cpus, totalmem, platform, release } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * WASM threads every Node suite uses, for both contenders (configureWasm keeps the first setting for
 * the whole process): one, because the machine has two cores shared with other work.
 */
export const BENCH_THREADS = 1;

/** One measured figure: repeated samples summarised as min / median / max. */
export interface Figure {
  name: string;
  unit: string;
  samples: number[];
  min: number;
  median: number;
  max: number;
  /** Optional context: sizes, targets, ratios, notes. */
  details?: Record<string, unknown>;
}

export interface BenchSuite {
  name: string;
  figures: Figure[];
  notes?: string[];
}

export function summarize(name: string, unit: string, samples: number[], details?: Record<string, unknown>): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { name, unit, samples, min: sorted[0], median, max: sorted[sorted.length - 1], details };
}

/** Wall-clock milliseconds of an async function. */
export async function timeMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * Times two contenders side by side, alternating A, B, then B, A… so machine noise hits both alike,
 * and reports each plus the per-pair ratio A/B (interleaved with one call per sample).
 */
export async function sideBySide(
  name: string,
  contenders: { a: { label: string; run: () => Promise<unknown> }; b: { label: string; run: () => Promise<unknown> } },
  repeats: number,
  warmup = 1,
): Promise<Figure[]> {
  return (await interleaved(name, contenders, repeats, 1, warmup)).slice(0, 3);
}

export function machineInfo(): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const version = (name: string) => {
    // The repo's node_modules, then bench/.contenders/ (tools compared against, see bench/install-contenders.sh).
    for (const base of [
      path.resolve(import.meta.dirname, '..', 'node_modules'),
      path.resolve(import.meta.dirname, '.contenders', 'node_modules'),
    ]) {
      try {
        return (JSON.parse(readFileSync(path.join(base, name, 'package.json'), 'utf8')) as { version: string }).version;
      } catch {
        // not installed there
      }
    }
    return pkg.dependencies[name] ?? pkg.devDependencies[name] ?? null;
  };
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    versions: {
      'onnxruntime-web': version('onnxruntime-web'),
      '@huggingface/transformers': version('@huggingface/transformers'),
      vite: version('vite'),
    },
  };
}

/**
 * Like sideBySide, but finer grained for noisy machines: each sample makes `callsPerSample` calls of
 * each contender, interleaved one by one (A B, then B A, …), and the ratio is taken per sample from
 * the two sums, so load that comes and goes within a sample hits both contenders alike. Reports
 * milliseconds per call for each contender and the per-sample ratio A/B.
 */
export async function interleaved(
  name: string,
  contenders: { a: { label: string; run: () => Promise<unknown> }; b: { label: string; run: () => Promise<unknown> } },
  samples: number,
  callsPerSample: number,
  warmup = 1,
): Promise<Figure[]> {
  for (let i = 0; i < warmup; i++) {
    await contenders.a.run();
    await contenders.b.run();
  }
  const a: number[] = [];
  const b: number[] = [];
  const cpuA: number[] = [];
  const cpuB: number[] = [];
  // Process CPU time as well: a single-threaded contender's CPU time does not grow while other
  // processes hold the cores, so its ratio is steadier than the wall-clock one on a shared machine.
  const timed = async (work: () => Promise<unknown>) => {
    const cpu0 = process.cpuUsage();
    const wall = await timeMs(work);
    const cpu = process.cpuUsage(cpu0);
    return { wall, cpu: (cpu.user + cpu.system) / 1000 };
  };
  let flip = false;
  for (let s = 0; s < samples; s++) {
    const sum = { a: 0, b: 0, cpuA: 0, cpuB: 0 };
    for (let c = 0; c < callsPerSample; c++) {
      const order = flip ? (['b', 'a'] as const) : (['a', 'b'] as const);
      for (const key of order) {
        const t = await timed(contenders[key].run);
        if (key === 'a') {
          sum.a += t.wall;
          sum.cpuA += t.cpu;
        } else {
          sum.b += t.wall;
          sum.cpuB += t.cpu;
        }
      }
      flip = !flip;
    }
    a.push(sum.a / callsPerSample);
    b.push(sum.b / callsPerSample);
    cpuA.push(sum.cpuA / callsPerSample);
    cpuB.push(sum.cpuB / callsPerSample);
  }
  return [
    summarize(`${name}: ${contenders.a.label}`, 'ms', a, { callsPerSample }),
    summarize(`${name}: ${contenders.b.label}`, 'ms', b, { callsPerSample }),
    summarize(
      `${name}: ratio ${contenders.a.label} / ${contenders.b.label}`,
      'ratio',
      a.map((x, i) => x / b[i]),
      { callsPerSample },
    ),
    summarize(
      `${name}: ratio of process CPU time`,
      'ratio',
      cpuA.map((x, i) => x / Math.max(cpuB[i], 1e-6)),
      { callsPerSample },
    ),
  ];
}

/** Calls per sample so that one contender's calls in a sample take about `targetMs` (at least 1). */
export async function callsFor(work: () => Promise<unknown>, targetMs: number): Promise<number> {
  await work();
  const t = await timeMs(work);
  return Math.max(1, Math.min(1000, Math.round(targetMs / Math.max(t, 0.01))));
}

/** Smallest number of repeats any suite reports (the brief of issue #21: n ≥ 7 everywhere). */
export const MIN_REPEATS = 7;

/**
 * Times several contenders in rounds, each round in a rotated order (round r starts with contender r mod k),
 * after `warmup` untimed calls of each. Returns wall and process CPU milliseconds per contender, one
 * entry per round, so ratios can be taken per round.
 */
export async function rotating<K extends string>(
  contenders: { key: K; run: () => Promise<unknown> | unknown }[],
  rounds: number,
  warmup = 1,
): Promise<Record<K, { wall: number[]; cpu: number[] }>> {
  for (let i = 0; i < warmup; i++) for (const c of contenders) await c.run();
  const out = Object.fromEntries(
    contenders.map((c) => [c.key, { wall: [] as number[], cpu: [] as number[] }]),
  ) as Record<K, { wall: number[]; cpu: number[] }>;
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const c = contenders[(r + j) % contenders.length];
      const cpu0 = process.cpuUsage();
      const wall = await timeMs(c.run);
      const cpu = process.cpuUsage(cpu0);
      out[c.key].wall.push(wall);
      out[c.key].cpu.push((cpu.user + cpu.system) / 1000);
    }
  }
  return out;
}

/** Per-round ratios a[i] / b[i]. */
export function ratios(a: number[], b: number[]): number[] {
  return a.map((x, i) => x / Math.max(b[i], 1e-9));
}
