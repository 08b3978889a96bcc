/**
 * The calibration mode's rows of the view state (link, session file): whether the mode is open and its
 * settings, from its setting rows. Their own keys (cal…): the mode's T, p and seed are kept apart from the
 * single-sentence task's, so a calibration run's settings do not change another view's.
 */
import { CALIBRATION_SETTINGS } from '../../core/contracts/calibration';
import { appStores } from '../app-stores.svelte';
import { settingRow, text, type BoundProperty } from './rows';

const row = (field: keyof typeof CALIBRATION_SETTINGS & string, link: Parameters<typeof settingRow>[3]) =>
  settingRow(() => appStores().calibration, CALIBRATION_SETTINGS, field, link);

export const CALIBRATION_VIEW_STATE: readonly BoundProperty[] = [
  row('open', { key: 'calOpen', label: 'Calibration mode open' }),
  row('source', { key: 'calSource', label: 'Calibration source' }),
  row('estimator', { key: 'calLayers', label: 'Calibration dropout layers' }),
  row('text', { key: 'calText', label: 'Calibration text', linkType: text(2000) }),
  row('samples', { key: 'calT', label: 'Calibration samples T' }),
  row('dropout', { key: 'calP', label: 'Calibration dropout p' }),
  row('seed', { key: 'calSeed', label: 'Calibration seed' }),
  row('bins', { key: 'calBins', label: 'Calibration bins' }),
];
