/**
 * A store's settings in localStorage, driven by the tool's setting rows (src/core/contracts/<tool>.ts):
 * what is saved is the rows' fields, and what comes back is checked against the rows' types and bounds.
 */
import { coerceSaved, type SettingRows } from '../core/workshop/state-table';
import { readPersisted, writePersisted } from './persisted';

/** Sets every saved field that passes its row's check; the others keep their defaults. */
export function restoreSettings<S extends object>(key: string, rows: SettingRows<S>, target: S): void {
  const saved = readPersisted<Record<string, unknown>>(key);
  if (!saved || typeof saved !== 'object') return;
  for (const field of Object.keys(rows) as (keyof S & string)[]) {
    if (!(field in saved)) continue;
    const checked = coerceSaved(saved[field], rows[field]);
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
