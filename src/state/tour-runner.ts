/**
 * Opens a guided-tour step: sets the step's view (through the state table) and runs what it shows.
 * The tour works on a loan: when it starts, the user's view, data and results are kept aside, and
 * closing the tour puts them back, so its examples never replace what the user made.
 */
import { TOUR_STEPS, type TourStep } from '../core/workshop/tour';
import { parseStateParams } from '../core/workshop/state-table';
import { tourAction, TOOLS, VIEW_STATE } from '../tools';
import { appStores, type AppStores } from './app-stores.svelte';
import { patchViewState, readViewState, writeViewState } from './view-state-table';

export const TOUR_LOAN_NOTICE =
  'The tour shows its own examples. Your model, texts, settings, label data and results are kept aside and come back when you close the tour.';
export const TOUR_RETURN_NOTICE = 'Tour closed: your own model, texts, settings, label data and results are back.';

interface Loan {
  /** The model slot: a step that names a model borrows it; the other steps and the close give it back. */
  model: ReturnType<AppStores['model']['lendToTour']>;
  /** Puts the user's view, data and results back. */
  giveBack: () => Promise<void>;
}

/** What the tour has borrowed; null while it has borrowed nothing. */
let loan: Loan | null = null;

export async function openTourStep(index: number): Promise<void> {
  const stores = appStores();
  const { model } = (loan ??= lendToTour(stores));
  const step = TOUR_STEPS[Math.max(0, Math.min(TOUR_STEPS.length - 1, index))];
  // A step's measurement (the calibration run) belongs to that step: leaving it stops the run, so the next
  // step's model and runs do not wait behind it.
  if (stores.calibration.running) stores.calibration.cancel();
  stores.workshop.tourStep = TOUR_STEPS.indexOf(step);
  const { values, problems } = parseStateParams(Object.entries(step.state), VIEW_STATE.rows);
  if (problems.length > 0) stores.workshop.problems = problems;
  patchViewState(VIEW_STATE, values);
  const ready = await useStepModel(stores, model, step);
  const run = step.action ? tourAction(step.action) : undefined;
  if (run && ready && stores.model.info) await run(stores);
}

/**
 * A link that names a tour step (tour=N) opens the tour there with the step's view set up and its run done, as
 * the step's own button would; called once the link's model is loaded.
 */
export async function openLinkedTourStep(): Promise<void> {
  const step = appStores().workshop.tourStep;
  if (step !== null && !loan) await openTourStep(step);
}

export async function closeTour(): Promise<void> {
  const stores = appStores();
  stores.workshop.tourStep = null;
  const back = loan;
  loan = null;
  if (!back) return;
  await back.giveBack();
  stores.workshop.notice = TOUR_RETURN_NOTICE;
}

/**
 * A step that names a built-in model runs on it (loaded once, then kept while such steps follow); every
 * other step runs on the user's own model, loaded back if a step before had swapped it. Returns whether
 * the step's model is loaded.
 */
async function useStepModel(stores: AppStores, model: Loan['model'], step: TourStep): Promise<boolean> {
  if (!step.model) {
    await model.giveBack();
    return true;
  }
  if (!stores.model.embedded.some((entry) => entry.name === step.model)) {
    stores.workshop.notice = `This step needs the built-in model ${step.model}, which this copy of the app does not have.`;
    return false;
  }
  return model.borrow({ kind: 'embedded', name: step.model });
}

function lendToTour(stores: AppStores): Loan {
  // Without the tour row: a tour opened by a link is closed, not reopened, by putting the view back.
  const view = { ...readViewState(VIEW_STATE), tour: 0 };
  const model = stores.model.lendToTour();
  const toolsBack = TOOLS.flatMap((tool) => (tool.lendToTour ? [tool.lendToTour(stores)] : []));
  stores.workshop.notice = TOUR_LOAN_NOTICE;
  return {
    model,
    giveBack: async () => {
      writeViewState(VIEW_STATE, view);
      // The model first: the tools' results come back stamped with its generation.
      await model.giveBack();
      await Promise.all(toolsBack.map((back) => back()));
    },
  };
}
