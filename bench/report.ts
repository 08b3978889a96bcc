/**
 * Prints a results file (bench/results/run-*.json; the newest when none is given) as Markdown tables,
 * one per suite, for docs/PERFORMANCE.md.
 * Usage: npx tsx bench/report.ts [bench/results/run-….json] [suite ...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchSuite } from './harness';

const args = process.argv.slice(2);
const resultsDir = path.resolve(import.meta.dirname, 'results');
const fileArg = args.find((a) => a.endsWith('.json'));
const wanted = args.filter((a) => !a.endsWith('.json'));
const file = fileArg ?? path.join(resultsDir, readdirSync(resultsDir).filter((f) => /^run-.*\.json$/.test(f)).sort().pop()!);
const run = JSON.parse(readFileSync(file, 'utf8')) as { machine: Record<string, unknown>; suites: BenchSuite[]; failures: { suite: string }[] };

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v === 0 ? '0' : v.toPrecision(3));
console.log(`Results: \`${path.relative(process.cwd(), file)}\` — ${JSON.stringify(run.machine)}\n`);
for (const suite of run.suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  console.log(`### ${suite.name}\n`);
  console.log('| figure | median | min | max | n |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const f of suite.figures) {
    const met = f.details && typeof f.details.met === 'boolean' ? (f.details.met ? ' ✅' : ' ❌') : '';
    console.log(`| ${f.name.replace(/\|/g, '\\|')} | **${fmt(f.median)}** ${f.unit}${met} | ${fmt(f.min)} | ${fmt(f.max)} | ${f.samples.length} |`);
  }
  for (const note of suite.notes ?? []) console.log(`\n- ${note}`);
  console.log('');
}
for (const failure of run.failures ?? []) console.log(`- suite ${failure.suite} FAILED in this run`);
