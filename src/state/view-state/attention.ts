/** The attention tool's rows of the view state (link, session file, tour), from its setting rows. */
import { ATTENTION_SETTINGS } from '../../core/contracts/attention';
import { appStores } from '../app-stores.svelte';
import { settingRow, text, type BoundProperty } from './rows';

const row = (field: keyof typeof ATTENTION_SETTINGS & string, link: Parameters<typeof settingRow>[3]) =>
  settingRow(() => appStores().attention, ATTENTION_SETTINGS, field, link);

export const ATTENTION_VIEW_STATE: readonly BoundProperty[] = [
  row('text', { key: 'text', label: 'Attention sentence', linkType: text(2000) }),
  row('textB', { key: 'textB', label: 'Attention sentence B', linkType: text(2000) }),
  row('pairMode', { key: 'pair', label: 'Sentence pair' }),
  row('view', { key: 'view', label: 'Attention view' }),
  row('layer', { key: 'layer', label: 'Layer' }),
  row('head', { key: 'head', label: 'Head' }),
  row('hideSpecial', { key: 'hideSpecial', label: 'Hide special tokens' }),
  row('averageHeads', { key: 'avgHeads', label: 'Average over heads' }),
  row('rollout', { key: 'rollout', label: 'Attention rollout' }),
];
