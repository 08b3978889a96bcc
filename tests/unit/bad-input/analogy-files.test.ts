/**
 * Bad analogy test files and word-vector files, through the parsers the worker runs on dropped
 * files: each gives one specific message naming the line.
 */
import { describe, expect, it } from 'vitest';
import { AnalogyFileError, parseAnalogyFile } from '../../../src/core/analogy/analogy-file';
import { parseWordVectorText } from '../../../src/core/analogy/word-vector-text';

const binary = String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 7919 + 13) % 256));

describe('bad analogy files', () => {
  it.each([
    {
      name: '3 words on a line',
      text: ': capital-world\nathens greece baghdad iraq\nparis france berlin\n',
      message: 'Line 3: expected 4 words (a b c d), found 3: "paris france berlin".',
    },
    {
      name: '5 words on a line',
      text: 'athens greece baghdad iraq extra\n',
      message: 'Line 1: expected 4 words (a b c d), found 5: "athens greece baghdad iraq extra".',
    },
    {
      name: 'an unknown section header syntax ([section] instead of ": section")',
      text: '[capital-world]\nathens greece baghdad iraq\n',
      message:
        'Line 1: expected 4 words (a b c d), found 1: "[capital-world]". If it is meant as a section header, start it with a colon, e.g. ": capital-world".',
    },
    {
      name: 'a section header written "name:"',
      text: 'capital world:\nathens greece baghdad iraq\n',
      message:
        'Line 1: expected 4 words (a b c d), found 2: "capital world:". If it is meant as a section header, start it with a colon, e.g. ": capital-world".',
    },
    {
      name: 'an empty file',
      text: '',
      message:
        'The analogy file is empty. It needs lines of four words "a b c d", optionally under ": section" headers.',
    },
    {
      name: 'only section headers and comments',
      text: ': capital-world\n# nothing yet\n: family\n',
      message:
        'The analogy file has no questions, only section headers or comments. It needs lines of four words "a b c d".',
    },
    {
      name: 'a binary file',
      text: binary,
      message:
        'The analogy file is not text: it contains NUL bytes, so it looks like a binary file. It needs plain-text lines of four words "a b c d".',
    },
  ])('$name', ({ text, message }) => {
    expect(() => parseAnalogyFile(text)).toThrow(AnalogyFileError);
    expect(() => parseAnalogyFile(text)).toThrow(message);
    try {
      parseAnalogyFile(text);
    } catch (error) {
      expect((error as Error).message).toBe(message);
    }
  });

  it('sections of any name are read, and empty ones are left out', () => {
    const file = parseAnalogyFile(
      ': my own section\nathens greece baghdad iraq\n: empty\n: another\nking queen man woman\n',
    );
    expect(file.sections.map((s) => [s.name, s.questions.length])).toEqual([
      ['my own section', 1],
      ['another', 1],
    ]);
  });
});

describe('bad word-vector files', () => {
  it.each([
    {
      name: 'inconsistent dimensions',
      text: 'cat 0.1 0.2 0.3\ndog 0.4 0.5 0.6\nfish 0.7 0.8\n',
      message: 'Line 3: "fish" has 2 numbers, expected 3 like the lines before it.',
    },
    {
      name: 'a header whose dimension disagrees with the vectors',
      text: '2 4\ncat 0.1 0.2 0.3\ndog 0.4 0.5 0.6\n',
      message: 'Line 2: "cat" has 3 numbers, expected 4 like the lines before it.',
    },
    {
      name: 'a header announcing more vectors than the file holds (truncated)',
      text: '3 2\ncat 0.1 0.2\ndog 0.3 0.4\n',
      message: 'The header announces 3 vectors but the file holds 2 (truncated?).',
    },
    {
      name: 'a word with no numbers',
      text: 'cat\ndog 0.1\n',
      message: 'Line 1: "cat" has no numbers after it.',
    },
    {
      name: 'a value that is not a number',
      text: 'cat 0.1 0.2\ndog 0.3 abc\n',
      message: 'Line 2: value 2 of "dog" is "abc", not a finite number.',
    },
    {
      name: 'an empty file',
      text: '',
      message: 'The word-vector file is empty.',
    },
    {
      name: 'a binary file (word2vec .bin)',
      text: `3 4\n${binary}`,
      message:
        "Line 2 contains NUL bytes: this is a binary file (perhaps word2vec's .bin format), not the text format. Convert it to text (one word and its numbers per line) and load that.",
    },
  ])('$name', async ({ text, message }) => {
    await expect(parseWordVectorText(text)).rejects.toThrow(message);
    await parseWordVectorText(text).catch((error: Error) => expect(error.message).toBe(message));
  });
});
