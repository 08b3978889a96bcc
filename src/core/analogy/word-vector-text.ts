/**
 * (c) word2vec / GloVe text format: optional "count dim" header line, then one vector per line, the word
 * followed by `dim` numbers separated by spaces or tabs. Parsed incrementally: feed chunks with push() (lines
 * may straddle chunks), then finish(). Errors name the line.
 *
 * A first line of exactly two integers is taken as the header. The header's count must match the number of
 * vectors read (a mismatch usually means a truncated download).
 */
import { CancelledError } from '../cancel';
import { createVectorSpace, type VectorSpace } from './vector-space';

export interface TextParseProgress {
  /** Characters consumed so far (compare with the file size for a progress bar; equals bytes for ASCII). */
  characters: number;
  lines: number;
  vectors: number;
}

export class WordVectorTextParser {
  private remainder = '';
  private lineNumber = 0;
  private characters = 0;
  private dim = 0;
  private headerCount: number | null = null;
  private words: string[] = [];
  private data = new Float32Array(0);
  private used = 0;

  constructor(private readonly onProgress?: (progress: TextParseProgress) => void) {}

  push(chunk: string): void {
    this.characters += chunk.length;
    const text = this.remainder + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.parseLine(text.slice(start, end));
      start = end + 1;
    }
    this.remainder = text.slice(start);
    this.onProgress?.({ characters: this.characters, lines: this.lineNumber, vectors: this.words.length });
  }

  finish(): VectorSpace {
    if (this.remainder.length > 0) this.parseLine(this.remainder);
    this.remainder = '';
    if (this.words.length === 0) {
      throw new Error(
        this.lineNumber === 0 ? 'The word-vector file is empty.' : 'The word-vector file has no vectors.',
      );
    }
    if (this.headerCount !== null && this.headerCount !== this.words.length) {
      throw new Error(
        `The header announces ${this.headerCount} vectors but the file holds ${this.words.length} (truncated?).`,
      );
    }
    const vectors = this.data.length === this.used ? this.data : this.data.slice(0, this.used);
    return createVectorSpace(this.words, vectors, { kind: 'static', inPlace: true });
  }

  private parseLine(raw: string): void {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.includes('\u0000')) {
      throw new Error(
        `Line ${this.lineNumber} contains NUL bytes: this is a binary file (perhaps word2vec's .bin format), not the text format. Convert it to text (one word and its numbers per line) and load that.`,
      );
    }
    const fields = line.split(/[ \t]+/).filter((field) => field.length > 0);
    if (fields.length === 0) return; // blank lines carry nothing
    if (this.lineNumber === 1 && fields.length === 2 && /^\d+$/.test(fields[0]) && /^\d+$/.test(fields[1])) {
      this.headerCount = Number(fields[0]);
      this.dim = Number(fields[1]);
      if (this.dim === 0) throw new Error('Line 1: the header announces dimension 0.');
      this.data = new Float32Array(this.headerCount * this.dim);
      return;
    }
    const values = fields.length - 1;
    if (this.dim === 0) {
      if (values === 0) throw new Error(`Line ${this.lineNumber}: "${fields[0]}" has no numbers after it.`);
      this.dim = values;
    }
    if (values !== this.dim) {
      throw new Error(
        `Line ${this.lineNumber}: "${fields[0]}" has ${values} numbers, expected ${this.dim} like the lines before it.`,
      );
    }
    this.reserve(this.used + this.dim);
    for (let d = 1; d <= values; d++) {
      const value = Number(fields[d]);
      if (!Number.isFinite(value)) {
        throw new Error(
          `Line ${this.lineNumber}: value ${d} of "${fields[0]}" is "${fields[d]}", not a finite number.`,
        );
      }
      this.data[this.used++] = value;
    }
    this.words.push(fields[0]);
  }

  private reserve(length: number): void {
    if (length <= this.data.length) return;
    const grown = new Float32Array(Math.max(length, this.data.length * 2, 1024));
    grown.set(this.data.subarray(0, this.used));
    this.data = grown;
  }
}

/** Parses a whole text or a stream of text chunks (e.g. a Blob stream through TextDecoderStream). */
export async function parseWordVectorText(
  source: string | Iterable<string> | AsyncIterable<string>,
  options: { onProgress?: (progress: TextParseProgress) => void; chunkCharacters?: number; signal?: AbortSignal } = {},
): Promise<VectorSpace> {
  const parser = new WordVectorTextParser(options.onProgress);
  const checkAborted = () => {
    if (options.signal?.aborted) throw new CancelledError();
  };
  if (typeof source === 'string') {
    const size = options.chunkCharacters ?? 1 << 20;
    for (let start = 0; start < source.length; start += size) {
      checkAborted();
      parser.push(source.slice(start, start + size));
    }
  } else {
    for await (const chunk of source) {
      checkAborted();
      parser.push(chunk);
    }
  }
  return parser.finish();
}
