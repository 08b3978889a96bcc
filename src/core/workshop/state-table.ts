/**
 * The shareable view state as one table of properties, serialized to the URL hash (the idea of the
 * TensorFlow Playground): every property has a key, a type with bounds and a default, and only values
 * that differ from the default are written, so a link stays short and an old link stays valid when a
 * property is added. Parsing never throws: a bad value falls back to the default and is reported.
 */

export type PropertyType =
  | { kind: 'string'; maxLength: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  /** Comma-separated; `values` restricts the items when given. */
  | { kind: 'list'; maxItems: number; values?: readonly string[]; maxItemLength?: number };

export type StateValue = string | number | boolean | null | string[];

export interface StateProperty {
  key: string;
  type: PropertyType;
  /** null means "not set" (e.g. the model's own default dropout); only allowed where `nullable`. */
  defaultValue: StateValue;
  nullable?: boolean;
  /** Short description for messages and the hide-controls list. */
  label: string;
  /**
   * A key older links and session files used for this setting, read (never written) so they keep opening
   * what they showed: its own type and a conversion (e.g. a 0-based layer to the 1-based one on screen).
   * A value under the current key wins over one under the former key.
   */
  formerKey?: FormerKey;
}

export interface FormerKey {
  key: string;
  type: PropertyType;
  toCurrent(value: StateValue): StateValue;
}

export type StateValues = Record<string, StateValue>;

export interface ParsedState {
  /** Only the properties the input set validly. */
  values: StateValues;
  /** One plain sentence per ignored or rejected entry. */
  problems: string[];
}

/** Longer hashes are refused as a whole: nothing a view needs is this large, and parsing it would stall the page. */
export const MAX_HASH_LENGTH = 100_000;
/** The number of problems listed one by one before they are summarised. */
const MAX_LISTED_PROBLEMS = 5;

export function parseStateParams(params: Iterable<[string, string]>, table: readonly StateProperty[]): ParsedState {
  const byKey = new Map(table.map((property) => [property.key, property]));
  const byFormerKey = new Map(
    table.flatMap((property) => (property.formerKey ? [[property.formerKey.key, property] as const] : [])),
  );
  const values: StateValues = {};
  const fromFormerKeys: StateValues = {};
  const problems: string[] = [];
  for (const [key, raw] of params) {
    const property = byKey.get(key);
    const former = property ? undefined : byFormerKey.get(key);
    if (!property && !former) {
      problems.push(`Unknown setting "${clip(key)}" was ignored.`);
      continue;
    }
    if (former) {
      const { formerKey } = former;
      const parsed = parseValue(raw, { ...former, type: formerKey!.type });
      if (parsed.ok) fromFormerKeys[former.key] = formerKey!.toCurrent(parsed.value);
      else problems.push(`${former.label} (${key}): ${parsed.reason}; the default is used.`);
      continue;
    }
    const parsed = parseValue(raw, property!);
    if (parsed.ok) values[key] = parsed.value;
    else problems.push(`${property!.label} (${key}): ${parsed.reason}; the default is used.`);
  }
  for (const [key, value] of Object.entries(fromFormerKeys)) if (!(key in values)) values[key] = value;
  return { values, problems: summarise(problems) };
}

/** Reads a location hash such as `#tool=attention&layer=2`. */
export function parseStateHash(hash: string, table: readonly StateProperty[]): ParsedState {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.trim() === '') return { values: {}, problems: [] };
  if (body.length > MAX_HASH_LENGTH) {
    return {
      values: {},
      problems: [
        `The link's state is ${body.length.toLocaleString('en-US')} characters long (at most ${MAX_HASH_LENGTH.toLocaleString('en-US')}); it was ignored and the defaults are used.`,
      ],
    };
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(body);
  } catch {
    return { values: {}, problems: ["The link's state could not be read; the defaults are used."] };
  }
  return parseStateParams(params, table);
}

/** Writes the values that differ from their defaults, in table order. */
export function serializeStateHash(values: StateValues, table: readonly StateProperty[]): string {
  const params = new URLSearchParams();
  for (const property of table) {
    if (!(property.key in values)) continue;
    const value = values[property.key];
    if (sameValue(value, property.defaultValue)) continue;
    params.set(property.key, formatValue(value));
  }
  return params.toString().replace(/\+/g, '%20');
}

export function sameValue(a: StateValue, b: StateValue): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}

function formatValue(value: StateValue): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

type Parsed = { ok: true; value: StateValue } | { ok: false; reason: string };

function parseValue(raw: string, property: StateProperty): Parsed {
  const { type } = property;
  if (raw === '' && property.nullable) return { ok: true, value: null };
  switch (type.kind) {
    case 'string':
      if (raw.length > type.maxLength)
        return {
          ok: false,
          reason: `${raw.length.toLocaleString('en-US')} characters is longer than the ${type.maxLength.toLocaleString('en-US')} allowed`,
        };
      return { ok: true, value: raw };
    case 'int':
    case 'number': {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      const whole = type.kind === 'int';
      if (!Number.isFinite(n) || (whole && !Number.isInteger(n)) || n < type.min || n > type.max) {
        return {
          ok: false,
          reason: `"${clip(raw)}" is not ${whole ? 'a whole number' : 'a number'} from ${type.min} to ${type.max}`,
        };
      }
      return { ok: true, value: n };
    }
    case 'bool':
      if (raw === '1' || raw === 'true') return { ok: true, value: true };
      if (raw === '0' || raw === 'false') return { ok: true, value: false };
      return { ok: false, reason: `"${clip(raw)}" is not 1 or 0` };
    case 'enum':
      if (type.values.includes(raw)) return { ok: true, value: raw };
      return { ok: false, reason: `"${clip(raw)}" is not one of ${type.values.join(', ')}` };
    case 'list': {
      const items = raw === '' ? [] : raw.split(',');
      if (items.length > type.maxItems)
        return { ok: false, reason: `${items.length} items is more than the ${type.maxItems} allowed` };
      const unknown = type.values ? items.filter((item) => !type.values!.includes(item)) : [];
      if (unknown.length > 0)
        return { ok: false, reason: `"${clip(unknown[0])}" is not one of ${type.values!.join(', ')}` };
      const tooLong =
        type.maxItemLength !== undefined ? items.find((item) => item.length > type.maxItemLength!) : undefined;
      if (tooLong !== undefined)
        return { ok: false, reason: `an item is longer than ${type.maxItemLength} characters` };
      return { ok: true, value: items };
    }
  }
}

/** Quotes user text in a message without letting a huge or odd value take over the message. */
function clip(text: string, max = 40): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

function summarise(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    `…and ${problems.length - MAX_LISTED_PROBLEMS} more settings were ignored.`,
  ];
}

/**
 * A tool's settings as rows: each field's type with its bounds and its default. The same rows give the
 * store its defaults, check what localStorage gives back, and back the link's rows (which may narrow a
 * bound, e.g. a shorter text in a link than in the browser's own storage).
 */
export interface SettingRow<V> {
  type: PropertyType;
  defaultValue: V;
  nullable?: boolean;
}

export type SettingRows<S> = { readonly [K in keyof S]: SettingRow<S[K]> };

export function defaultsOf<S>(rows: SettingRows<S>): S {
  const out: Partial<S> = {};
  for (const key of Object.keys(rows) as (keyof S)[]) {
    const value = rows[key].defaultValue;
    out[key] = (Array.isArray(value) ? [...value] : value) as S[keyof S];
  }
  return out as S;
}

/** The bounds of a numeric row (an input's min and max attributes), or null for a row that is not a number. */
export function rowBounds(row: SettingRow<unknown>): { min: number; max: number } | null {
  return row.type.kind === 'int' || row.type.kind === 'number' ? { min: row.type.min, max: row.type.max } : null;
}

/**
 * A number a user typed, brought within its row's bounds (and `max` when the model narrows it), rounded for an
 * integer row; null when it is not a number at all, so the input keeps its previous value.
 */
export function clampToRow(value: number, row: SettingRow<unknown>, max = Infinity): number | null {
  const bounds = rowBounds(row);
  if (!bounds || !Number.isFinite(value)) return null;
  const clamped = Math.min(bounds.max, max, Math.max(bounds.min, value));
  return row.type.kind === 'int' ? Math.round(clamped) : clamped;
}

/**
 * A saved value checked against its row, leniently: text is cut to the bound and unknown list items are
 * dropped (a value saved by an older version stays as useful as it can); anything else out of bounds or of
 * the wrong type is refused, and the caller keeps the default.
 */
export function coerceSaved(value: unknown, row: SettingRow<unknown>): { ok: true; value: StateValue } | { ok: false } {
  if (value === null) return row.nullable ? { ok: true, value: null } : { ok: false };
  const { type } = row;
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value: value.slice(0, type.maxLength) } : { ok: false };
    case 'int':
    case 'number':
      return typeof value === 'number' &&
        Number.isFinite(value) &&
        (type.kind === 'number' || Number.isInteger(value)) &&
        value >= type.min &&
        value <= type.max
        ? { ok: true, value }
        : { ok: false };
    case 'bool':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false };
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? { ok: true, value } : { ok: false };
    case 'list': {
      if (!Array.isArray(value)) return { ok: false };
      const items = value.filter(
        (item): item is string =>
          typeof item === 'string' &&
          (!type.values || type.values.includes(item)) &&
          (type.maxItemLength === undefined || item.length <= type.maxItemLength),
      );
      return { ok: true, value: items.slice(0, type.maxItems) };
    }
  }
}
