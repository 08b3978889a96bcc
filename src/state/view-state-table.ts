/**
 * The one table of shareable view state: each property with its type, default and how it reads from
 * and writes to the store that owns it. The link, the session file and the guided tour all go through
 * this table, so a property added here is shared, saved and restorable everywhere at once.
 */
import { appStores } from './app-stores.svelte';
import { sameValue, type StateProperty, type StateValue, type StateValues } from '../core/workshop/state-table';
import { ANALOGY_DEFAULTS } from './analogy-store.svelte';
import { ATTENTION_DEFAULTS } from './attention-store.svelte';
import { ATTENTION_VIEW_NAMES, type AttentionViewName } from '../core/contracts/attention';
import { UNCERTAINTY_DEFAULTS, type BatchMeasure } from './uncertainty-store.svelte';
import { DEFAULT_AUDIT_SETTINGS, type FeatureChoice } from '../core/contracts/labels';
import type { AnalogyMethod } from '../core/analogy';
import { ANALOGY_SPACE_IDS, type AnalogySpaceId } from '../core/contracts/analogy';
import { TOUR_STEPS } from '../core/workshop/tour';
import { HIDEABLE_CONTROLS } from './hideable-controls';
import { TOOL_IDS, type ToolId } from './workshop-store.svelte';

interface BoundProperty extends StateProperty {
  read(): StateValue;
  write(value: StateValue): void;
}

const text = (maxLength: number) => ({ kind: 'string', maxLength }) as const;
const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
const bool = { kind: 'bool' } as const;
const A = ATTENTION_DEFAULTS;
const U = UNCERTAINTY_DEFAULTS;
const N = ANALOGY_DEFAULTS;

function persistAll(): void {
  appStores().workshop.persist();
  appStores().attention.persist();
  appStores().uncertainty.persist();
  appStores().analogy.persist();
}

export const VIEW_STATE: readonly BoundProperty[] = [
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

  {
    key: 'text',
    label: 'Attention sentence',
    type: text(2000),
    defaultValue: A.text,
    read: () => appStores().attention.text,
    write: (v) => (appStores().attention.text = v as string),
  },
  {
    key: 'textB',
    label: 'Attention sentence B',
    type: text(2000),
    defaultValue: A.textB,
    read: () => appStores().attention.textB,
    write: (v) => (appStores().attention.textB = v as string),
  },
  {
    key: 'pair',
    label: 'Sentence pair',
    type: bool,
    defaultValue: A.pairMode,
    read: () => appStores().attention.pairMode,
    write: (v) => (appStores().attention.pairMode = v as boolean),
  },
  {
    key: 'view',
    label: 'Attention view',
    type: { kind: 'enum', values: ATTENTION_VIEW_NAMES },
    defaultValue: A.view,
    read: () => appStores().attention.view,
    write: (v) => (appStores().attention.view = v as AttentionViewName),
  },
  {
    key: 'layer',
    label: 'Layer',
    type: int(0, 255),
    defaultValue: A.layer,
    read: () => appStores().attention.layer,
    write: (v) => (appStores().attention.layer = v as number),
  },
  {
    key: 'head',
    label: 'Head',
    type: int(0, 255),
    defaultValue: A.head,
    read: () => appStores().attention.head,
    write: (v) => (appStores().attention.head = v as number),
  },
  {
    key: 'hideSpecial',
    label: 'Hide special tokens',
    type: bool,
    defaultValue: A.hideSpecial,
    read: () => appStores().attention.hideSpecial,
    write: (v) => (appStores().attention.hideSpecial = v as boolean),
  },
  {
    key: 'avgHeads',
    label: 'Average over heads',
    type: bool,
    defaultValue: A.averageHeads,
    read: () => appStores().attention.averageHeads,
    write: (v) => (appStores().attention.averageHeads = v as boolean),
  },
  {
    key: 'rollout',
    label: 'Attention rollout',
    type: bool,
    defaultValue: A.rollout,
    read: () => appStores().attention.rollout,
    write: (v) => (appStores().attention.rollout = v as boolean),
  },

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

  {
    key: 'analogy',
    label: 'Analogy words',
    type: { kind: 'list', maxItems: 3, maxItemLength: 100 },
    defaultValue: [N.a, N.b, N.c],
    read: () => [appStores().analogy.a, appStores().analogy.b, appStores().analogy.c],
    write: (v) => {
      const [a = '', b = '', c = ''] = v as string[];
      Object.assign(appStores().analogy, { a, b, c });
    },
  },
  {
    key: 'method',
    label: 'Analogy method',
    type: { kind: 'enum', values: ['3CosAdd', '3CosMul'] },
    defaultValue: N.method,
    read: () => appStores().analogy.method,
    write: (v) => (appStores().analogy.method = v as AnalogyMethod),
  },
  {
    key: 'k',
    label: 'Analogy top-k',
    type: int(1, 100),
    defaultValue: N.k,
    read: () => appStores().analogy.k,
    write: (v) => (appStores().analogy.k = v as number),
  },
  {
    key: 'spaces',
    label: 'Analogy spaces',
    type: { kind: 'list', maxItems: ANALOGY_SPACE_IDS.length, values: ANALOGY_SPACE_IDS },
    defaultValue: [...N.spaces],
    read: () => [...appStores().analogy.spaces],
    write: (v) => (appStores().analogy.spaces = v as AnalogySpaceId[]),
  },
  {
    key: 'picture',
    label: 'Pictured space',
    type: { kind: 'enum', values: ANALOGY_SPACE_IDS },
    defaultValue: N.pictureSpace,
    read: () => appStores().analogy.pictureSpace,
    write: (v) => (appStores().analogy.pictureSpace = v as AnalogySpaceId),
  },
  {
    key: 'showQuery',
    label: 'Show query words',
    type: bool,
    defaultValue: N.includeQueryWords,
    read: () => appStores().analogy.includeQueryWords,
    write: (v) => (appStores().analogy.includeQueryWords = v as boolean),
  },
  {
    key: 'wholeWords',
    label: 'Whole words only',
    type: bool,
    defaultValue: N.wholeWordsOnly,
    read: () => appStores().analogy.wholeWordsOnly,
    write: (v) => (appStores().analogy.wholeWordsOnly = v as boolean),
  },
  {
    key: 'center',
    label: 'Mean-centre the space',
    type: bool,
    defaultValue: N.centered,
    read: () => appStores().analogy.centered,
    write: (v) => (appStores().analogy.centered = v as boolean),
  },
  {
    key: 'ctxLayer',
    label: 'Contextual layer',
    type: int(1, 255),
    nullable: true,
    defaultValue: N.layer,
    read: () => appStores().analogy.layer,
    write: (v) => (appStores().analogy.layer = v as number | null),
  },
  {
    key: 'neighbour',
    label: 'Neighbour word',
    type: text(100),
    defaultValue: N.neighbourWord,
    read: () => appStores().analogy.neighbourWord,
    write: (v) => (appStores().analogy.neighbourWord = v as string),
  },

  {
    key: 'features',
    label: 'Label audit features',
    type: { kind: 'enum', values: ['embeddings', 'tfidf', 'both'] },
    defaultValue: DEFAULT_AUDIT_SETTINGS.features,
    read: () => appStores().labels.settings.features,
    write: (v) => appStores().labels.setSettings({ features: v as FeatureChoice }),
  },
  {
    key: 'folds',
    label: 'Folds',
    type: int(2, 20),
    defaultValue: DEFAULT_AUDIT_SETTINGS.folds,
    read: () => appStores().labels.settings.folds,
    write: (v) => appStores().labels.setSettings({ folds: v as number }),
  },
];

/** Every property's current value. Reading it inside an effect subscribes to all of them. */
export function readViewState(): StateValues {
  const values: StateValues = {};
  for (const property of VIEW_STATE) values[property.key] = property.read();
  return values;
}

/**
 * Sets the view to exactly `values`: properties not given go back to their defaults, because a link
 * describes the whole view (otherwise what a participant sees would depend on their own last visit).
 */
export function writeViewState(values: StateValues): void {
  for (const property of VIEW_STATE) {
    const next = property.key in values ? values[property.key] : property.defaultValue;
    if (!sameValue(property.read(), next)) property.write(next);
  }
  persistAll();
}

/** Sets only the given properties (the tour's steps change a few and keep the rest). */
export function patchViewState(values: StateValues): void {
  for (const property of VIEW_STATE) if (property.key in values) property.write(values[property.key]);
  persistAll();
}
