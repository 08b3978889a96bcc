/** Session files: export the whole workshop state to one JSON file, and import one back. */
import { appStores } from './app-stores.svelte';
import { decodeSession, encodeSession, SessionFileError } from '../core/workshop/session-file';
import { parseStateParams } from '../core/workshop/state-table';
import { currentViewHash } from './view-link.svelte';
import { VIEW_STATE } from '../tools';
import { writeViewState } from './view-state-table';

export function exportSessionJson(): string {
  const state = Object.fromEntries(new URLSearchParams(currentViewHash()));
  return encodeSession({ savedAt: new Date().toISOString(), state, labels: appStores().labels.sessionSnapshot() });
}

export function sessionFileName(date = new Date()): string {
  return `playground-session-${date.toISOString().slice(0, 16).replace(/[:T]/g, '-')}.json`;
}

/**
 * Reads a session file and, only when all of it is valid, replaces the current state with it:
 * a bad or foreign file changes nothing and the message says why.
 */
export async function importSessionText(
  text: string,
): Promise<{ ok: true; notes: string[] } | { ok: false; message: string }> {
  let decoded;
  try {
    decoded = decodeSession(text);
  } catch (error) {
    const message =
      error instanceof SessionFileError ? error.message : `The session could not be read: ${(error as Error).message}`;
    return { ok: false, message };
  }
  const { values, problems } = parseStateParams(Object.entries(decoded.session.state), VIEW_STATE.rows);
  writeViewState(VIEW_STATE, values);
  if (decoded.session.labels) await appStores().labels.applySession(decoded.session.labels);
  const notes = [...decoded.notes, ...problems];
  appStores().workshop.problems = notes;
  void appStores().workshop.loadRequestedModel();
  return { ok: true, notes };
}
