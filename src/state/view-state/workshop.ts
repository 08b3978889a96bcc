/** The page-level rows of the view state: the open tool, the model, presenter mode, the tour step, hidden controls. */
import { TOUR_STEPS } from '../../core/workshop/tour';
import { appStores } from '../app-stores.svelte';
import { HIDEABLE_CONTROLS } from '../hideable-controls';
import { TOOL_IDS, type ToolId } from '../workshop-store.svelte';
import { bool, int, text, type BoundProperty } from './rows';

export const WORKSHOP_VIEW_STATE: readonly BoundProperty[] = [
  {
    key: 'tool',
    label: 'Tool',
    type: { kind: 'enum', values: TOOL_IDS },
    defaultValue: 'attention',
    read: () => appStores().workshop.tab,
    write: (v) => (appStores().workshop.tab = v as ToolId),
  },
  {
    key: 'model',
    label: 'Model',
    type: text(500),
    defaultValue: '',
    read: () => appStores().workshop.modelRef,
    write: (v) => (appStores().workshop.requestedModelRef = v as string),
  },
  {
    key: 'presenter',
    label: 'Presenter mode',
    type: bool,
    defaultValue: false,
    read: () => appStores().workshop.presenter,
    write: (v) => (appStores().workshop.presenter = v as boolean),
  },
  {
    key: 'tour',
    label: 'Tour step',
    type: int(0, TOUR_STEPS.length),
    defaultValue: 0,
    read: () => {
      const step = appStores().workshop.tourStep;
      return step === null ? 0 : step + 1;
    },
    write: (v) => (appStores().workshop.tourStep = v === 0 ? null : (v as number) - 1),
  },
  {
    key: '_hide',
    label: 'Hidden controls',
    type: { kind: 'list', maxItems: HIDEABLE_CONTROLS.length, values: HIDEABLE_CONTROLS.map((c) => c.id) },
    defaultValue: [],
    read: () => [...appStores().workshop.hidden],
    write: (v) => (appStores().workshop.hidden = v as string[]),
  },
];
