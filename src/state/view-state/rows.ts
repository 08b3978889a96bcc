import type { PropertyType, SettingRows, StateProperty, StateValue } from '../../core/workshop/state-table';

/** A view-state row bound to the store that owns it: the link, the session file and the tour go through read/write. */
export interface BoundProperty extends StateProperty {
  read(): StateValue;
  write(value: StateValue): void;
}

export const text = (maxLength: number) => ({ kind: 'string', maxLength }) as const;
export const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
export const bool = { kind: 'bool' } as const;

/**
 * A link row for one setting of a store: its type, bounds and default come from the tool's setting row;
 * `linkType` narrows the type for links (a link carries at most a short text, the browser keeps more).
 */
export function settingRow<S, K extends keyof S & string>(
  store: () => S,
  rows: SettingRows<S>,
  field: K,
  link: { key: string; label: string; linkType?: PropertyType },
): BoundProperty {
  const row = rows[field];
  return {
    key: link.key,
    label: link.label,
    type: link.linkType ?? row.type,
    ...(row.nullable ? { nullable: true } : {}),
    defaultValue: copy(row.defaultValue as StateValue),
    read: () => copy(store()[field] as StateValue),
    write: (value) => {
      store()[field] = copy(value) as S[K];
    },
  };
}

/**
 * A link row for a 0-based index the page shows counted from 1 (layer, head): the link says what the
 * screen says. Links made before the rows counted from 1 used `formerKey` with the 0-based index; they
 * are still read, as the view they showed.
 */
export function oneBasedRow<S, K extends keyof S & string>(
  store: () => S,
  rows: SettingRows<S>,
  field: K,
  link: { key: string; label: string; formerKey: string },
): BoundProperty {
  const row = rows[field];
  if (row.type.kind !== 'int') throw new Error(`${field} is not a whole-number setting`);
  const { min, max } = row.type;
  return {
    key: link.key,
    label: link.label,
    type: int(min + 1, max + 1),
    defaultValue: (row.defaultValue as number) + 1,
    formerKey: { key: link.formerKey, type: row.type, toCurrent: (value) => (value as number) + 1 },
    read: () => (store()[field] as number) + 1,
    write: (value) => {
      store()[field] = ((value as number) - 1) as S[K];
    },
  };
}

function copy(value: StateValue): StateValue {
  return Array.isArray(value) ? [...value] : value;
}
