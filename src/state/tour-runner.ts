/** Opens a guided-tour step: sets the step's view (through the state table) and runs what it shows. */
import { appStores } from './app-stores.svelte';
import { TOUR_STEPS, type TourAction } from '../core/workshop/tour';
import { parseStateParams } from '../core/workshop/state-table';
import { patchViewState, VIEW_STATE } from './view-state-table';

export async function openTourStep(index: number): Promise<void> {
  const step = TOUR_STEPS[Math.max(0, Math.min(TOUR_STEPS.length - 1, index))];
  appStores().workshop.tourStep = TOUR_STEPS.indexOf(step);
  const { values, problems } = parseStateParams(Object.entries(step.state), VIEW_STATE);
  if (problems.length > 0) appStores().workshop.problems = problems;
  patchViewState(values);
  if (step.action && appStores().model.info) await runAction(step.action);
}

export function closeTour(): void {
  appStores().workshop.tourStep = null;
}

async function runAction(action: TourAction): Promise<void> {
  switch (action) {
    case 'run-uncertainty':
      return appStores().uncertainty.run();
    case 'run-analogy':
      return appStores().analogy.run();
    case 'load-label-example':
      return appStores().labels.loadExample();
    case 'run-labels':
      if (!appStores().labels.result || appStores().labels.stale) {
        if (!appStores().labels.input) await appStores().labels.loadExample();
        await appStores().labels.parse();
        if (appStores().labels.canRun()) await appStores().labels.run();
      }
  }
}
