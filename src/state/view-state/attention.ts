/** The attention tool's rows of the view state (link, session file, tour). */
import { ATTENTION_VIEW_NAMES, type AttentionViewName } from '../../core/contracts/attention';
import { appStores } from '../app-stores.svelte';
import { ATTENTION_DEFAULTS as A } from '../attention-store.svelte';
import { bool, int, text, type BoundProperty } from './rows';

export const ATTENTION_VIEW_STATE: readonly BoundProperty[] = [
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
];
