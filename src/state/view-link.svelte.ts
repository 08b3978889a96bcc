/**
 * Keeps the address bar's hash equal to the view (so copying the address shares it) and applies a
 * hash the page is opened with or navigated to. The hash always names the tool, so a shared link is
 * never empty and always describes the whole view.
 */
import { appStores } from './app-stores.svelte';
import { parseStateHash, serializeStateHash, type StateValues } from '../core/workshop/state-table';
import { VIEW_STATE } from '../tools';
import { readViewState, writeViewState } from './view-state-table';

const WRITE_DELAY_MS = 250;
/** The hash this tab last wrote: a reload finds it again and is not a shared link. */
const OWN_HASH_KEY = 'transformer-playground:own-hash';

/** The view as a hash (without '#'). */
export function currentViewHash(values: StateValues = readViewState(VIEW_STATE)): string {
  const rest = serializeStateHash(values, VIEW_STATE.rows);
  const tool = `tool=${encodeURIComponent(String(values.tool))}`;
  return rest.startsWith('tool=') ? rest : rest === '' ? tool : `${tool}&${rest}`;
}

/** Applies a hash; returns false when it held no state. */
export function applyViewHash(hash: string): boolean {
  if (hash.replace(/^#/, '').trim() === '') return false;
  const { values, problems } = parseStateHash(hash, VIEW_STATE.rows);
  writeViewState(VIEW_STATE, values);
  appStores().workshop.problems = problems;
  return true;
}

let started = false;

/**
 * Applies the page's hash, then mirrors every later change of the view into it. Returns true for a
 * shared link (so the caller loads the link's model); a reload of this tab's own address returns
 * false and the remembered model loads, as it would without the hash (a model from a custom host
 * or from local files cannot be named in a link).
 */
export function startViewLink(): boolean {
  if (started) return false;
  started = true;
  const initial = location.hash.replace(/^#/, '');
  const ownHash = initial !== '' && readOwnHash() === initial;
  // A reload can carry a hash a moment older than the view (the browser took the address before the
  // last write); the stores remember the view themselves, so a stale hash is not applied over them.
  const reload = navigationType() === 'reload';
  const fromLink = reload && !ownHash ? false : applyViewHash(initial) && !ownHash && !reload;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWritten = initial;
  let pending: string | null = null;
  const write = (hash: string) => {
    pending = null;
    rememberOwnHash(hash);
    if (hash === lastWritten) return;
    lastWritten = hash;
    history.replaceState(history.state, '', `#${hash}`);
  };
  $effect.root(() => {
    $effect(() => {
      const hash = currentViewHash(readViewState(VIEW_STATE));
      if (timer) clearTimeout(timer);
      pending = hash;
      timer = setTimeout(() => write(hash), WRITE_DELAY_MS);
    });
  });
  // A reload right after a change still finds the change in the address.
  window.addEventListener('pagehide', () => {
    if (pending !== null) write(pending);
  });
  window.addEventListener('hashchange', () => {
    const hash = location.hash.replace(/^#/, '');
    if (hash === lastWritten) return;
    lastWritten = hash;
    if (applyViewHash(hash)) void appStores().workshop.loadRequestedModel();
  });
  return fromLink;
}

function navigationType(): string {
  const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  return entry?.type ?? 'navigate';
}

function readOwnHash(): string | null {
  try {
    return sessionStorage.getItem(OWN_HASH_KEY);
  } catch {
    return null;
  }
}

function rememberOwnHash(hash: string): void {
  try {
    sessionStorage.setItem(OWN_HASH_KEY, hash);
  } catch {
    // Storage blocked: a reload then counts as a shared link, which shows the same view.
  }
}
