/** The "train a head" panel's rows of the view state (link, session file, tour), from its setting rows. */
import { HEAD_SETTINGS } from '../../core/contracts/head';
import { appStores } from '../app-stores.svelte';
import { settingRow, type BoundProperty } from './rows';

const row = (field: keyof typeof HEAD_SETTINGS & string, key: string, label: string) =>
  settingRow(() => appStores().head, HEAD_SETTINGS, field, { key, label });

export const HEAD_VIEW_STATE: readonly BoundProperty[] = [
  row('model', 'headModel', 'Head model'),
  row('hiddenWidth', 'headWidth', 'Hidden width'),
  row('optimiser', 'headOpt', 'Optimiser'),
  row('learningRate', 'headLr', 'Learning rate'),
  row('epochs', 'headEpochs', 'Epochs'),
  row('batchSize', 'headBatch', 'Batch size'),
  row('seed', 'headSeed', 'Head seed'),
  row('dataPercent', 'headData', 'Training data (%)'),
  row('heldOutPercent', 'headHeldOut', 'Held out (%)'),
  row('inputDropoutA', 'pInA', 'Run A input dropout'),
  row('hiddenDropoutA', 'pHidA', 'Run A hidden dropout'),
  row('weightDecayA', 'decayA', 'Run A weight decay'),
  row('inputDropoutB', 'pInB', 'Run B input dropout'),
  row('hiddenDropoutB', 'pHidB', 'Run B hidden dropout'),
  row('weightDecayB', 'decayB', 'Run B weight decay'),
];
