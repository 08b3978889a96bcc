/**
 * The layering rules of docs/ARCHITECTURE.md, read from the import statements of src: no import cycles,
 * contracts that import only types, and a core that never imports the worker, the stores or the UI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Import {
  target: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;

function resolve(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return base;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({ target: resolve(file, m[3]), typeOnly: Boolean(m[2]) }));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(ROOT, f);

/**
 * Known cycles, left for their owners: a type-only one inside the labels kernels (FeatureMatrix lives in
 * logistic-regression.ts, which builds the preconditioner that reads it).
 */
const KNOWN_CYCLES = [
  'src/core/labels/logistic-regression.ts → src/core/labels/preconditioner.ts → src/core/labels/logistic-regression.ts',
];

describe('layering', () => {
  it('has no import cycles in src (type imports included)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const { target } of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === 'open')
          cycles.push([...stack.slice(stack.indexOf(target)), target].map(rel).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles.filter((c) => !KNOWN_CYCLES.includes(c))).toEqual([]);
  });

  // A contract may reuse another contract's limits and defaults (a decoder's settings share the MC ones), since
  // contracts have no runtime dependencies themselves; from the rest of core it takes types only.
  it('contracts import only types from core, and values only from other contracts', () => {
    const contractsDir = path.join(SRC, 'core', 'contracts');
    const contracts = files.filter((f) => f.startsWith(contractsDir + path.sep));
    expect(contracts.length).toBeGreaterThan(0);
    const bad = contracts.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter(
          (i) => !i.target.startsWith(path.join(SRC, 'core')) || (!i.typeOnly && !i.target.startsWith(contractsDir)),
        )
        .map((i) => `${rel(f)} → ${rel(i.target)}`),
    );
    expect(bad).toEqual([]);
  });

  it('the stores and the UI reach the engine only through the worker client (types come from contracts)', () => {
    const engine = path.join(SRC, 'core', 'engine');
    const page = files.filter((f) => !f.startsWith(path.join(SRC, 'core')) && !f.startsWith(path.join(SRC, 'worker')));
    const bad = page.flatMap((f) =>
      (graph.get(f) ?? []).filter((i) => i.target.startsWith(engine)).map((i) => `${rel(f)} → ${rel(i.target)}`),
    );
    expect(bad).toEqual([]);
  });

  it('core imports nothing from the worker, the stores or the UI', () => {
    const core = files.filter((f) => f.startsWith(path.join(SRC, 'core')));
    const bad = core.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter((i) => !i.target.startsWith(path.join(SRC, 'core')))
        .map((i) => `${rel(f)} → ${rel(i.target)}`),
    );
    expect(bad).toEqual([]);
  });
});
