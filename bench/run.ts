/**
 * Runs every benchmark suite (bench/suites/*.ts, each exporting `run(): Promise<BenchSuite>`),
 * writes one JSON file per run under bench/results/, and prints a summary table.
 * Usage: npm run bench [-- suiteName ...]
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { machineInfo, type BenchSuite } from './harness';

const suitesDir = path.resolve(import.meta.dirname, 'suites');
const wanted = process.argv.slice(2);
// Every suite in name order, or the named ones in the order given.
const all = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const files = wanted.length > 0 ? wanted.map((name) => `${name}.ts`).filter((f) => all.includes(f)) : all;
const suites: BenchSuite[] = [];
const failures: { suite: string; error: string }[] = [];
const resultsDir = path.resolve(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = path.join(resultsDir, `run-${stamp}.json`);
// Written after every suite, so a long run that is stopped keeps the suites it finished.
const save = () => writeFileSync(file, JSON.stringify({ machine: machineInfo(), suites, failures }, null, 1));

for (const file of files) {
  const name = file.replace(/\.ts$/, '');
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n▶ ${name}`);
  try {
    const module = (await import(pathToFileURL(path.join(suitesDir, file)).href)) as { run: () => Promise<BenchSuite> };
    const suite = await module.run();
    suites.push(suite);
    for (const figure of suite.figures) {
      console.log(
        `  ${figure.name.padEnd(70)} ${fmt(figure.median).padStart(10)} ${figure.unit.padEnd(6)} (min ${fmt(figure.min)}, max ${fmt(figure.max)}, n=${figure.samples.length})`,
      );
    }
    for (const note of suite.notes ?? []) console.log(`  note: ${note}`);
  } catch (error) {
    failures.push({ suite: name, error: String((error as Error).stack ?? error) });
    console.error(`  ✗ ${name} failed: ${(error as Error).message}`);
  }
  save();
}

save();
console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
if (failures.length > 0) process.exitCode = 1;

function fmt(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
