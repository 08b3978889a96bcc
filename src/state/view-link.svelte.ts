/**
 * Keeps the address bar's hash equal to the view (so copying the address shares it) and applies a
 * hash the page is opened with or navigated to. The hash always names the tool, so a shared link is
 * never empty and always describes the whole view.
 */
import { parseStateHash, serializeStateHash, type StateValues } from '../core/workshop/state-table';
import { readViewState, VIEW_STATE, writeViewState } from './view-state-table';
import { workshopStore } from './workshop-store.svelte';

const WRITE_DELAY_MS = 250;

/** The view as a hash (without '#'). */
export function currentViewHash(values: StateValues = readViewState()): string {
  const rest = serializeStateHash(values, VIEW_STATE);
  const tool = `tool=${encodeURIComponent(String(values.tool))}`;
  return rest.startsWith('tool=') ? rest : rest === '' ? tool : `${tool}&${rest}`;
}

/** Applies a hash; returns false when it held no state. */
export function applyViewHash(hash: string): boolean {
  if (hash.replace(/^#/, '').trim() === '') return false;
  const { values, problems } = parseStateHash(hash, VIEW_STATE);
  writeViewState(values);
  workshopStore.persist();
  workshopStore.problems = problems;
  return true;
}

let started = false;

/**
 * Applies the page's own hash (returns true when it had state, so the caller loads the link's model
 * instead of the remembered one), then mirrors every later change of the view into the hash.
 */
export function startViewLink(): boolean {
  if (started) return false;
  started = true;
  const fromLink = applyViewHash(location.hash);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWritten = location.hash.replace(/^#/, '');
  $effect.root(() => {
    $effect(() => {
      const hash = currentViewHash(readViewState());
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (hash === lastWritten) return;
        lastWritten = hash;
        history.replaceState(history.state, '', `#${hash}`);
      }, WRITE_DELAY_MS);
    });
  });
  window.addEventListener('hashchange', () => {
    const hash = location.hash.replace(/^#/, '');
    if (hash === lastWritten) return;
    lastWritten = hash;
    if (applyViewHash(hash)) void workshopStore.loadRequestedModel();
  });
  return fromLink;
}
