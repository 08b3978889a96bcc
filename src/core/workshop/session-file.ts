/**
 * One JSON file with everything a workshop participant needs to continue where the teacher was:
 * the view state (the same properties as the link), and the label tool's pasted data, settings, last
 * audit and decisions. Typed arrays are written as tagged plain arrays; JSON numbers carry float64
 * exactly, so an import restores the numbers bit for bit. Reading validates everything and says
 * in one sentence what is wrong with a bad or foreign file.
 */

import type { AuditedRows, LabelAuditOutput, LabelAuditSettings, ParseSettings } from '../contracts/labels';

export const SESSION_APP = 'transformer-playground';
export const SESSION_KIND = 'session';
export const SESSION_VERSION = 1;
/** Bigger files are refused before parsing: a session with a 50,000-row audit is about 30 MB. */
export const MAX_SESSION_BYTES = 200 * 1024 * 1024;

/** The label tool's part of a session: its own types, checked on import by readLabels below. */
export interface SessionLabels {
  input: string;
  sourceName: string;
  /** Fields a file leaves out take the tool's defaults. */
  parse: Partial<ParseSettings>;
  settings: Partial<LabelAuditSettings>;
  /** The last audit exactly as the tool holds it (typed arrays included), or null before the first run. */
  audit: {
    result: LabelAuditOutput;
    audited: AuditedRows;
    decisions: Uint8Array;
    stale: boolean;
  } | null;
}

export interface Session {
  savedAt: string;
  /** View state as link parameters (key → raw value), validated again by the state table on import. */
  state: Record<string, string>;
  labels: SessionLabels | null;
}

export class SessionFileError extends Error {}

const TYPED = {
  Int32Array,
  Uint8Array,
  Float64Array,
  Float32Array,
} as const;
type TypedName = keyof typeof TYPED;

export function encodeSession(session: Session): string {
  const file = { app: SESSION_APP, kind: SESSION_KIND, version: SESSION_VERSION, ...session };
  return JSON.stringify(file, (_key, value: unknown) => {
    for (const name of Object.keys(TYPED) as TypedName[]) {
      if (value instanceof TYPED[name]) return { $typed: name, data: Array.from(value as ArrayLike<number>) };
    }
    return value;
  });
}

export interface DecodedSession {
  session: Session;
  /** Things that were ignored, said plainly (e.g. fields this version does not know). */
  notes: string[];
}

export function decodeSession(text: string): DecodedSession {
  if (text.length > MAX_SESSION_BYTES)
    throw new SessionFileError(
      `This file is ${Math.round(text.length / 1048576)} MB; a session file is at most ${MAX_SESSION_BYTES / 1048576} MB.`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_key, value: unknown) => {
      if (isRecord(value) && typeof value.$typed === 'string' && Array.isArray(value.data)) {
        const Ctor = TYPED[value.$typed as TypedName];
        if (!Ctor || !value.data.every((n) => typeof n === 'number'))
          throw new SessionFileError(
            `The file has an array of an unknown kind ("${String(value.$typed).slice(0, 30)}").`,
          );
        return Ctor.from(value.data as number[]);
      }
      return value;
    });
  } catch (error) {
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(
      text.trim() === ''
        ? 'The file is empty.'
        : 'This is not a session file: it is not valid JSON (it may be cut short).',
    );
  }
  if (!isRecord(raw) || raw.app !== SESSION_APP || raw.kind !== SESSION_KIND) {
    throw new SessionFileError(
      'This JSON file is not a Transformer Playground session (it was not saved by "Export session").',
    );
  }
  if (typeof raw.version !== 'number' || raw.version > SESSION_VERSION) {
    throw new SessionFileError(
      `This session was saved by a newer version of the playground (format ${String(raw.version)}); this one reads format ${SESSION_VERSION}. Reload to update.`,
    );
  }
  const notes: string[] = [];
  const known = new Set(['app', 'kind', 'version', 'savedAt', 'state', 'labels']);
  const extra = Object.keys(raw).filter((key) => !known.has(key));
  if (extra.length > 0)
    notes.push(
      `Ignored fields this version does not know: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? '…' : ''}.`,
    );

  if (!isRecord(raw.state) || !Object.values(raw.state).every((v) => typeof v === 'string')) {
    throw new SessionFileError('The session file is damaged: its "state" is not a list of settings.');
  }
  const labels = raw.labels === null || raw.labels === undefined ? null : readLabels(raw.labels);
  return {
    session: {
      savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '',
      state: raw.state as Record<string, string>,
      labels,
    },
    notes,
  };
}

function readLabels(value: unknown): SessionLabels {
  const damaged = (what: string) => new SessionFileError(`The session file is damaged: ${what}.`);
  if (!isRecord(value)) throw damaged('its label data is not an object');
  if (typeof value.input !== 'string') throw damaged('the pasted data is missing');
  if (!isRecord(value.parse) || !isRecord(value.settings)) throw damaged('the label tool settings are missing');
  let audit: SessionLabels['audit'] = null;
  if (value.audit !== null && value.audit !== undefined) {
    const a = value.audit;
    if (!isRecord(a) || !isRecord(a.result) || !isRecord(a.audited) || !(a.decisions instanceof Uint8Array))
      throw damaged('the audit result is incomplete');
    const { result, audited, decisions } = a;
    const rows = result.rows;
    const classes = result.numClasses;
    if (
      typeof rows !== 'number' ||
      typeof classes !== 'number' ||
      !Array.isArray(result.classes) ||
      result.classes.length !== classes
    )
      throw damaged('the audit result has no row or class count');
    const lengths: [string, unknown, number][] = [
      ['givenLabels', result.givenLabels, rows],
      ['suggestedLabels', result.suggestedLabels, rows],
      ['qualityScores', result.qualityScores, rows],
      ['isIssue', result.isIssue, rows],
      ['probabilities', result.probabilities, rows * classes],
    ];
    for (const [name, array, length] of lengths) {
      if (!ArrayBuffer.isView(array) || (array as unknown as ArrayLike<number>).length !== length)
        throw damaged(`the audit's ${name} do not match its ${rows} rows`);
    }
    if (
      !(result.ranking instanceof Int32Array) ||
      !(audited.sourceRows instanceof Int32Array) ||
      typeof audited.packedTexts !== 'string'
    )
      throw damaged('the audited rows are missing');
    if (decisions.length !== rows || decisions.some((d) => d > 3))
      throw damaged('the decisions do not match the audited rows');
    // Checked above: counts, array lengths and the arrays the table reads; the typed shape rests on that.
    audit = {
      result: result as unknown as LabelAuditOutput,
      audited: audited as unknown as AuditedRows,
      decisions,
      stale: a.stale === true,
    };
  }
  return {
    input: value.input,
    sourceName: typeof value.sourceName === 'string' ? value.sourceName : '',
    parse: value.parse as Partial<ParseSettings>,
    settings: value.settings as Partial<LabelAuditSettings>,
    audit,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
