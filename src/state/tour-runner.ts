/** Opens a guided-tour step: sets the step's view (through the state table) and runs what it shows. */
import { TOUR_STEPS, type TourAction } from '../core/workshop/tour';
import { parseStateParams } from '../core/workshop/state-table';
import { analogyStore } from './analogy-store.svelte';
import { labelsStore } from './labels-store.svelte';
import { modelStore } from './model-store.svelte';
import { uncertaintyStore } from './uncertainty-store.svelte';
import { patchViewState, VIEW_STATE } from './view-state-table';
import { workshopStore } from './workshop-store.svelte';

export async function openTourStep(index: number): Promise<void> {
  const step = TOUR_STEPS[Math.max(0, Math.min(TOUR_STEPS.length - 1, index))];
  workshopStore.tourStep = TOUR_STEPS.indexOf(step);
  const { values, problems } = parseStateParams(Object.entries(step.state), VIEW_STATE);
  if (problems.length > 0) workshopStore.problems = problems;
  patchViewState(values);
  if (step.action && modelStore.info) await runAction(step.action);
}

export function closeTour(): void {
  workshopStore.tourStep = null;
}

async function runAction(action: TourAction): Promise<void> {
  switch (action) {
    case 'run-uncertainty':
      return uncertaintyStore.run();
    case 'run-analogy':
      return analogyStore.run();
    case 'load-label-example':
      return labelsStore.loadExample();
    case 'run-labels':
      if (!labelsStore.result || labelsStore.stale) {
        if (!labelsStore.input) await labelsStore.loadExample();
        await labelsStore.parse();
        if (labelsStore.canRun()) await labelsStore.run();
      }
  }
}
