import type { StateProperty, StateValue } from '../../core/workshop/state-table';

/** A view-state row bound to the store that owns it: the link, the session file and the tour go through read/write. */
export interface BoundProperty extends StateProperty {
  read(): StateValue;
  write(value: StateValue): void;
}

export const text = (maxLength: number) => ({ kind: 'string', maxLength }) as const;
export const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
export const bool = { kind: 'bool' } as const;
