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

function copy(value: StateValue): StateValue {
  return Array.isArray(value) ? [...value] : value;
}
