/** The label tool's rows of the view state (link, session file, tour): the audit settings a link carries. */
import { DEFAULT_AUDIT_SETTINGS, FEATURE_CHOICES, type FeatureChoice } from '../../core/contracts/labels';
import { appStores } from '../app-stores.svelte';
import { int, type BoundProperty } from './rows';

export const LABELS_VIEW_STATE: readonly BoundProperty[] = [
  {
    key: 'features',
    label: 'Label audit features',
    type: { kind: 'enum', values: FEATURE_CHOICES },
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
