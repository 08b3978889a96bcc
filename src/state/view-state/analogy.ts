/** The word-analogy tool's rows of the view state (link, session file, tour), from its setting rows. */
import { ANALOGY_SETTINGS as S } from '../../core/contracts/analogy';
import { appStores } from '../app-stores.svelte';
import { settingRow, type BoundProperty } from './rows';

const row = (field: keyof typeof S & string, link: Parameters<typeof settingRow>[3]) =>
  settingRow(() => appStores().analogy, S, field, link);

export const ANALOGY_VIEW_STATE: readonly BoundProperty[] = [
  // The three words travel as one value, a,b,c.
  {
    key: 'analogy',
    label: 'Analogy words',
    type: { kind: 'list', maxItems: 3, maxItemLength: 100 },
    defaultValue: [S.a.defaultValue, S.b.defaultValue, S.c.defaultValue],
    read: () => [appStores().analogy.a, appStores().analogy.b, appStores().analogy.c],
    write: (v) => {
      const [a = '', b = '', c = ''] = v as string[];
      Object.assign(appStores().analogy, { a, b, c });
    },
  },
  row('method', { key: 'method', label: 'Analogy method' }),
  row('k', { key: 'k', label: 'Analogy top-k' }),
  row('spaces', { key: 'spaces', label: 'Analogy spaces' }),
  row('pictureSpace', { key: 'picture', label: 'Pictured space' }),
  row('includeQueryWords', { key: 'showQuery', label: 'Show query words' }),
  row('wholeWordsOnly', { key: 'wholeWords', label: 'Whole words only' }),
  row('centered', { key: 'center', label: 'Mean-centre the space' }),
  row('layer', { key: 'ctxLayer', label: 'Contextual layer' }),
  row('neighbourWord', { key: 'neighbour', label: 'Neighbour word' }),
];
