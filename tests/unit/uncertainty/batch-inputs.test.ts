/** The MC-dropout batch inputs read from a file in the label tool's format (in the worker, through the engine). */
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_INPUTS } from '../../../src/core/contracts/uncertainty';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { readBatchInputs } from '../../../src/core/uncertainty/batch-inputs';

describe('readBatchInputs', () => {
  it('takes every text, whitespace collapsed, with its label when every text has one', () => {
    const read = readBatchInputs('review,label\n"A  dog\nran.",animal\nThe soup.,food\n');
    expect(read).toMatchObject({ texts: ['A dog ran.', 'The soup.'], labels: ['animal', 'food'], total: 2 });
    expect(read.textColumn).toBe('review');
  });

  it('keeps the texts of rows without a label, but then no labels', () => {
    const read = readBatchInputs('text,label\nfirst,a\nsecond,\n');
    expect(read.texts).toEqual(['first', 'second']);
    expect(read.labels).toBeNull();
  });

  it(`cuts to the first ${MAX_BATCH_INPUTS} texts and says how many there were`, () => {
    const lines = Array.from({ length: MAX_BATCH_INPUTS + 5 }, (_, i) => `text ${i},${i % 2 ? 'a' : 'b'}`);
    const read = readBatchInputs(`text,label\n${lines.join('\n')}\n`);
    expect(read.texts).toHaveLength(MAX_BATCH_INPUTS);
    expect(read.labels).toHaveLength(MAX_BATCH_INPUTS);
    expect(read.total).toBe(MAX_BATCH_INPUTS + 5);
  });

  it('a file with no texts has none, and the parse says why', () => {
    const read = readBatchInputs('just one column\nand another line\n');
    expect(read.total).toBe(0);
    expect(read.problems.join(' ')).toMatch(/second column/);
  });

  it('the engine reads a dropped file (a Blob) as UTF-8, as the page did', async () => {
    const engine = new PlaygroundEngine({
      appBase: 'http://localhost/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    const read = await engine.readBatchInputs(new Blob(['text,label\ncafé au lait,drink\nbread,food\n']));
    expect(read.texts).toEqual(['café au lait', 'bread']);
  });
});
