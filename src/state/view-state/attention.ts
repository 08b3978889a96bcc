/** The attention tool's rows of the view state (link, session file, tour), from its setting rows. */
import { ATTENTION_SETTINGS } from '../../core/contracts/attention';
import { appStores } from '../app-stores.svelte';
import { DROPOUT_SITES } from '../../core/contracts/uncertainty';
import { oneBasedRow, settingRow, text, type BoundProperty } from './rows';

const row = (field: keyof typeof ATTENTION_SETTINGS & string, link: Parameters<typeof settingRow>[3]) =>
  settingRow(() => appStores().attention, ATTENTION_SETTINGS, field, link);

export const ATTENTION_VIEW_STATE: readonly BoundProperty[] = [
  row('text', { key: 'text', label: 'Attention sentence', linkType: text(2000) }),
  row('textB', { key: 'textB', label: 'Attention sentence B', linkType: text(2000) }),
  row('pairMode', { key: 'pair', label: 'Sentence pair' }),
  row('view', { key: 'view', label: 'Attention view' }),
  // Counted from 1 as on screen; links from before that said layer= and head= from 0 and still open the same view.
  oneBasedRow(() => appStores().attention, ATTENTION_SETTINGS, 'layer', {
    key: 'attnLayer',
    label: 'Layer',
    formerKey: 'layer',
  }),
  oneBasedRow(() => appStores().attention, ATTENTION_SETTINGS, 'head', {
    key: 'attnHead',
    label: 'Head',
    formerKey: 'head',
  }),
  row('hideSpecial', { key: 'hideSpecial', label: 'Hide special tokens' }),
  row('averageHeads', { key: 'avgHeads', label: 'Average over heads' }),
  row('rollout', { key: 'rollout', label: 'Attention rollout' }),
  row('dropoutMode', { key: 'attnDropout', label: 'Attention with dropout (MC)' }),
  row('mcSamples', { key: 'attnT', label: 'Attention samples T' }),
  row('mcDropout', { key: 'attnP', label: 'Attention dropout p' }),
  row('mcLastK', { key: 'attnLastK', label: 'Attention stochastic layers (0 = all)' }),
  row('mcSeed', { key: 'attnSeed', label: 'Attention seed' }),
  // Two settings in one link value: the dropout sites as a list, as the uncertainty tool's link writes them.
  {
    key: 'attnSites',
    label: 'Attention dropout sites',
    type: { kind: 'list', maxItems: DROPOUT_SITES.length, values: DROPOUT_SITES },
    defaultValue: [...DROPOUT_SITES],
    read: () => [
      ...(appStores().attention.mcAttentionSites ? ['attention'] : []),
      ...(appStores().attention.mcHiddenSites ? ['hidden'] : []),
    ],
    write: (v) => {
      appStores().attention.mcAttentionSites = (v as string[]).includes('attention');
      appStores().attention.mcHiddenSites = (v as string[]).includes('hidden');
    },
  },
];
