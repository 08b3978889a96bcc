/**
 * The uncertainty tool's decoder rows of the view state (link, session file, tour): the next-token and
 * continuation settings, from their setting rows. Their own keys (dec…): a decoder's prompt, T and p are
 * kept apart from the fill-mask task's, so switching models does not carry one over to the other.
 */
import { DECODER_UNCERTAINTY_SETTINGS } from '../../core/contracts/decoder-uncertainty';
import { DROPOUT_SITES } from '../../core/contracts/uncertainty';
import { appStores } from '../app-stores.svelte';
import { settingRow, text, type BoundProperty } from './rows';

const row = (field: keyof typeof DECODER_UNCERTAINTY_SETTINGS & string, link: Parameters<typeof settingRow>[3]) =>
  settingRow(() => appStores().decoderUncertainty, DECODER_UNCERTAINTY_SETTINGS, field, link);

export const DECODER_UNCERTAINTY_VIEW_STATE: readonly BoundProperty[] = [
  row('mode', { key: 'decMode', label: 'Decoder task (next token or continuation)' }),
  row('prompt', { key: 'decPrompt', label: 'Decoder prompt', linkType: text(2000) }),
  row('samples', { key: 'decT', label: 'Decoder samples T' }),
  row('dropout', { key: 'decP', label: 'Decoder dropout p' }),
  row('seed', { key: 'decSeed', label: 'Decoder seed' }),
  {
    key: 'decSites',
    label: 'Decoder dropout sites',
    type: { kind: 'list', maxItems: DROPOUT_SITES.length, values: DROPOUT_SITES },
    defaultValue: [...DROPOUT_SITES],
    read: () => [
      ...(appStores().decoderUncertainty.attentionSites ? ['attention'] : []),
      ...(appStores().decoderUncertainty.hiddenSites ? ['hidden'] : []),
    ],
    write: (v) => {
      appStores().decoderUncertainty.attentionSites = (v as string[]).includes('attention');
      appStores().decoderUncertainty.hiddenSites = (v as string[]).includes('hidden');
    },
  },
  row('topK', { key: 'decCandidates', label: 'Next-token candidates shown' }),
  row('maxNewTokens', { key: 'decTokens', label: 'Continuation length (tokens)' }),
  row('strategy', { key: 'decDecoding', label: 'Continuation decoding (greedy or sampled)' }),
  row('temperature', { key: 'decTemp', label: 'Sampling temperature' }),
  row('samplingTopK', { key: 'decTopK', label: 'Sampling top-k (0 = off)' }),
  row('topP', { key: 'decTopP', label: 'Sampling top-p (1 = off)' }),
  row('measure', { key: 'decColour', label: 'Continuation coloured by' }),
  row('batchPrompts', { key: 'decBatch', label: 'Decoder batch prompts', linkType: text(8000) }),
  row('batchMeasure', { key: 'decRank', label: 'Decoder batch ranking' }),
];
