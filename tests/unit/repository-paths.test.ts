/**
 * A clone on a stranger's machine has only this repository: no sibling folders (the team's shared folder), no
 * home or temp folders of ours. This guard reads every tracked file under the folders the project runs, builds,
 * benchmarks or cites from, and fails on any path that points outside the repository.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outsidePathsIn } from '../helpers/outside-paths';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GUARDED_FOLDERS = ['src', 'tests', 'bench', 'scripts', '.ci', 'vite-plugins', 'models/forge', 'public'];
const TOP_LEVEL_CONFIG =
  /^(package\.json|tsconfig[\w.-]*\.json|[\w-]+\.config\.[cm]?[jt]s|index\.html|\.[\w-]*rc(\.[\w]+)?)$/;
const TEXT_FILE = /\.(ts|js|mjs|cjs|svelte|json|jsonl|md|html|css|sh|py|txt|yml|yaml)$|(^|\/)run$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'work']);
/** The guard itself spells out what it looks for. */
const GUARD_FILES = new Set(['tests/unit/repository-paths.test.ts', 'tests/helpers/outside-paths.ts']);

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 })
      .split('\0')
      .filter(Boolean);
  } catch {
    // an export without .git: walk the folders instead
    const found: string[] = [];
    const walk = (relative: string): void => {
      for (const name of readdirSync(path.join(repoRoot, relative))) {
        if (SKIPPED_DIRS.has(name)) continue;
        const child = relative ? `${relative}/${name}` : name;
        if (statSync(path.join(repoRoot, child)).isDirectory()) walk(child);
        else found.push(child);
      }
    };
    walk('');
    return found;
  }
}

function guarded(file: string): boolean {
  if (GUARD_FILES.has(file)) return false;
  if (!file.includes('/')) return TOP_LEVEL_CONFIG.test(file);
  return GUARDED_FOLDERS.some((folder) => file.startsWith(`${folder}/`)) && TEXT_FILE.test(file);
}

describe('paths outside the repository', () => {
  it('the rule catches sibling folders, escaping relative paths, home and temp paths, and nothing inside', () => {
    const file = 'tests/unit/labels/example.test.ts';
    const found = (text: string) => outsidePathsIn(text, file).map((hit) => hit.path);
    // The sibling's path is assembled so that this file, too, passes a plain text search for it.
    const sibling = ['..', 'shared'].join('/');
    expect(found(`readFileSync('${sibling}/reference/cleanlab/case1.json')`)).toEqual([
      `${sibling}/reference/cleanlab/case1.json`,
    ]);
    expect(found(`path.resolve(root, '${sibling}')`)).toEqual([sibling]);
    expect(found("import x from '../../../../elsewhere/x'")).toEqual(['../../../../elsewhere/x']);
    expect(found("const home = '/root/.cache/models'; cd /work/main")).toEqual(['/root/.cache/models', '/work/main']);
    expect(found('TMP=$(mktemp -d /tmp/forge.XXXX) and /home/alice/x and /Users/bob and C:\\Users\\carol')).toEqual([
      '/tmp/forge.XXXX',
      '/home/alice/x',
      '/Users/bob',
      'C:\\Users\\carol',
    ]);
    expect(found("import { a } from '../../../src/core/labels'; const p = '../fixtures/x.json'")).toEqual([]);
    expect(found("executablePath: '/usr/bin/chromium', words: '/usr/share/wordnet', mktemp -d -t x.XXXX")).toEqual([]);
  });

  it('no tracked file under src, tests, bench, scripts, .ci, the forge or the top-level configs names one', () => {
    const files = trackedFiles().filter(guarded);
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('tests/fixtures/cleanlab/case1.json');
    const offenders = files.flatMap((file) =>
      outsidePathsIn(readFileSync(path.join(repoRoot, file), 'utf8'), file).map(
        (hit) => `${file}:${hit.line}: ${hit.path}`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
