import { untrack } from 'svelte';
import type { AnalogyMethod } from '../core/analogy';
import {
  ANALOGY_SETTINGS,
  ANALOGY_SPACE_IDS,
  type AnalogyProgress,
  type AnalogySpaceAnswer,
  type AnalogySpaceId,
  type AnalogySpaceSummary,
  type FileEvaluation,
  type NeighbourAnswer,
} from '../core/contracts/analogy';
import { hideInAnswer, hideInNeighbours } from '../core/analogy/hidden-words';
import { EMPTY_NEIGHBOUR_WORD, missingQueryWords, repeatedWordsNote } from '../core/analogy/query-words';
import { defaultsOf } from '../core/workshop/state-table';
import type { PlaygroundClient } from '../worker/client';
import { Job } from './job.svelte';
import type { LoadedModel } from './loaded-model';
import { restoreSettings, saveSettings } from './settings';

/** What the analogy store needs of the worker client. */
export type AnalogyClient = Pick<
  PlaygroundClient,
  'newJobId' | 'cancel' | 'analogySpaces' | 'analogy' | 'neighbours' | 'evaluateAnalogyFile' | 'loadWordVectors'
>;

const KEY = 'analogy-inputs';
/** Typing pause before answering again. */
const RERUN_DELAY_MS = 400;
const DEFAULTS = defaultsOf(ANALOGY_SETTINGS);
export const EXAMPLE_FILE_URL = 'examples/analogies.txt';

/** The analogy tool's inputs (remembered across reloads), its results and its long jobs. */
export class AnalogyStore {
  a = $state(DEFAULTS.a);
  b = $state(DEFAULTS.b);
  c = $state(DEFAULTS.c);
  method = $state<AnalogyMethod>(DEFAULTS.method);
  k = $state(DEFAULTS.k);
  spaces = $state<AnalogySpaceId[]>([...DEFAULTS.spaces]);
  pictureSpace = $state<AnalogySpaceId>(DEFAULTS.pictureSpace);
  includeQueryWords = $state(DEFAULTS.includeQueryWords);
  wholeWordsOnly = $state(DEFAULTS.wholeWordsOnly);
  centered = $state(DEFAULTS.centered);
  layer = $state<number | null>(DEFAULTS.layer);
  neighbourWord = $state(DEFAULTS.neighbourWord);
  hiddenWords = $state<string[]>([...DEFAULTS.hiddenWords]);

  #summaries = $state.raw<{ value: AnalogySpaceSummary[]; generation: number } | null>(null);
  #spacesError = $state<string | null>(null);
  evaluationFile = $state<string | null>(null);
  #evaluationError = $state<string | null>(null);
  #vectorsError = $state<string | null>(null);

  private readonly query: Job<AnalogySpaceAnswer[], AnalogyProgress>;
  private readonly neighbourJob: Job<NeighbourAnswer[], AnalogyProgress>;
  private readonly evaluationJob: Job<FileEvaluation, AnalogyProgress>;
  private readonly vectorsJob: Job<void, AnalogyProgress>;

  constructor(
    private readonly client: AnalogyClient,
    private readonly model: LoadedModel,
  ) {
    const generation = () => model.generation;
    this.query = new Job(client, 'analogy', generation);
    this.neighbourJob = new Job(client, 'neighbours', generation);
    this.evaluationJob = new Job(client, 'analogy-eval', generation);
    this.vectorsJob = new Job(client, 'word-vectors', generation);
    restoreSettings(KEY, ANALOGY_SETTINGS, this);
  }

  /** The spaces of the loaded model (empty until asked, and again after a model change). */
  get summaries(): AnalogySpaceSummary[] {
    const summaries = this.#summaries;
    return summaries && summaries.generation === this.model.generation ? summaries.value : [];
  }

  // Every result below reads null once another model is loaded: the Jobs stamp results with the model generation.
  get answers(): AnalogySpaceAnswer[] | null {
    return this.query.result;
  }
  get running(): boolean {
    return this.query.running;
  }
  get progress(): AnalogyProgress | null {
    return this.query.progress;
  }
  /** The query's, the neighbours' or the space list's error. */
  get error(): string | null {
    return this.query.error ?? this.neighbourJob.error ?? this.#spacesError;
  }
  set error(message: string | null) {
    this.query.error = message;
    this.neighbourJob.error = null;
    this.#spacesError = null;
  }

  get neighbours(): NeighbourAnswer[] | null {
    return this.neighbourJob.result;
  }

  /**
   * The answers as shown: the hidden words out of every list and picture, k words each, with how many were
   * hidden. The engine is asked for k more words per hidden one, so a hidden word never shortens a list.
   */
  readonly shownAnswers = $derived.by(() =>
    this.answers ? this.answers.map((answer) => hideInAnswer(answer, this.hiddenWords, this.k)) : null,
  );

  readonly shownNeighbours = $derived.by(() =>
    this.neighbours ? this.neighbours.map((answer) => hideInNeighbours(answer, this.hiddenWords, this.k)) : null,
  );

  /** Sets the hidden-word list (already parsed: each word once, within the bounds) and keeps it in this browser. */
  setHiddenWords(words: string[]): void {
    this.hiddenWords = words;
    this.persist();
  }
  get neighboursRunning(): boolean {
    return this.neighbourJob.running;
  }

  get evaluation(): FileEvaluation | null {
    return this.evaluationJob.result;
  }
  get evaluating(): boolean {
    return this.evaluationJob.running;
  }
  get evaluationProgress(): AnalogyProgress | null {
    return this.evaluationJob.progress;
  }
  get evaluationError(): string | null {
    return this.#evaluationError;
  }
  set evaluationError(message: string | null) {
    this.#evaluationError = message;
  }

  get vectorsLoading(): boolean {
    return this.vectorsJob.running;
  }
  get vectorsProgress(): AnalogyProgress | null {
    return this.vectorsJob.progress;
  }
  get vectorsError(): string | null {
    return this.#vectorsError;
  }
  set vectorsError(message: string | null) {
    this.#vectorsError = message;
  }

  persist(): void {
    saveSettings(KEY, ANALOGY_SETTINGS, this);
  }

  /** Spaces the user selected that exist for this model. */
  get activeSpaces(): AnalogySpaceId[] {
    const available = new Set(this.summaries.filter((s) => s.available).map((s) => s.id));
    return ANALOGY_SPACE_IDS.filter((id) => this.spaces.includes(id) && available.has(id));
  }

  /** Layers the contextual space can read (1-based); empty when only the last hidden state is known. */
  get contextLayers(): number[] {
    return this.summaries.find((s) => s.id === 'contextual')?.layers ?? [];
  }

  /** The chosen layer if this model has it, else null (the last hidden state). */
  get contextLayer(): number | null {
    return this.layer !== null && this.contextLayers.includes(this.layer) ? this.layer : null;
  }

  toggleSpace(id: AnalogySpaceId, on: boolean): void {
    this.spaces = on ? [...new Set([...this.spaces, id])] : this.spaces.filter((s) => s !== id);
    if (on) this.pictureSpace = id;
    this.persist();
  }

  /**
   * Until the returned function is called (the tool's component follows while it is shown): on a new model,
   * forgets the old results and answers at once; after a change of the words or a setting, answers again once
   * typing pauses (400 ms; the "Find d" button answers at once).
   */
  follow(): () => void {
    let seenGeneration = -1;
    return $effect.root(() => {
      $effect(() => {
        const generation = this.model.generation;
        const settings = [
          this.a,
          this.b,
          this.c,
          this.method,
          this.k,
          this.spaces,
          this.includeQueryWords,
          this.wholeWordsOnly,
          this.centered,
          this.layer,
          this.hiddenWords,
        ];
        void settings;
        if (generation === 0 || !this.model.info) return;
        const fresh = generation !== seenGeneration;
        if (fresh) {
          seenGeneration = generation;
          untrack(() => this.reset());
        }
        const timer = setTimeout(() => void this.run(), fresh ? 0 : RERUN_DELAY_MS);
        return () => clearTimeout(timer);
      });
    });
  }

  async refreshSpaces(): Promise<void> {
    const generation = this.model.generation;
    try {
      this.#summaries = { value: await this.client.analogySpaces(), generation };
    } catch (error) {
      this.#spacesError = (error as Error).message;
    }
  }

  /** What a query whose words repeat really asks (plain neighbours of one word), or null. */
  get queryNote(): string | null {
    return repeatedWordsNote({ a: this.a, b: this.b, c: this.c });
  }

  async run(): Promise<void> {
    if (!this.model.info) return;
    this.persist();
    this.#spacesError = null;
    const words = { a: this.a, b: this.b, c: this.c };
    const missing = missingQueryWords(words);
    if (missing) {
      // No answers for words no longer in the fields, and no query for an empty word.
      this.query.supersede();
      this.query.clear();
      this.query.error = missing;
      return;
    }
    await this.query.start(
      async ({ jobId, onProgress }) => {
        if (this.summaries.length === 0) await this.refreshSpaces();
        const ids = this.activeSpaces;
        if (ids.length === 0) throw new Error('Choose at least one space.');
        const options = {
          method: this.method,
          k: this.k + this.hiddenWords.length,
          includeQueryWords: this.includeQueryWords,
          wholeWordsOnly: this.wholeWordsOnly,
          centered: this.centered,
          layer: this.contextLayer,
        };
        return this.client.analogy(ids, words, options, onProgress, jobId);
      },
      {
        apply: async (answers) => {
          if (!answers.some((answer) => answer.space === this.pictureSpace && answer.ok)) {
            this.pictureSpace = answers.find((answer) => answer.ok)?.space ?? this.pictureSpace;
          }
          await this.refreshSpaces();
        },
      },
    );
  }

  async runNeighbours(): Promise<void> {
    if (!this.model.info) return;
    this.persist();
    if (this.neighbourWord.trim() === '') {
      this.neighbourJob.supersede();
      this.neighbourJob.clear();
      this.neighbourJob.error = EMPTY_NEIGHBOUR_WORD;
      return;
    }
    const spaces = this.activeSpaces;
    const word = this.neighbourWord;
    const options = {
      k: this.k + this.hiddenWords.length,
      wholeWordsOnly: this.wholeWordsOnly,
      centered: this.centered,
      layer: this.contextLayer,
    };
    await this.neighbourJob.start(({ jobId }) => this.client.neighbours(spaces, word, options, undefined, jobId));
  }

  async evaluate(text: string, fileName: string): Promise<void> {
    if (!this.model.info) return;
    this.#evaluationError = null;
    const outcome = await this.evaluationJob.start(
      async ({ jobId, onProgress }) => {
        if (this.summaries.length === 0) await this.refreshSpaces();
        // Every space the model has (not only the ones shown for queries): the point is the comparison.
        const ids = ANALOGY_SPACE_IDS.filter((id) => this.summaries.some((s) => s.id === id && s.available));
        const options = {
          methods: ['3CosAdd', '3CosMul'] as AnalogyMethod[],
          centered: this.centered,
          wholeWordsOnly: this.wholeWordsOnly,
          layer: this.contextLayer,
        };
        return this.client.evaluateAnalogyFile(text, ids, options, onProgress, jobId);
      },
      {
        progress: { stage: 'Starting', done: 0, total: null },
        // The file name changes with the results only: a bad file leaves the last results under their own name.
        apply: () => {
          this.evaluationFile = fileName;
        },
      },
    );
    if (outcome.status === 'failed') this.#evaluationError = outcome.error.message;
    if (outcome.status === 'cancelled') this.#evaluationError = 'Evaluation cancelled.';
  }

  async evaluateFile(file: File): Promise<void> {
    await this.evaluate(await file.text(), file.name);
  }

  async evaluateExample(): Promise<void> {
    try {
      const response = await fetch(new URL(EXAMPLE_FILE_URL, document.baseURI));
      if (!response.ok) throw new Error(`The example file could not be loaded (HTTP ${response.status}).`);
      await this.evaluate(await response.text(), 'analogies.txt (example)');
    } catch (error) {
      this.#evaluationError = (error as Error).message;
    }
  }

  /** Cancel keeps the evaluation running until the worker stops it, then says it was cancelled. */
  async cancelEvaluation(): Promise<void> {
    await this.evaluationJob.cancel({ wait: true });
  }

  async loadVectors(file: File): Promise<void> {
    if (!this.model.info) return;
    this.#vectorsError = null;
    const outcome = await this.vectorsJob.start(
      async ({ jobId, onProgress }) => {
        await this.client.loadWordVectors(file, file.name, onProgress, jobId);
        await this.refreshSpaces();
        this.toggleSpace('user', true);
      },
      { progress: { stage: `Reading ${file.name}`, done: 0, total: file.size } },
    );
    if (outcome.status === 'failed') this.#vectorsError = outcome.error.message;
  }

  async cancelVectors(): Promise<void> {
    await this.vectorsJob.cancel({ wait: true });
  }

  /** A new model: forget results computed with the old one (they also read null by their model generation). */
  reset(): void {
    this.#summaries = null;
    this.query.clear();
    this.neighbourJob.clear();
    this.evaluationJob.clear();
  }
}
