/**
 * Opens a guided-tour step: sets the step's view (through the state table) and runs what it shows.
 * The tour works on a loan: when it starts, the user's view, data and results are kept aside, and
 * closing the tour puts them back, so its examples never replace what the user made.
 */
import { TOUR_STEPS } from '../core/workshop/tour';
import { parseStateParams } from '../core/workshop/state-table';
import { tourAction, TOOLS, VIEW_STATE } from '../tools';
import { appStores, type AppStores } from './app-stores.svelte';
import { patchViewState, readViewState, writeViewState } from './view-state-table';

export const TOUR_LOAN_NOTICE =
  'The tour shows its own examples. Your texts, settings, label data and results are kept aside and come back when you close the tour.';
export const TOUR_RETURN_NOTICE = 'Tour closed: your own texts, settings, label data and results are back.';

/** Puts the user's state back; null while the tour has borrowed nothing. */
let giveBack: (() => Promise<void>) | null = null;

export async function openTourStep(index: number): Promise<void> {
  const stores = appStores();
  giveBack ??= lendToTour(stores);
  const step = TOUR_STEPS[Math.max(0, Math.min(TOUR_STEPS.length - 1, index))];
  stores.workshop.tourStep = TOUR_STEPS.indexOf(step);
  const { values, problems } = parseStateParams(Object.entries(step.state), VIEW_STATE.rows);
  if (problems.length > 0) stores.workshop.problems = problems;
  patchViewState(VIEW_STATE, values);
  const run = step.action ? tourAction(step.action) : undefined;
  if (run && stores.model.info) await run(stores);
}

export async function closeTour(): Promise<void> {
  const stores = appStores();
  stores.workshop.tourStep = null;
  const back = giveBack;
  giveBack = null;
  if (!back) return;
  await back();
  stores.workshop.notice = TOUR_RETURN_NOTICE;
}

function lendToTour(stores: AppStores): () => Promise<void> {
  // Without the tour row: a tour opened by a link is closed, not reopened, by putting the view back.
  const view = { ...readViewState(VIEW_STATE), tour: 0 };
  const toolsBack = TOOLS.flatMap((tool) => (tool.lendToTour ? [tool.lendToTour(stores)] : []));
  stores.workshop.notice = TOUR_LOAN_NOTICE;
  return async () => {
    writeViewState(VIEW_STATE, view);
    await Promise.all(toolsBack.map((back) => back()));
  };
}
