/**
 * A store's settings in localStorage, driven by the tool's setting rows (src/core/contracts/<tool>.ts):
 * what is saved is the rows' fields, and what comes back is checked against the rows' types and bounds.
 */
import { coerceSaved, type SettingRows } from '../core/workshop/state-table';
import { readPersisted, writePersisted } from './persisted';

/** Sets every saved field that passes its row's check; the others keep their defaults. */
export function restoreSettings<S extends object>(key: string, rows: SettingRows<S>, target: S): void {
  applySaved(readPersisted<unknown>(key), rows, target);
}

/**
 * Settings kept elsewhere (IndexedDB, a session file) checked the same way: the defaults with every saved
 * field that passes its row's check; a field with no row, out of bounds or of the wrong type is left out.
 */
export function checkedSettings<S extends object>(saved: unknown, rows: SettingRows<S>, defaults: S): S {
  const target = { ...defaults };
  applySaved(saved, rows, target);
  return target;
}

function applySaved<S extends object>(saved: unknown, rows: SettingRows<S>, target: S): void {
  if (!saved || typeof saved !== 'object') return;
  const values = saved as Record<string, unknown>;
  for (const field of Object.keys(rows) as (keyof S & string)[]) {
    if (!(field in values)) continue;
    const checked = coerceSaved(values[field], rows[field]);
    if (checked.ok) target[field] = checked.value as S[typeof field];
  }
}

export function saveSettings<S extends object>(key: string, rows: SettingRows<S>, source: S): void {
  const values: Record<string, unknown> = {};
  for (const field of Object.keys(rows) as (keyof S & string)[]) {
    const value = source[field];
    values[field] = Array.isArray(value) ? [...value] : value;
  }
  writePersisted(key, values);
}
