/** The MC-dropout tool's rows of the view state (link, session file, tour). */
import { appStores } from '../app-stores.svelte';
import { UNCERTAINTY_DEFAULTS as U, type BatchMeasure } from '../uncertainty-store.svelte';
import { int, text, type BoundProperty } from './rows';

export const UNCERTAINTY_VIEW_STATE: readonly BoundProperty[] = [
  {
    key: 'mcMode',
    label: 'Uncertainty mode',
    type: { kind: 'enum', values: ['single', 'batch'] },
    defaultValue: U.mode,
    read: () => appStores().uncertainty.mode,
    write: (v) => (appStores().uncertainty.mode = v as 'single' | 'batch'),
  },
  {
    key: 'mcTask',
    label: 'Uncertainty task',
    type: { kind: 'enum', values: ['fill-mask', 'classification'] },
    defaultValue: U.task,
    read: () => appStores().uncertainty.task,
    write: (v) => (appStores().uncertainty.task = v as 'fill-mask' | 'classification'),
  },
  {
    key: 'mcText',
    label: 'Fill-mask sentence',
    type: text(2000),
    defaultValue: U.fillMaskText,
    read: () => appStores().uncertainty.fillMaskText,
    write: (v) => (appStores().uncertainty.fillMaskText = v as string),
  },
  {
    key: 'mcClassText',
    label: 'Sentence to classify',
    type: text(2000),
    defaultValue: U.classifyText,
    read: () => appStores().uncertainty.classifyText,
    write: (v) => (appStores().uncertainty.classifyText = v as string),
  },
  {
    key: 'mcBatch',
    label: 'Batch inputs',
    type: text(8000),
    defaultValue: U.batchText,
    read: () => appStores().uncertainty.batchText,
    write: (v) => (appStores().uncertainty.batchText = v as string),
  },
  {
    key: 'T',
    label: 'Samples T',
    type: int(1, 256),
    defaultValue: U.samples,
    read: () => appStores().uncertainty.samples,
    write: (v) => (appStores().uncertainty.samples = v as number),
  },
  {
    key: 'p',
    label: 'Dropout p',
    type: { kind: 'number', min: 0, max: 0.95 },
    nullable: true,
    defaultValue: U.dropout,
    read: () => appStores().uncertainty.dropout,
    write: (v) => (appStores().uncertainty.dropout = v as number | null),
  },
  {
    key: 'seed',
    label: 'Seed',
    type: int(0, 0xffffffff),
    defaultValue: U.seed,
    read: () => appStores().uncertainty.seed,
    write: (v) => (appStores().uncertainty.seed = v as number),
  },
  {
    key: 'sites',
    label: 'Dropout sites',
    type: { kind: 'list', maxItems: 2, values: ['attention', 'hidden'] },
    defaultValue: ['attention', 'hidden'],
    read: () => [
      ...(appStores().uncertainty.attentionSites ? ['attention'] : []),
      ...(appStores().uncertainty.hiddenSites ? ['hidden'] : []),
    ],
    write: (v) => {
      appStores().uncertainty.attentionSites = (v as string[]).includes('attention');
      appStores().uncertainty.hiddenSites = (v as string[]).includes('hidden');
    },
  },
  {
    key: 'lastK',
    label: 'Stochastic layers (0 = all)',
    type: int(0, 255),
    defaultValue: 0,
    read: () => (appStores().uncertainty.layerMode === 'all' ? 0 : appStores().uncertainty.lastK),
    write: (v) => {
      appStores().uncertainty.layerMode = v === 0 ? 'all' : 'last';
      if (v !== 0) appStores().uncertainty.lastK = v as number;
    },
  },
  {
    key: 'topK',
    label: 'Candidates shown',
    type: int(1, 50),
    defaultValue: U.topK,
    read: () => appStores().uncertainty.topK,
    write: (v) => (appStores().uncertainty.topK = v as number),
  },
  {
    key: 'rank',
    label: 'Batch ranking',
    type: { kind: 'enum', values: ['mutualInformation', 'predictiveEntropy', 'variationRatio'] },
    defaultValue: U.measure,
    read: () => appStores().uncertainty.measure,
    write: (v) => (appStores().uncertainty.measure = v as BatchMeasure),
  },
];
