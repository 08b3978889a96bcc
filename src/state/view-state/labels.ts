/** The label tool's rows of the view state (link, session file, tour): the audit settings a link carries. */
import { LABEL_AUDIT_SETTINGS, type FeatureChoice } from '../../core/contracts/labels';
import { appStores } from '../app-stores.svelte';
import type { BoundProperty } from './rows';

// The type, bounds and default come from the tool's setting rows; the write goes through setSettings,
// which re-reads the data when the folds change (the fold check depends on them).
export const LABELS_VIEW_STATE: readonly BoundProperty[] = [
  {
    key: 'features',
    label: 'Label audit features',
    type: LABEL_AUDIT_SETTINGS.features.type,
    defaultValue: LABEL_AUDIT_SETTINGS.features.defaultValue,
    read: () => appStores().labels.settings.features,
    write: (v) => appStores().labels.setSettings({ features: v as FeatureChoice }),
  },
  {
    key: 'folds',
    label: 'Folds',
    type: LABEL_AUDIT_SETTINGS.folds.type,
    defaultValue: LABEL_AUDIT_SETTINGS.folds.defaultValue,
    read: () => appStores().labels.settings.folds,
    write: (v) => appStores().labels.setSettings({ folds: v as number }),
  },
];
