// The example analogy file's tune/test halves (models/forge/examples.py): the static word vectors' settings were
// chosen on the tune half and reported on the test half, so the halves must split the whole file cleanly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnalogyFile, type AnalogyFile } from '../../../src/core/analogy';

const examples = path.resolve(import.meta.dirname, '../../../public/examples');
const read = (name: string): AnalogyFile => parseAnalogyFile(readFileSync(path.join(examples, name), 'utf8'));
const lines = (file: AnalogyFile, section: string): string[] =>
  file.sections.find((s) => s.name === section)!.questions.map((q) => `${q.a} ${q.b} ${q.c} ${q.d}`);

describe('analogies-tune.txt and analogies-test.txt', () => {
  const whole = read('analogies.txt');
  const tune = read('analogies-tune.txt');
  const test = read('analogies-test.txt');

  it('split every section of analogies.txt into two disjoint halves of equal size, file order kept', () => {
    for (const half of [tune, test])
      expect(half.sections.map((s) => s.name)).toEqual(whole.sections.map((s) => s.name));
    for (const { name } of whole.sections) {
      const all = lines(whole, name);
      const [a, b] = [lines(tune, name), lines(test, name)];
      expect(a.length).toBe(all.length / 2);
      expect(b.length).toBe(all.length / 2);
      expect(a.filter((q) => b.includes(q))).toEqual([]);
      expect([...a, ...b].sort()).toEqual([...all].sort());
      for (const half of [a, b]) expect(half).toEqual(all.filter((q) => half.includes(q)));
    }
    expect(tune.questionCount + test.questionCount).toBe(whole.questionCount);
  });
});
