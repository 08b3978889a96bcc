/**
 * Nothing the user pastes is ever inserted as HTML: the source has no `{@html …}` block and no
 * innerHTML / outerHTML assignment, insertAdjacentHTML, document.write or createContextualFragment.
 * Svelte's text interpolation and d3's .text() escape; these are the ways around them.
 * (tests/e2e/security.test.ts checks the running app with script-like input.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(process.cwd(), 'src');
const SINKS: [string, RegExp][] = [
  ['{@html', /\{@html\b/],
  ['.innerHTML =', /\.innerHTML\s*\+?=/],
  ['.outerHTML =', /\.outerHTML\s*\+?=/],
  ['insertAdjacentHTML', /insertAdjacentHTML/],
  ['document.write', /document\.write(ln)?\s*\(/],
  ['createContextualFragment', /createContextualFragment/],
  ['d3 .html(', /\.html\s*\(/],
  ['srcdoc', /\bsrcdoc\b/],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|svelte)$/.test(entry.name) ? [path] : [];
  });
}

describe('no HTML sinks in src', () => {
  it('finds no {@html}, innerHTML, insertAdjacentHTML or similar anywhere under src/', () => {
    const files = sourceFiles(root);
    expect(files.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [name, pattern] of SINKS)
          if (pattern.test(line)) hits.push(`${relative(process.cwd(), file)}:${i + 1} ${name}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
