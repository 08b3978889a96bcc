/**
 * `npm run fuzz`: the full fuzz run, 10,000 mutated copies of the default model and 10,000 random
 * labeled-text inputs. Options: --cases N, --seed S, --target onnx|labels|all. Exits non-zero on any
 * failure and prints each failure with its case number (rerun one with the same seed to reproduce).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fuzzLabels, fuzzOnnx, summarize, type FuzzReport } from './fuzz';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string', default: 'all' },
  },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
const folder = path.resolve(import.meta.dirname, '../../models/playground-bert-mini');

const progress = (label: string) => (caseIndex: number, report: FuzzReport) => {
  if ((caseIndex + 1) % 1000 === 0)
    console.log(
      `  ${label} ${caseIndex + 1}/${cases}: ${report.failures.length} failures, slowest ${Math.round(report.slowestMs)} ms`,
    );
};

const reports: FuzzReport[] = [];
if (values.target === 'all' || values.target === 'onnx') {
  const bytes = new Uint8Array(readFileSync(path.join(folder, 'onnx', 'model.onnx')));
  const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  reports.push(fuzzOnnx(bytes, config, { cases, seed, onCase: progress('onnx') }));
}
if (values.target === 'all' || values.target === 'labels')
  reports.push(fuzzLabels({ cases, seed, onCase: progress('labels') }));

for (const report of reports) {
  console.log(summarize(report));
  for (const failure of report.failures.slice(0, 20))
    console.log(
      `  case ${failure.caseIndex} [${failure.step}] ${failure.mutation}\n    ${failure.error.replace(/\n/g, '\n    ')}`,
    );
  if (report.failures.length > 20) console.log(`  … and ${report.failures.length - 20} more`);
}
process.exitCode = reports.some((r) => r.failures.length > 0) ? 1 : 0;
