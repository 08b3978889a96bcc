/**
 * Reading and writing the view state through its rows. The rows live with their tools
 * (src/state/view-state/<tool>.ts) and the table is put together from the tool registry (src/tools.ts),
 * so the link, the session file and the guided tour all go through one list: a row added to a tool is
 * shared, saved and restorable everywhere at once.
 */
import { sameValue, type StateValues } from '../core/workshop/state-table';
import type { BoundProperty } from './view-state/rows';

export type { BoundProperty };

/** The view state: every row, and how to save the stores they belong to. */
export interface ViewStateTable {
  rows: readonly BoundProperty[];
  /** Saves the settings of every store the rows write to (localStorage). */
  persist(): void;
}

/** Every property's current value. Reading it inside an effect subscribes to all of them. */
export function readViewState(table: ViewStateTable): StateValues {
  const values: StateValues = {};
  for (const property of table.rows) values[property.key] = property.read();
  return values;
}

/**
 * Sets the view to exactly `values`: properties not given go back to their defaults, because a link
 * describes the whole view (otherwise what a participant sees would depend on their own last visit).
 */
export function writeViewState(table: ViewStateTable, values: StateValues): void {
  for (const property of table.rows) {
    const next = property.key in values ? values[property.key] : property.defaultValue;
    if (!sameValue(property.read(), next)) property.write(next);
  }
  table.persist();
}

/** Sets only the given properties (the tour's steps change a few and keep the rest). */
export function patchViewState(table: ViewStateTable, values: StateValues): void {
  for (const property of table.rows) if (property.key in values) property.write(values[property.key]);
  table.persist();
}
