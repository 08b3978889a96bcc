/**
 * Seeded fuzzing of the two places that read untrusted bytes: the ONNX decoder with the graph surgery
 * that follows it, and the labeled-text ingestion. Every case is reproducible from (seed, case
 * number). A case passes when the code returns, or throws one of its own typed errors (OnnxFormatError,
 * OnnxGraphError, LabelInputError) with a message; anything else — a TypeError or RangeError from inside,
 * a non-Error throw, a broken invariant, a case slower than the time limit — is a failure.
 *
 * Used by tests/unit/fuzz.test.ts (a few hundred cases in `npm test`) and tests/fuzz/run.ts
 * (`npm run fuzz`, 10,000 cases each).
 */
import {
  decodeModel,
  describeModel,
  encodeModel,
  exposeAttention,
  insertMcDropout,
  OnnxFormatError,
  OnnxGraphError,
  readTokenEmbeddings,
  type OnnxModel,
  type OnnxTensor,
} from '../../src/core/onnx';
import { decodeTextBytes, parseLabeledText, type ParseLabeledTextOptions } from '../../src/core/labels';
import { LabelInputError } from '../../src/core/labels/validation';
import { createRng, type Rng } from '../../src/core/random';

export interface FuzzFailure {
  caseIndex: number;
  step: string;
  mutation: string;
  error: string;
}

export interface FuzzReport {
  target: string;
  seed: number;
  cases: number;
  /** Cases where every step returned normally. */
  clean: number;
  /** How many times each typed error was thrown (a case can throw in several steps). */
  typedErrors: Record<string, number>;
  failures: FuzzFailure[];
  slowestMs: number;
  slowestCase: number;
  totalMs: number;
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** A case slower than this is a failure (default 5 s). */
  timeLimitMs?: number;
  /** Called after every case (for progress lines). */
  onCase?: (caseIndex: number, report: FuzzReport) => void;
}

const TYPED_ERRORS = [OnnxFormatError, OnnxGraphError, LabelInputError];

/** Runs one step; returns 'ok', the typed error's name, or records a failure and returns 'failed'. */
function step(report: FuzzReport, caseIndex: number, name: string, mutation: string, run: () => void): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (TYPED_ERRORS.some((type) => error instanceof type) && (error as Error).message.length > 0) {
      const key = `${name}: ${(error as Error).name}`;
      report.typedErrors[key] = (report.typedErrors[key] ?? 0) + 1;
      return (error as Error).name;
    }
    const text =
      error instanceof Error
        ? `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}`
        : `non-Error thrown: ${String(error)}`;
    report.failures.push({ caseIndex, step: name, mutation, error: text });
    return 'failed';
  }
}

function newReport(target: string, options: FuzzOptions): FuzzReport {
  return {
    target,
    seed: options.seed,
    cases: 0,
    clean: 0,
    typedErrors: {},
    failures: [],
    slowestMs: 0,
    slowestCase: -1,
    totalMs: 0,
  };
}

function timeCase(
  report: FuzzReport,
  options: FuzzOptions,
  caseIndex: number,
  mutation: string,
  run: () => boolean,
): void {
  const start = performance.now();
  const clean = run();
  const ms = performance.now() - start;
  report.cases++;
  if (clean) report.clean++;
  if (ms > report.slowestMs) {
    report.slowestMs = ms;
    report.slowestCase = caseIndex;
  }
  if (ms > (options.timeLimitMs ?? 5000))
    report.failures.push({ caseIndex, step: 'time', mutation, error: `took ${Math.round(ms)} ms` });
  report.totalMs += ms;
  options.onCase?.(caseIndex, report);
}

// ---------------------------------------------------------------------------------------------
// Byte mutations

/** Byte ranges of a model that are not tensor payloads (raw_data): where structure lives. */
export function structuralRanges(bytes: Uint8Array): [number, number][] {
  const model = decodeModel(bytes);
  const payloads: [number, number][] = [];
  const visit = (tensor: OnnxTensor | null | undefined) => {
    const raw = tensor?.rawData;
    if (raw && raw.byteLength > 0 && raw.buffer === bytes.buffer) {
      const start = raw.byteOffset - bytes.byteOffset;
      payloads.push([start, start + raw.byteLength]);
    }
  };
  const visitGraph = (graph: OnnxModel['graph']) => {
    graph.initializer.forEach(visit);
    for (const node of graph.node) for (const attribute of node.attribute ?? []) visit(attribute.t);
  };
  visitGraph(model.graph);
  payloads.sort((a, b) => a[0] - b[0]);
  const ranges: [number, number][] = [];
  let at = 0;
  for (const [start, end] of payloads) {
    if (start > at) ranges.push([at, start]);
    at = Math.max(at, end);
  }
  if (at < bytes.byteLength) ranges.push([at, bytes.byteLength]);
  return ranges;
}

const SPECIAL_BYTES = [0x00, 0xff, 0x80, 0x7f, 0x01, 0x08, 0x0a, 0x10, 0x12, 0x1a, 0x22, 0x2a, 0x3a, 0x42];

/** 1–4 seeded mutations (byte flips, special bytes, huge varints, insertions, deletions, truncation). */
export function mutateBytes(
  source: Uint8Array,
  rng: Rng,
  structural: [number, number][],
): { bytes: Uint8Array; mutation: string } {
  const structuralTotal = structural.reduce((sum, [a, b]) => sum + (b - a), 0);
  let bytes = new Uint8Array(source);
  const applied: string[] = [];
  const position = () => {
    if (structuralTotal > 0 && rng.nextFloat() < 0.8) {
      let offset = rng.nextInt(structuralTotal);
      for (const [a, b] of structural) {
        if (offset < b - a) return Math.min(a + offset, bytes.byteLength - 1);
        offset -= b - a;
      }
    }
    return rng.nextInt(bytes.byteLength);
  };
  const splice = (at: number, remove: number, insert: Uint8Array) => {
    const out = new Uint8Array(bytes.byteLength - remove + insert.byteLength);
    out.set(bytes.subarray(0, at));
    out.set(insert, at);
    out.set(bytes.subarray(at + remove), at + insert.byteLength);
    bytes = out;
  };
  const count = 1 + rng.nextInt(4);
  for (let i = 0; i < count && bytes.byteLength > 0; i++) {
    const at = position();
    const kind = rng.nextInt(8);
    if (kind <= 1) {
      const bit = rng.nextInt(8);
      bytes[at] ^= 1 << bit;
      applied.push(`flip bit ${bit} @${at}`);
    } else if (kind === 2) {
      const value = SPECIAL_BYTES[rng.nextInt(SPECIAL_BYTES.length)];
      bytes[at] = value;
      applied.push(`set 0x${value.toString(16)} @${at}`);
    } else if (kind === 3) {
      const length = 1 + rng.nextInt(10);
      const varint = new Uint8Array(length).fill(0xff);
      varint[length - 1] = rng.nextInt(128);
      splice(at, Math.min(length, bytes.byteLength - at), varint);
      applied.push(`varint(${length}) @${at}`);
    } else if (kind === 4) {
      const length = 1 + rng.nextInt(rng.nextFloat() < 0.8 ? 16 : 4096);
      const insert = new Uint8Array(length);
      if (rng.nextFloat() < 0.5) for (let k = 0; k < length; k++) insert[k] = rng.nextInt(256);
      else {
        const from = position();
        insert.set(source.subarray(from, Math.min(source.byteLength, from + length)));
      }
      splice(at, 0, insert);
      applied.push(`insert ${length} @${at}`);
    } else if (kind === 5 || kind === 6) {
      const length = Math.min(bytes.byteLength - at, 1 + rng.nextInt(rng.nextFloat() < 0.8 ? 16 : 4096));
      splice(at, length, new Uint8Array(0));
      applied.push(`delete ${length} @${at}`);
    } else {
      bytes = bytes.slice(0, at);
      applied.push(`truncate @${at}`);
    }
  }
  return { bytes, mutation: applied.join(', ') };
}

const OP_TYPES = [
  'Softmax',
  'MatMul',
  'Gather',
  'Add',
  'Mul',
  'Reshape',
  'Transpose',
  'Where',
  'Cast',
  'Identity',
  'LayerNormalization',
  'Attention',
  'Div',
  '',
];
const NASTY_DIMS = [0, -1, 1, 3, 7, 128, 8000, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER];

/**
 * 1–3 mutations of the decoded model that keep it valid protobuf, so they reach the graph surgery:
 * nodes removed, duplicated, reordered, retyped or rewired (cycles included), tensors with wrong
 * dims, types or payload sizes, attributes with wild values, graph inputs and outputs removed.
 */
export function mutateModel(source: Uint8Array, rng: Rng): { bytes: Uint8Array; mutation: string } {
  const model = decodeModel(source);
  const graph = model.graph;
  const applied: string[] = [];
  const pick = <T>(items: T[]): T | undefined => (items.length > 0 ? items[rng.nextInt(items.length)] : undefined);
  const names = () => [
    ...graph.node.flatMap((n) => [...n.input, ...n.output]),
    ...graph.initializer.map((t) => t.name ?? ''),
  ];
  const count = 1 + rng.nextInt(3);
  for (let i = 0; i < count; i++) {
    const kind = rng.nextInt(12);
    const at = rng.nextInt(Math.max(1, graph.node.length));
    const node = graph.node[at];
    if (kind === 0 && node) {
      graph.node.splice(at, 1);
      applied.push(`remove node ${at}`);
    } else if (kind === 1 && node) {
      node.opType = pick(OP_TYPES);
      applied.push(`node ${at} op → ${node.opType}`);
    } else if (kind === 2 && node && node.input.length > 0) {
      const slot = rng.nextInt(node.input.length);
      node.input[slot] =
        rng.nextFloat() < 0.2 ? '' : rng.nextFloat() < 0.3 ? `missing_${rng.nextInt(9)}` : (pick(names()) ?? '');
      applied.push(`node ${at} input ${slot} → "${node.input[slot]}"`);
    } else if (kind === 3 && node && node.output.length > 0) {
      node.output[0] = rng.nextFloat() < 0.5 ? (pick(names()) ?? '') : (pick(node.input) ?? '');
      applied.push(`node ${at} output → "${node.output[0]}"`);
    } else if (kind === 4 && node) {
      const other = rng.nextInt(graph.node.length);
      [graph.node[at], graph.node[other]] = [graph.node[other], graph.node[at]];
      applied.push(`swap nodes ${at} ${other}`);
    } else if (kind === 5 && node) {
      graph.node.splice(rng.nextInt(graph.node.length + 1), 0, {
        ...node,
        input: [...node.input],
        output: [...node.output],
      });
      applied.push(`duplicate node ${at}`);
    } else if (kind === 6 && node && node.input.length > 0) {
      node.input[rng.nextInt(node.input.length)] = node.output[0] ?? '';
      applied.push(`cycle at node ${at}`);
    } else if (kind === 7) {
      const tensor = pick(graph.initializer);
      if (!tensor) continue;
      const dims = Array.from({ length: rng.nextInt(4) }, () => NASTY_DIMS[rng.nextInt(NASTY_DIMS.length)]);
      tensor.dims = dims;
      applied.push(`initializer ${tensor.name} dims → [${dims}]`);
    } else if (kind === 8) {
      const tensor = pick(graph.initializer);
      if (!tensor) continue;
      tensor.dataType = rng.nextInt(24);
      applied.push(`initializer ${tensor.name} type → ${tensor.dataType}`);
    } else if (kind === 9) {
      const tensor = pick(graph.initializer);
      if (!tensor?.rawData) continue;
      tensor.rawData = tensor.rawData.subarray(0, rng.nextInt(tensor.rawData.byteLength + 1));
      applied.push(`initializer ${tensor.name} raw data cut to ${tensor.rawData.byteLength}`);
    } else if (kind === 10 && node?.attribute && node.attribute.length > 0) {
      const attribute = node.attribute[rng.nextInt(node.attribute.length)];
      const value = NASTY_DIMS[rng.nextInt(NASTY_DIMS.length)] * (rng.nextFloat() < 0.5 ? -1 : 1);
      attribute.i = value;
      attribute.ints = Array.from({ length: rng.nextInt(5) }, () => NASTY_DIMS[rng.nextInt(NASTY_DIMS.length)]);
      attribute.f = rng.nextFloat() < 0.5 ? Number.NaN : value;
      applied.push(`node ${at} attribute ${attribute.name} → ${value}`);
    } else if (kind === 11) {
      const list = rng.nextFloat() < 0.5 ? graph.input : graph.output;
      if (list.length === 0) continue;
      const removed = list.splice(rng.nextInt(list.length), 1)[0];
      applied.push(`remove graph ${list === graph.input ? 'input' : 'output'} ${removed?.name}`);
    }
  }
  return { bytes: encodeModel(model), mutation: applied.join(', ') || 'none' };
}

/**
 * Decodes `cases` mutated copies of `modelBytes` and runs describe, attention exposure (and re-encoding),
 * MC-dropout insertion (and re-encoding) and the token-embedding read on each that decodes.
 */
export function fuzzOnnx(
  modelBytes: Uint8Array,
  config: Record<string, unknown> | undefined,
  options: FuzzOptions,
): FuzzReport {
  const report = newReport('onnx', options);
  const structural = structuralRanges(modelBytes);
  for (let caseIndex = 0; caseIndex < options.cases; caseIndex++) {
    const rng = createRng(options.seed * 1_000_003 + caseIndex);
    // Two in five cases change the decoded graph (and so reach the surgery); the rest change bytes.
    const { bytes, mutation } =
      rng.nextFloat() < 0.4 ? mutateModel(modelBytes, rng) : mutateBytes(modelBytes, rng, structural);
    timeCase(report, options, caseIndex, mutation, () => {
      let model: OnnxModel | null = null;
      const results = [step(report, caseIndex, 'decodeModel', mutation, () => void (model = decodeModel(bytes)))];
      if (model) {
        const decoded: OnnxModel = model;
        results.push(
          step(report, caseIndex, 'describeModel', mutation, () => void describeModel(decoded)),
          step(report, caseIndex, 'describeModel(config)', mutation, () => void describeModel(decoded, config)),
          step(report, caseIndex, 'exposeAttention', mutation, () => void encodeModel(exposeAttention(decoded).model)),
          step(
            report,
            caseIndex,
            'insertMcDropout',
            mutation,
            () =>
              void encodeModel(insertMcDropout(decoded, { stochasticLayers: { lastK: 1 }, tiledPrefix: true }).model),
          ),
          step(
            report,
            caseIndex,
            'insertMcDropout(all)',
            mutation,
            () => void encodeModel(insertMcDropout(decoded).model),
          ),
          step(report, caseIndex, 'readTokenEmbeddings', mutation, () => {
            const embeddings = readTokenEmbeddings(decoded);
            if (embeddings.data.length !== embeddings.vocabSize * embeddings.hiddenSize)
              throw new Error('embedding size mismatch');
          }),
        );
      }
      return results.every((r) => r === 'ok');
    });
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Labeled text

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789',
  ',',
  ',',
  ',',
  '\t',
  '\t',
  ';',
  '|',
  '"',
  '"',
  '"',
  '\n',
  '\n',
  '\n',
  '\r\n',
  '\r',
  ' ',
  ' ',
  '{',
  '}',
  ':',
  '[',
  ']',
  '\\',
  "'",
  '=',
  '+',
  '-',
  '@',
  '#',
  '.',
  '\u0000',
  '\uFEFF',
  '\u00e9',
  '\u200b',
  '\u202e',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
  '\u0301',
  '\u4e2d',
  '\u0627',
  '<script>',
  'null',
  'true',
  '1e999',
  '__proto__',
  'constructor',
  'text',
  'label',
];

function randomString(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[rng.nextInt(ALPHABET.length)];
  return out;
}

function randomCell(rng: Rng): string {
  const r = rng.nextFloat();
  if (r < 0.1) return '';
  if (r < 0.5) return ['cat', 'dog', 'tool', 'animal', 'positive', 'negative', '1', '2', '0', 'x'][rng.nextInt(10)];
  return randomString(rng, rng.nextInt(30));
}

function randomTable(rng: Rng): string {
  const delimiter = [',', '\t', ';', '|'][rng.nextInt(4)];
  const columns = 1 + rng.nextInt(4);
  const rows = rng.nextInt(rng.nextFloat() < 0.9 ? 40 : 2000);
  const lines: string[] = [];
  if (rng.nextFloat() < 0.5) lines.push(['text', 'label', 'id', 'note'].slice(0, columns).join(delimiter));
  for (let i = 0; i < rows; i++) {
    const width = rng.nextFloat() < 0.9 ? columns : rng.nextInt(6);
    lines.push(
      Array.from({ length: width }, () => {
        const cell = randomCell(rng);
        return rng.nextFloat() < 0.3 ? `"${cell.replace(/"/g, rng.nextFloat() < 0.8 ? '""' : '"')}"` : cell;
      }).join(delimiter),
    );
  }
  return lines.join(rng.nextFloat() < 0.8 ? '\n' : '\r\n');
}

function randomJsonLines(rng: Rng): string {
  const lines: string[] = [];
  const rows = rng.nextInt(40);
  for (let i = 0; i < rows; i++) {
    const r = rng.nextFloat();
    if (r < 0.1) lines.push(randomString(rng, rng.nextInt(20)));
    else if (r < 0.2) lines.push(JSON.stringify([randomCell(rng), randomCell(rng)]));
    else {
      const value: Record<string, unknown> = {};
      const keys = ['text', 'label', 'sentence', 'y', '__proto__', 'constructor', randomString(rng, 3)];
      for (let k = 0; k < 1 + rng.nextInt(4); k++) {
        const key = keys[rng.nextInt(keys.length)];
        const kinds = [randomCell(rng), rng.nextInt(10), null, true, { nested: 1 }, [1, 2], 1e308, -0];
        value[key] = kinds[rng.nextInt(kinds.length)];
      }
      lines.push(JSON.stringify(value));
    }
  }
  return lines.join('\n');
}

/** Small edits to a generated input: characters inserted, deleted or swapped. */
function mutateText(text: string, rng: Rng): string {
  let out = text;
  for (let i = rng.nextInt(6); i > 0; i--) {
    const at = rng.nextInt(out.length + 1);
    const r = rng.nextFloat();
    if (r < 0.4) out = out.slice(0, at) + randomString(rng, 1 + rng.nextInt(3)) + out.slice(at);
    else if (r < 0.8) out = out.slice(0, at) + out.slice(at + 1 + rng.nextInt(5));
    else out = out.slice(0, at);
  }
  return out;
}

function randomOptions(rng: Rng): ParseLabeledTextOptions {
  const options: ParseLabeledTextOptions = {};
  if (rng.nextFloat() < 0.3) options.format = (['auto', 'delimited', 'jsonl'] as const)[rng.nextInt(3)];
  if (rng.nextFloat() < 0.3) options.delimiter = ([',', '\t', ';', '|'] as const)[rng.nextInt(4)];
  if (rng.nextFloat() < 0.3) options.hasHeader = rng.nextFloat() < 0.5;
  if (rng.nextFloat() < 0.2)
    options.textColumn = rng.nextFloat() < 0.5 ? rng.nextInt(6) : ['text', 'label', 'nope', ''][rng.nextInt(4)];
  if (rng.nextFloat() < 0.2)
    options.labelColumn = rng.nextFloat() < 0.5 ? rng.nextInt(6) : ['text', 'label', 'nope', ''][rng.nextInt(4)];
  if (rng.nextFloat() < 0.2) options.folds = 2 + rng.nextInt(19);
  if (rng.nextFloat() < 0.2) {
    const maxTokens = 1 + rng.nextInt(100);
    options.tokenCounter = { maxTokens, count: (text) => 2 + text.split(/\s+/).filter(Boolean).length };
  }
  if (rng.nextFloat() < 0.2) options.minRowsPerClass = 1 + rng.nextInt(3);
  if (rng.nextFloat() < 0.5) options.excludeIncomplete = true;
  return options;
}

/** The shape every parse result keeps, whatever the input. */
function checkParsed(parsed: ReturnType<typeof parseLabeledText>): void {
  if (parsed.rows.length !== parsed.labelIds.length)
    throw new Error(`invariant: ${parsed.rows.length} rows but ${parsed.labelIds.length} label ids`);
  for (const id of parsed.labelIds)
    if (!(id >= 0 && id < parsed.classes.length))
      throw new Error(`invariant: label id ${id} outside ${parsed.classes.length} classes`);
  for (const problem of parsed.problems)
    if (typeof problem.message !== 'string' || problem.message.length === 0)
      throw new Error('invariant: a problem without a message');
  if (parsed.ok && parsed.problems.some((p) => p.severity === 'error'))
    throw new Error('invariant: ok with an error-level problem');
}

/** Parses `cases` random inputs: generated tables and JSON lines, small edits of them, raw noise and random bytes. */
export function fuzzLabels(options: FuzzOptions): FuzzReport {
  const report = newReport('labels', options);
  for (let caseIndex = 0; caseIndex < options.cases; caseIndex++) {
    const rng = createRng(options.seed * 1_000_003 + caseIndex);
    const kind = rng.nextInt(5);
    const parseOptions = randomOptions(rng);
    const mutation = `${['table', 'edited table', 'json lines', 'noise', 'bytes'][kind]} ${JSON.stringify(parseOptions)}`;
    timeCase(report, options, caseIndex, mutation, () => {
      if (kind === 4) {
        const bytes = new Uint8Array(rng.nextInt(3000));
        for (let i = 0; i < bytes.length; i++)
          bytes[i] =
            rng.nextFloat() < 0.7 ? ALPHABET[rng.nextInt(ALPHABET.length)].charCodeAt(0) & 0xff : rng.nextInt(256);
        if (rng.nextFloat() < 0.2) bytes.set([0xff, 0xfe].slice(0, bytes.length));
        return (
          step(report, caseIndex, 'decodeTextBytes+parse', mutation, () =>
            checkParsed(parseLabeledText(decodeTextBytes(bytes).text, parseOptions)),
          ) === 'ok'
        );
      }
      const text =
        kind === 0
          ? randomTable(rng)
          : kind === 1
            ? mutateText(randomTable(rng), rng)
            : kind === 2
              ? mutateText(randomJsonLines(rng), rng)
              : randomString(rng, rng.nextInt(500));
      return (
        step(report, caseIndex, 'parseLabeledText', mutation, () =>
          checkParsed(parseLabeledText(text, parseOptions)),
        ) === 'ok'
      );
    });
  }
  return report;
}

/** One line per report, for logs. */
export function summarize(report: FuzzReport): string {
  const typed = Object.entries(report.typedErrors)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ×${count}`)
    .join('; ');
  return `${report.target}: ${report.cases} cases (seed ${report.seed}) in ${(report.totalMs / 1000).toFixed(1)} s, ${report.clean} clean, ${report.failures.length} failures, slowest ${Math.round(report.slowestMs)} ms (case ${report.slowestCase}); typed errors: ${typed || 'none'}`;
}
