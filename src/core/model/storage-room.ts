/**
 * Whether a model can be kept in Cache Storage for offline use. The browser gives each site a quota (a private
 * window a small one); a model that does not fit still runs from memory, but it must not be half-kept (its
 * tokenizer listed as a "cached model" of 152 kB) or silently missing offline.
 */

/** The part of navigator.storage the loader uses (a worker has it too), so tests can pass a fake. */
export interface StorageEstimator {
  estimate(): Promise<{ usage?: number; quota?: number }>;
}

/** Left free beside a kept file: the browser counts some overhead per entry, and other writes may follow. */
export const STORAGE_MARGIN_BYTES = 1024 * 1024;

/**
 * The bytes this site may still store, or null where the browser does not say (no estimate, no quota). Chromium
 * reports quota as usage + 10 GiB whatever the real limit (measured with a 20 kB quota set over CDP), so there a full
 * store shows only as a write that fails, which the download reports as not kept.
 */
export async function storageRoom(storage: StorageEstimator | undefined): Promise<number | null> {
  if (!storage) return null;
  try {
    const { usage, quota } = await storage.estimate();
    if (typeof quota !== 'number' || !Number.isFinite(quota)) return null;
    return Math.max(0, quota - (usage ?? 0));
  } catch {
    return null;
  }
}

/** Whether `bytes` more fit in `room` (null: unknown, so it is tried). */
export function fitsIn(bytes: number, room: number | null): boolean {
  return room === null || bytes + STORAGE_MARGIN_BYTES <= room;
}

/** Why one file was not kept. */
export interface NotKept {
  file: string;
  bytes: number;
  /** The room the browser reported before the download, or null when the write itself failed. */
  room: number | null;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;

/** The message the page shows when a model runs but is not kept for offline use. */
export function notKeptMessage(label: string, modelBytes: number, notKept: NotKept): string {
  const why =
    notKept.room !== null
      ? `it needs ${megabytes(modelBytes)} and the browser leaves this site ${megabytes(notKept.room)} of storage (a private window allows little)`
      : `the browser refused to store ${notKept.file} (storage full, not allowed here, or the small allowance of a private window)`;
  return `${label} is loaded and works now, but it cannot be kept for offline use: ${why}. Offline, or after a reload without network, it must be downloaded again.`;
}
