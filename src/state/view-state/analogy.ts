/** The word-analogy tool's rows of the view state (link, session file, tour). */
import type { AnalogyMethod } from '../../core/analogy';
import { ANALOGY_SPACE_IDS, type AnalogySpaceId } from '../../core/contracts/analogy';
import { ANALOGY_DEFAULTS as N } from '../analogy-store.svelte';
import { appStores } from '../app-stores.svelte';
import { bool, int, text, type BoundProperty } from './rows';

export const ANALOGY_VIEW_STATE: readonly BoundProperty[] = [
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
];
