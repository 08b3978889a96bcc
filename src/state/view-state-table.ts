/**
 * The one table of shareable view state: each property with its type, default and how it reads from
 * and writes to the store that owns it. The link, the session file and the guided tour all go through
 * this table, so a property added here is shared, saved and restorable everywhere at once.
 */
import { sameValue, type StateProperty, type StateValue, type StateValues } from '../core/workshop/state-table';
import { ANALOGY_DEFAULTS, analogyStore } from './analogy-store.svelte';
import { ATTENTION_DEFAULTS, attentionStore } from './attention-store.svelte';
import { ATTENTION_VIEW_NAMES, type AttentionViewName } from '../core/contracts/attention';
import { labelsStore } from './labels-store.svelte';
import { UNCERTAINTY_DEFAULTS, uncertaintyStore, type BatchMeasure } from './uncertainty-store.svelte';
import { DEFAULT_AUDIT_SETTINGS, type FeatureChoice } from '../core/contracts/labels';
import type { AnalogyMethod } from '../core/analogy';
import { ANALOGY_SPACE_IDS, type AnalogySpaceId } from '../core/contracts/analogy';
import { TOUR_STEPS } from '../core/workshop/tour';
import { HIDEABLE_CONTROLS } from './hideable-controls';
import { TOOL_IDS, workshopStore, type ToolId } from './workshop-store.svelte';

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
  workshopStore.persist();
  attentionStore.persist();
  uncertaintyStore.persist();
  analogyStore.persist();
}

export const VIEW_STATE: readonly BoundProperty[] = [
  {
    key: 'tool',
    label: 'Tool',
    type: { kind: 'enum', values: TOOL_IDS },
    defaultValue: 'attention',
    read: () => workshopStore.tab,
    write: (v) => (workshopStore.tab = v as ToolId),
  },
  {
    key: 'model',
    label: 'Model',
    type: text(500),
    defaultValue: '',
    read: () => workshopStore.modelRef,
    write: (v) => (workshopStore.requestedModelRef = v as string),
  },
  {
    key: 'presenter',
    label: 'Presenter mode',
    type: bool,
    defaultValue: false,
    read: () => workshopStore.presenter,
    write: (v) => (workshopStore.presenter = v as boolean),
  },
  {
    key: 'tour',
    label: 'Tour step',
    type: int(0, TOUR_STEPS.length),
    defaultValue: 0,
    read: () => (workshopStore.tourStep === null ? 0 : workshopStore.tourStep + 1),
    write: (v) => (workshopStore.tourStep = v === 0 ? null : (v as number) - 1),
  },
  {
    key: '_hide',
    label: 'Hidden controls',
    type: { kind: 'list', maxItems: HIDEABLE_CONTROLS.length, values: HIDEABLE_CONTROLS.map((c) => c.id) },
    defaultValue: [],
    read: () => [...workshopStore.hidden],
    write: (v) => (workshopStore.hidden = v as string[]),
  },

  {
    key: 'text',
    label: 'Attention sentence',
    type: text(2000),
    defaultValue: A.text,
    read: () => attentionStore.text,
    write: (v) => (attentionStore.text = v as string),
  },
  {
    key: 'textB',
    label: 'Attention sentence B',
    type: text(2000),
    defaultValue: A.textB,
    read: () => attentionStore.textB,
    write: (v) => (attentionStore.textB = v as string),
  },
  {
    key: 'pair',
    label: 'Sentence pair',
    type: bool,
    defaultValue: A.pairMode,
    read: () => attentionStore.pairMode,
    write: (v) => (attentionStore.pairMode = v as boolean),
  },
  {
    key: 'view',
    label: 'Attention view',
    type: { kind: 'enum', values: ATTENTION_VIEW_NAMES },
    defaultValue: A.view,
    read: () => attentionStore.view,
    write: (v) => (attentionStore.view = v as AttentionViewName),
  },
  {
    key: 'layer',
    label: 'Layer',
    type: int(0, 255),
    defaultValue: A.layer,
    read: () => attentionStore.layer,
    write: (v) => (attentionStore.layer = v as number),
  },
  {
    key: 'head',
    label: 'Head',
    type: int(0, 255),
    defaultValue: A.head,
    read: () => attentionStore.head,
    write: (v) => (attentionStore.head = v as number),
  },
  {
    key: 'hideSpecial',
    label: 'Hide special tokens',
    type: bool,
    defaultValue: A.hideSpecial,
    read: () => attentionStore.hideSpecial,
    write: (v) => (attentionStore.hideSpecial = v as boolean),
  },
  {
    key: 'avgHeads',
    label: 'Average over heads',
    type: bool,
    defaultValue: A.averageHeads,
    read: () => attentionStore.averageHeads,
    write: (v) => (attentionStore.averageHeads = v as boolean),
  },
  {
    key: 'rollout',
    label: 'Attention rollout',
    type: bool,
    defaultValue: A.rollout,
    read: () => attentionStore.rollout,
    write: (v) => (attentionStore.rollout = v as boolean),
  },

  {
    key: 'mcMode',
    label: 'Uncertainty mode',
    type: { kind: 'enum', values: ['single', 'batch'] },
    defaultValue: U.mode,
    read: () => uncertaintyStore.mode,
    write: (v) => (uncertaintyStore.mode = v as 'single' | 'batch'),
  },
  {
    key: 'mcTask',
    label: 'Uncertainty task',
    type: { kind: 'enum', values: ['fill-mask', 'classification'] },
    defaultValue: U.task,
    read: () => uncertaintyStore.task,
    write: (v) => (uncertaintyStore.task = v as 'fill-mask' | 'classification'),
  },
  {
    key: 'mcText',
    label: 'Fill-mask sentence',
    type: text(2000),
    defaultValue: U.fillMaskText,
    read: () => uncertaintyStore.fillMaskText,
    write: (v) => (uncertaintyStore.fillMaskText = v as string),
  },
  {
    key: 'mcClassText',
    label: 'Sentence to classify',
    type: text(2000),
    defaultValue: U.classifyText,
    read: () => uncertaintyStore.classifyText,
    write: (v) => (uncertaintyStore.classifyText = v as string),
  },
  {
    key: 'mcBatch',
    label: 'Batch inputs',
    type: text(8000),
    defaultValue: U.batchText,
    read: () => uncertaintyStore.batchText,
    write: (v) => (uncertaintyStore.batchText = v as string),
  },
  {
    key: 'T',
    label: 'Samples T',
    type: int(1, 256),
    defaultValue: U.samples,
    read: () => uncertaintyStore.samples,
    write: (v) => (uncertaintyStore.samples = v as number),
  },
  {
    key: 'p',
    label: 'Dropout p',
    type: { kind: 'number', min: 0, max: 0.95 },
    nullable: true,
    defaultValue: U.dropout,
    read: () => uncertaintyStore.dropout,
    write: (v) => (uncertaintyStore.dropout = v as number | null),
  },
  {
    key: 'seed',
    label: 'Seed',
    type: int(0, 0xffffffff),
    defaultValue: U.seed,
    read: () => uncertaintyStore.seed,
    write: (v) => (uncertaintyStore.seed = v as number),
  },
  {
    key: 'sites',
    label: 'Dropout sites',
    type: { kind: 'list', maxItems: 2, values: ['attention', 'hidden'] },
    defaultValue: ['attention', 'hidden'],
    read: () => [
      ...(uncertaintyStore.attentionSites ? ['attention'] : []),
      ...(uncertaintyStore.hiddenSites ? ['hidden'] : []),
    ],
    write: (v) => {
      uncertaintyStore.attentionSites = (v as string[]).includes('attention');
      uncertaintyStore.hiddenSites = (v as string[]).includes('hidden');
    },
  },
  {
    key: 'lastK',
    label: 'Stochastic layers (0 = all)',
    type: int(0, 255),
    defaultValue: 0,
    read: () => (uncertaintyStore.layerMode === 'all' ? 0 : uncertaintyStore.lastK),
    write: (v) => {
      uncertaintyStore.layerMode = v === 0 ? 'all' : 'last';
      if (v !== 0) uncertaintyStore.lastK = v as number;
    },
  },
  {
    key: 'topK',
    label: 'Candidates shown',
    type: int(1, 50),
    defaultValue: U.topK,
    read: () => uncertaintyStore.topK,
    write: (v) => (uncertaintyStore.topK = v as number),
  },
  {
    key: 'rank',
    label: 'Batch ranking',
    type: { kind: 'enum', values: ['mutualInformation', 'predictiveEntropy', 'variationRatio'] },
    defaultValue: U.measure,
    read: () => uncertaintyStore.measure,
    write: (v) => (uncertaintyStore.measure = v as BatchMeasure),
  },

  {
    key: 'analogy',
    label: 'Analogy words',
    type: { kind: 'list', maxItems: 3, maxItemLength: 100 },
    defaultValue: [N.a, N.b, N.c],
    read: () => [analogyStore.a, analogyStore.b, analogyStore.c],
    write: (v) => {
      const [a = '', b = '', c = ''] = v as string[];
      Object.assign(analogyStore, { a, b, c });
    },
  },
  {
    key: 'method',
    label: 'Analogy method',
    type: { kind: 'enum', values: ['3CosAdd', '3CosMul'] },
    defaultValue: N.method,
    read: () => analogyStore.method,
    write: (v) => (analogyStore.method = v as AnalogyMethod),
  },
  {
    key: 'k',
    label: 'Analogy top-k',
    type: int(1, 100),
    defaultValue: N.k,
    read: () => analogyStore.k,
    write: (v) => (analogyStore.k = v as number),
  },
  {
    key: 'spaces',
    label: 'Analogy spaces',
    type: { kind: 'list', maxItems: ANALOGY_SPACE_IDS.length, values: ANALOGY_SPACE_IDS },
    defaultValue: [...N.spaces],
    read: () => [...analogyStore.spaces],
    write: (v) => (analogyStore.spaces = v as AnalogySpaceId[]),
  },
  {
    key: 'picture',
    label: 'Pictured space',
    type: { kind: 'enum', values: ANALOGY_SPACE_IDS },
    defaultValue: N.pictureSpace,
    read: () => analogyStore.pictureSpace,
    write: (v) => (analogyStore.pictureSpace = v as AnalogySpaceId),
  },
  {
    key: 'showQuery',
    label: 'Show query words',
    type: bool,
    defaultValue: N.includeQueryWords,
    read: () => analogyStore.includeQueryWords,
    write: (v) => (analogyStore.includeQueryWords = v as boolean),
  },
  {
    key: 'wholeWords',
    label: 'Whole words only',
    type: bool,
    defaultValue: N.wholeWordsOnly,
    read: () => analogyStore.wholeWordsOnly,
    write: (v) => (analogyStore.wholeWordsOnly = v as boolean),
  },
  {
    key: 'center',
    label: 'Mean-centre the space',
    type: bool,
    defaultValue: N.centered,
    read: () => analogyStore.centered,
    write: (v) => (analogyStore.centered = v as boolean),
  },
  {
    key: 'ctxLayer',
    label: 'Contextual layer',
    type: int(1, 255),
    nullable: true,
    defaultValue: N.layer,
    read: () => analogyStore.layer,
    write: (v) => (analogyStore.layer = v as number | null),
  },
  {
    key: 'neighbour',
    label: 'Neighbour word',
    type: text(100),
    defaultValue: N.neighbourWord,
    read: () => analogyStore.neighbourWord,
    write: (v) => (analogyStore.neighbourWord = v as string),
  },

  {
    key: 'features',
    label: 'Label audit features',
    type: { kind: 'enum', values: ['embeddings', 'tfidf', 'both'] },
    defaultValue: DEFAULT_AUDIT_SETTINGS.features,
    read: () => labelsStore.settings.features,
    write: (v) => labelsStore.setSettings({ features: v as FeatureChoice }),
  },
  {
    key: 'folds',
    label: 'Folds',
    type: int(2, 20),
    defaultValue: DEFAULT_AUDIT_SETTINGS.folds,
    read: () => labelsStore.settings.folds,
    write: (v) => labelsStore.setSettings({ folds: v as number }),
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
