import { TOOL_NAMES } from '../core/contracts/model';
import { formatModelRef, parseModelRef } from '../core/workshop/model-ref';
import type { ModelStore } from './model-store.svelte';
import { readPersisted, writePersisted } from './persisted';

export const TOOL_IDS = [...TOOL_NAMES, 'model'] as const;
export type ToolId = (typeof TOOL_IDS)[number];

const PRESENTER_KEY = 'presenter';

/** The page-level state a workshop shares: which tool is open, presenter mode, hidden controls, the model. */
export class WorkshopStore {
  tab = $state<ToolId>('attention');
  presenter = $state(false);
  hidden = $state<string[]>([]);
  /** A model named by a link or session, loaded once the app has started. */
  requestedModelRef = $state('');
  /** Problems found in a link or session file, shown until dismissed. */
  problems = $state<string[]>([]);
  notice = $state<string | null>(null);
  /** The open guided-tour step (0-based), or null when the tour is closed. */
  tourStep = $state<number | null>(null);

  constructor(
    private readonly modelStore: Pick<
      ModelStore,
      'status' | 'info' | 'embedded' | 'load' | 'source' | 'defaultSource' | 'loadDefaultInstead'
    >,
  ) {
    const savedTab = readPersisted<ToolId>('tab');
    if (savedTab && (TOOL_IDS as readonly string[]).includes(savedTab)) this.tab = savedTab;
    const saved = readPersisted<{ presenter: boolean; hidden: string[] }>(PRESENTER_KEY);
    if (saved && typeof saved.presenter === 'boolean' && Array.isArray(saved.hidden)) {
      this.presenter = saved.presenter;
      this.hidden = saved.hidden.filter((id) => typeof id === 'string');
    }
  }

  /** The loaded model as a link names it; '' for the first built-in model (the default) or local files. */
  get modelRef(): string {
    const source = this.modelStore.source;
    if (!source) return this.requestedModelRef;
    const ref = formatModelRef(source);
    return source.kind === 'embedded' && source.name === this.modelStore.embedded[0]?.name ? '' : ref;
  }

  /**
   * The tool whose panel is shown: the open one, unless a teacher hid its tab, then the first tab left
   * (a hidden tab's panel must not stay on screen); null when every tab is hidden.
   */
  get shownTab(): ToolId | null {
    if (!this.hidden.includes(`tab-${this.tab}`)) return this.tab;
    return TOOL_IDS.find((id) => !this.hidden.includes(`tab-${id}`)) ?? null;
  }

  selectTab(tab: ToolId): void {
    this.tab = tab;
    this.persist();
  }

  toggleHidden(id: string, hide: boolean): void {
    this.hidden = hide ? [...new Set([...this.hidden, id])] : this.hidden.filter((h) => h !== id);
    this.persist();
  }

  persist(): void {
    writePersisted('tab', this.tab);
    writePersisted(PRESENTER_KEY, { presenter: this.presenter, hidden: [...this.hidden] });
  }

  /**
   * Loads the model a link or session asked for, unless it is the one already loaded. A model that
   * cannot be named or loaded keeps the current model, or on a page with none (a fresh link) loads
   * the built-in one, so a link never opens to an empty page.
   */
  async loadRequestedModel(): Promise<void> {
    const wanted = this.requestedModelRef;
    if (this.modelStore.status === 'loading' || (this.modelStore.info && wanted === this.modelRef)) return;
    if (wanted === '') {
      const first = this.modelStore.defaultSource;
      if (first) await this.modelStore.load(first);
      return;
    }
    const source = parseModelRef(wanted);
    if ('error' in source) return this.refuseRequestedModel(source.error);
    if (source.kind === 'embedded' && !this.modelStore.embedded.some((m) => m.name === source.name))
      return this.refuseRequestedModel(`there is no built-in model "${source.name}"`);
    if (!(await this.modelStore.load(source)))
      await this.modelStore.loadDefaultInstead(source, `The requested model ${wanted.slice(0, 80)}`);
    this.requestedModelRef = this.modelRef;
  }

  private async refuseRequestedModel(problem: string): Promise<void> {
    const fallback = this.modelStore.defaultSource;
    if (this.modelStore.info || !fallback) {
      const kept = this.modelStore.info ? 'the current model is kept' : 'no model is loaded';
      this.problems = [...this.problems, `Model (model): ${problem}; ${kept}.`];
    } else {
      this.problems = [
        ...this.problems,
        `Model (model): ${problem}; the built-in model ${fallback.name} is loaded instead.`,
      ];
      await this.modelStore.load(fallback);
    }
    this.requestedModelRef = this.modelRef;
  }
}
