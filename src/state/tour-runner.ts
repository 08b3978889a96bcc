/** Opens a guided-tour step: sets the step's view (through the state table) and runs what it shows. */
import { TOUR_STEPS } from '../core/workshop/tour';
import { parseStateParams } from '../core/workshop/state-table';
import { tourAction, VIEW_STATE } from '../tools';
import { appStores } from './app-stores.svelte';
import { patchViewState } from './view-state-table';

export async function openTourStep(index: number): Promise<void> {
  const stores = appStores();
  const step = TOUR_STEPS[Math.max(0, Math.min(TOUR_STEPS.length - 1, index))];
  stores.workshop.tourStep = TOUR_STEPS.indexOf(step);
  const { values, problems } = parseStateParams(Object.entries(step.state), VIEW_STATE.rows);
  if (problems.length > 0) stores.workshop.problems = problems;
  patchViewState(VIEW_STATE, values);
  const run = step.action ? tourAction(step.action) : undefined;
  if (run && stores.model.info) await run(stores);
}

export function closeTour(): void {
  appStores().workshop.tourStep = null;
}
