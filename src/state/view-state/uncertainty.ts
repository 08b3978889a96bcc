/** The MC-dropout tool's rows of the view state (link, session file, tour), from its setting rows. */
import { DROPOUT_SITES, UNCERTAINTY_SETTINGS } from '../../core/contracts/uncertainty';
import { appStores } from '../app-stores.svelte';
import { int, settingRow, text, type BoundProperty } from './rows';

const row = (field: keyof typeof UNCERTAINTY_SETTINGS & string, link: Parameters<typeof settingRow>[3]) =>
  settingRow(() => appStores().uncertainty, UNCERTAINTY_SETTINGS, field, link);

export const UNCERTAINTY_VIEW_STATE: readonly BoundProperty[] = [
  row('mode', { key: 'mcMode', label: 'Uncertainty mode' }),
  row('task', { key: 'mcTask', label: 'Uncertainty task' }),
  row('fillMaskText', { key: 'mcText', label: 'Fill-mask sentence', linkType: text(2000) }),
  row('classifyText', { key: 'mcClassText', label: 'Sentence to classify', linkType: text(2000) }),
  row('batchText', { key: 'mcBatch', label: 'Batch inputs', linkType: text(8000) }),
  row('samples', { key: 'T', label: 'Samples T' }),
  row('dropout', { key: 'p', label: 'Dropout p' }),
  row('seed', { key: 'seed', label: 'Seed' }),
  // Two settings in one link value each: the dropout sites as a list, and "all layers" as 0.
  {
    key: 'sites',
    label: 'Dropout sites',
    type: { kind: 'list', maxItems: DROPOUT_SITES.length, values: DROPOUT_SITES },
    defaultValue: [...DROPOUT_SITES],
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
  row('topK', { key: 'topK', label: 'Candidates shown' }),
  row('measure', { key: 'rank', label: 'Batch ranking' }),
  // The head itself lives in the page that trained it, so a link carries only the task (the store falls back).
  row('headDropout', { key: 'mcHeadDrop', label: "Trained head's own dropout" }),
];
