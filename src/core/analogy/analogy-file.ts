/**
 * The common analogy test-set format (Mikolov et al.'s questions-words.txt and the BATS/MSR exports):
 *   : section-name
 *   athens greece baghdad iraq
 * Blank lines and lines starting with '#' are ignored. Questions before the first header go into
 * DEFAULT_SECTION. Sections with the same name are merged. Every question line must have exactly four words.
 */

export const DEFAULT_SECTION = '(no section)';

export interface AnalogyQuestion {
  a: string;
  b: string;
  c: string;
  /** The expected answer. */
  d: string;
  /** 1-based line in the file, for messages. */
  line: number;
}

export interface AnalogySection {
  name: string;
  questions: AnalogyQuestion[];
}

export interface AnalogyFile {
  sections: AnalogySection[];
  questionCount: number;
}

export class AnalogyFileError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'AnalogyFileError';
  }
}

export function parseAnalogyFile(text: string): AnalogyFile {
  const sections = new Map<string, AnalogySection>();
  let current: AnalogySection | null = null;
  let questionCount = 0;
  if (/\u0000/.test(text.slice(0, 1 << 16))) {
    throw new AnalogyFileError(
      'The analogy file is not text: it contains NUL bytes, so it looks like a binary file. It needs plain-text lines of four words "a b c d".',
      null,
    );
  }
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const lineNumber = i + 1;
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith(':')) {
      const name = line.slice(1).trim();
      current = sectionNamed(sections, name === '' ? DEFAULT_SECTION : name);
      return;
    }
    const words = line.split(/\s+/);
    if (words.length !== 4) {
      const headerLike = words.length === 1 || /^\[.*\]$|^=+|:$/.test(line);
      const hint = headerLike
        ? ' If it is meant as a section header, start it with a colon, e.g. ": capital-world".'
        : '';
      throw new AnalogyFileError(
        `Line ${lineNumber}: expected 4 words (a b c d), found ${words.length}: "${line.length > 80 ? `${line.slice(0, 80)}…` : line}".${hint}`,
        lineNumber,
      );
    }
    current ??= sectionNamed(sections, DEFAULT_SECTION);
    const [a, b, c, d] = words;
    current.questions.push({ a, b, c, d, line: lineNumber });
    questionCount++;
  });
  if (questionCount === 0) {
    throw new AnalogyFileError(
      text.trim() === ''
        ? 'The analogy file is empty. It needs lines of four words "a b c d", optionally under ": section" headers.'
        : 'The analogy file has no questions, only section headers or comments. It needs lines of four words "a b c d".',
      null,
    );
  }
  return { sections: [...sections.values()].filter((section) => section.questions.length > 0), questionCount };
}

function sectionNamed(sections: Map<string, AnalogySection>, name: string): AnalogySection {
  let section = sections.get(name);
  if (!section) {
    section = { name, questions: [] };
    sections.set(name, section);
  }
  return section;
}
