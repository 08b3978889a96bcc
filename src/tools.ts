/**
 * The one registry of tools, the way a model zoo lists its tasks once: each tool's id, tab label, store,
 * component and view-state rows. The tab bar, the view state (link, session file) and the guided tour all
 * read this list; a new tool is one entry here (see docs/ARCHITECTURE.md, "Adding a tool").
 */
import type { Component } from 'svelte';
import type { TourAction } from './core/workshop/tour';
import { appStores, type AppStores } from './state/app-stores.svelte';
import type { ViewStateTable } from './state/view-state-table';
import { ANALOGY_VIEW_STATE } from './state/view-state/analogy';
import { ATTENTION_VIEW_STATE } from './state/view-state/attention';
import { LABELS_VIEW_STATE } from './state/view-state/labels';
import { HEAD_VIEW_STATE } from './state/view-state/head';
import type { BoundProperty } from './state/view-state/rows';
import { UNCERTAINTY_VIEW_STATE } from './state/view-state/uncertainty';
import { DECODER_UNCERTAINTY_VIEW_STATE } from './state/view-state/decoder-uncertainty';
import { CALIBRATION_VIEW_STATE } from './state/view-state/calibration';
import { WORKSHOP_VIEW_STATE } from './state/view-state/workshop';
import type { ToolId } from './state/workshop-store.svelte';
import AnalogyTool from './ui/analogy/AnalogyTool.svelte';
import AttentionTool from './ui/attention/AttentionTool.svelte';
import LabelsTool from './ui/labels/LabelsTool.svelte';
import ModelOverview from './ui/model/ModelOverview.svelte';
import UncertaintyTool from './ui/uncertainty/UncertaintyTool.svelte';

export interface ToolEntry {
  id: ToolId;
  /** The tab's label. */
  label: string;
  component: Component;
  /** The tool's store, if it has one (its settings are saved when the view state changes them). */
  store?: (stores: AppStores) => { persist(): void };
  /** The tool's rows of the view state: what a link, a session file and a tour step can set. */
  viewState: readonly BoundProperty[];
  /** What the guided tour's steps can ask this tool to run. */
  tourActions?: Partial<Record<TourAction, (stores: AppStores) => Promise<void>>>;
  /**
   * Keeps aside what the tour may replace beyond the view state (data, results); the returned function
   * puts it back when the tour closes. Tools that rerun from their view state by themselves need none.
   */
  lendToTour?: (stores: AppStores) => () => Promise<void>;
}

/** The app's tools, in tab order. */
export const TOOLS: readonly ToolEntry[] = [
  {
    id: 'attention',
    label: 'Attention',
    component: AttentionTool,
    store: (s) => s.attention,
    viewState: ATTENTION_VIEW_STATE,
  },
  {
    id: 'uncertainty',
    label: 'Uncertainty',
    component: UncertaintyTool,
    // The encoder tasks' settings, the decoder's (next token, continuation) and the calibration mode's are saved apart.
    store: (s) => ({
      persist: () => {
        s.uncertainty.persist();
        s.decoderUncertainty.persist();
        s.calibration.persist();
      },
    }),
    viewState: [...UNCERTAINTY_VIEW_STATE, ...DECODER_UNCERTAINTY_VIEW_STATE, ...CALIBRATION_VIEW_STATE],
    lendToTour: (s) => {
      const encoder = s.uncertainty.lendToTour();
      const decoder = s.decoderUncertainty.lendToTour();
      const calibration = s.calibration.lendToTour();
      return async () => {
        await encoder();
        await decoder();
        await calibration();
      };
    },
    tourActions: {
      'run-uncertainty': (s) => s.uncertainty.run(),
      // The single-sentence view first (it is quick); then the sample text's calibration, which the step quotes.
      'run-uncertainty-and-calibration': async (s) => {
        await s.uncertainty.run();
        await s.calibration.useSample();
        await s.calibration.run();
      },
      'run-next-token': (s) => s.decoderUncertainty.run(),
    },
  },
  {
    id: 'analogy',
    label: 'Word analogies',
    component: AnalogyTool,
    store: (s) => s.analogy,
    viewState: ANALOGY_VIEW_STATE,
    tourActions: { 'run-analogy': (s) => s.analogy.run() },
  },
  {
    id: 'labels',
    label: 'Label audit',
    component: LabelsTool,
    // The label audit saves its own settings; the "train a head" panel's are saved through its store.
    store: (s) => s.head,
    viewState: [...LABELS_VIEW_STATE, ...HEAD_VIEW_STATE],
    lendToTour: (s) => {
      const labels = s.labels.lendToTour();
      const head = s.head.lendToTour();
      return async () => {
        await labels();
        await head();
      };
    },
    tourActions: {
      'load-label-example': (s) => s.labels.loadExample(),
      'run-labels': async ({ labels }) => {
        if (!labels.result || labels.stale) {
          if (!labels.input) await labels.loadExample();
          await labels.parse();
          if (labels.canRun()) await labels.run();
        }
      },
      'train-head': async ({ labels, head }) => {
        if (!labels.input) await labels.loadExample();
        if (!labels.parsed) await labels.parse();
        if (!head.running) await head.train();
      },
    },
  },
  { id: 'model', label: 'Model & tokenizer', component: ModelOverview, viewState: [] },
];

/** The view state: the page's own rows, then each tool's, in registry order. */
export const VIEW_STATE: ViewStateTable = {
  rows: [...WORKSHOP_VIEW_STATE, ...TOOLS.flatMap((tool) => tool.viewState)],
  persist: () => {
    const stores = appStores();
    stores.workshop.persist();
    for (const tool of TOOLS) tool.store?.(stores).persist();
  },
};

/** The tour action's runner, from the tool that declares it. */
export function tourAction(action: TourAction): ((stores: AppStores) => Promise<void>) | undefined {
  return TOOLS.map((tool) => tool.tourActions?.[action]).find((run) => run !== undefined);
}
