import type { AnalogyMethod } from '../core/analogy';
import {
  ANALOGY_SPACE_IDS,
  type AnalogyProgress,
  type AnalogySpaceAnswer,
  type AnalogySpaceId,
  type AnalogySpaceSummary,
  type FileEvaluation,
  type NeighbourAnswer,
} from '../core/contracts/analogy';
import { modelStore } from './model-store.svelte';
import { readPersisted, writePersisted } from './persisted';

interface AnalogyInputs {
  a: string;
  b: string;
  c: string;
  method: AnalogyMethod;
  k: number;
  spaces: AnalogySpaceId[];
  pictureSpace: AnalogySpaceId;
  includeQueryWords: boolean;
  wholeWordsOnly: boolean;
  centered: boolean;
  /** Contextual space: hidden-state layer (1-based); null = the last hidden state. */
  layer: number | null;
  neighbourWord: string;
}

const KEY = 'analogy-inputs';
const DEFAULTS: AnalogyInputs = {
  a: 'man',
  b: 'woman',
  c: 'king',
  method: '3CosAdd',
  k: 10,
  spaces: ['token', 'static'],
  pictureSpace: 'token',
  includeQueryWords: false,
  wholeWordsOnly: true,
  centered: false,
  layer: null,
  neighbourWord: 'king',
};
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

  summaries = $state.raw<AnalogySpaceSummary[]>([]);
  answers = $state.raw<AnalogySpaceAnswer[] | null>(null);
  running = $state(false);
  progress = $state<AnalogyProgress | null>(null);
  error = $state<string | null>(null);

  neighbours = $state.raw<NeighbourAnswer[] | null>(null);
  neighboursRunning = $state(false);

  evaluation = $state.raw<FileEvaluation | null>(null);
  evaluationFile = $state<string | null>(null);
  evaluating = $state(false);
  evaluationProgress = $state<AnalogyProgress | null>(null);
  evaluationError = $state<string | null>(null);

  vectorsLoading = $state(false);
  vectorsProgress = $state<AnalogyProgress | null>(null);
  vectorsError = $state<string | null>(null);

  private job: string | null = null;
  private neighbourJob: string | null = null;
  private evaluationJob: string | null = null;
  private vectorsJob: string | null = null;

  constructor() {
    const saved = readPersisted<Partial<AnalogyInputs>>(KEY);
    if (saved) Object.assign(this, sanitize(saved));
  }

  persist(): void {
    const {
      a,
      b,
      c,
      method,
      k,
      spaces,
      pictureSpace,
      includeQueryWords,
      wholeWordsOnly,
      centered,
      layer,
      neighbourWord,
    } = this;
    writePersisted(KEY, {
      a,
      b,
      c,
      method,
      k,
      spaces: [...spaces],
      pictureSpace,
      includeQueryWords,
      wholeWordsOnly,
      centered,
      layer,
      neighbourWord,
    });
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

  async refreshSpaces(): Promise<void> {
    try {
      this.summaries = await modelStore.client.analogySpaces();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  async run(): Promise<void> {
    if (!modelStore.info) return;
    this.persist();
    if (this.job) void modelStore.client.cancel(this.job);
    const jobId = modelStore.client.newJobId('analogy');
    this.job = jobId;
    this.running = true;
    this.error = null;
    try {
      if (this.summaries.length === 0) await this.refreshSpaces();
      const ids = this.activeSpaces;
      if (ids.length === 0) throw new Error('Choose at least one space.');
      const options = {
        method: this.method,
        k: this.k,
        includeQueryWords: this.includeQueryWords,
        wholeWordsOnly: this.wholeWordsOnly,
        centered: this.centered,
        layer: this.contextLayer,
      };
      const answers = await modelStore.client.analogy(
        ids,
        { a: this.a, b: this.b, c: this.c },
        options,
        (p) => {
          if (this.job === jobId) this.progress = p;
        },
        jobId,
      );
      if (this.job !== jobId) return;
      this.answers = answers;
      if (!answers.some((answer) => answer.space === this.pictureSpace && answer.ok)) {
        this.pictureSpace = answers.find((answer) => answer.ok)?.space ?? this.pictureSpace;
      }
      await this.refreshSpaces();
    } catch (error) {
      if (this.job === jobId && !/cancel/i.test((error as Error).message)) this.error = (error as Error).message;
    } finally {
      if (this.job === jobId) {
        this.running = false;
        this.progress = null;
        this.job = null;
      }
    }
  }

  async runNeighbours(): Promise<void> {
    if (!modelStore.info) return;
    this.persist();
    if (this.neighbourJob) void modelStore.client.cancel(this.neighbourJob);
    const jobId = modelStore.client.newJobId('neighbours');
    this.neighbourJob = jobId;
    this.neighboursRunning = true;
    try {
      const result = await modelStore.client.neighbours(
        this.activeSpaces,
        this.neighbourWord,
        { k: this.k, wholeWordsOnly: this.wholeWordsOnly, centered: this.centered, layer: this.contextLayer },
        undefined,
        jobId,
      );
      if (this.neighbourJob === jobId) this.neighbours = result;
    } catch (error) {
      if (this.neighbourJob === jobId && !/cancel/i.test((error as Error).message))
        this.error = (error as Error).message;
    } finally {
      if (this.neighbourJob === jobId) {
        this.neighboursRunning = false;
        this.neighbourJob = null;
      }
    }
  }

  async evaluate(text: string, fileName: string): Promise<void> {
    if (!modelStore.info) return;
    if (this.evaluationJob) void modelStore.client.cancel(this.evaluationJob);
    const jobId = modelStore.client.newJobId('analogy-eval');
    this.evaluationJob = jobId;
    this.evaluating = true;
    this.evaluationError = null;
    this.evaluationProgress = { stage: 'Starting', done: 0, total: null };
    try {
      if (this.summaries.length === 0) await this.refreshSpaces();
      // Every space the model has (not only the ones shown for queries): the point is the comparison.
      const ids = ANALOGY_SPACE_IDS.filter((id) => this.summaries.some((s) => s.id === id && s.available));
      const result = await modelStore.client.evaluateAnalogyFile(
        text,
        ids,
        {
          methods: ['3CosAdd', '3CosMul'],
          centered: this.centered,
          wholeWordsOnly: this.wholeWordsOnly,
          layer: this.contextLayer,
        },
        (p) => {
          if (this.evaluationJob === jobId) this.evaluationProgress = p;
        },
        jobId,
      );
      // The file name changes with the results only: a bad file leaves the last results under their own name.
      if (this.evaluationJob === jobId) {
        this.evaluation = result;
        this.evaluationFile = fileName;
      }
    } catch (error) {
      const message = (error as Error).message;
      if (this.evaluationJob === jobId)
        this.evaluationError = /cancel/i.test(message) ? 'Evaluation cancelled.' : message;
    } finally {
      if (this.evaluationJob === jobId) {
        this.evaluating = false;
        this.evaluationProgress = null;
        this.evaluationJob = null;
      }
    }
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
      this.evaluationError = (error as Error).message;
    }
  }

  async cancelEvaluation(): Promise<void> {
    const jobId = this.evaluationJob;
    if (!jobId) return;
    await modelStore.client.cancel(jobId, { hard: true });
  }

  async loadVectors(file: File): Promise<void> {
    if (!modelStore.info) return;
    if (this.vectorsJob) void modelStore.client.cancel(this.vectorsJob);
    const jobId = modelStore.client.newJobId('word-vectors');
    this.vectorsJob = jobId;
    this.vectorsLoading = true;
    this.vectorsError = null;
    this.vectorsProgress = { stage: `Reading ${file.name}`, done: 0, total: file.size };
    try {
      await modelStore.client.loadWordVectors(
        file,
        file.name,
        (p) => {
          if (this.vectorsJob === jobId) this.vectorsProgress = p;
        },
        jobId,
      );
      await this.refreshSpaces();
      this.toggleSpace('user', true);
    } catch (error) {
      const message = (error as Error).message;
      if (this.vectorsJob === jobId) this.vectorsError = /cancel/i.test(message) ? null : message;
    } finally {
      if (this.vectorsJob === jobId) {
        this.vectorsLoading = false;
        this.vectorsProgress = null;
        this.vectorsJob = null;
      }
    }
  }

  async cancelVectors(): Promise<void> {
    if (this.vectorsJob) await modelStore.client.cancel(this.vectorsJob, { hard: true });
  }

  /** A new model: forget results computed with the old one. */
  reset(): void {
    this.summaries = [];
    this.answers = null;
    this.neighbours = null;
    this.evaluation = null;
  }
}

function sanitize(saved: Partial<AnalogyInputs>): Partial<AnalogyInputs> {
  const clean: Partial<AnalogyInputs> = {};
  for (const key of ['a', 'b', 'c', 'neighbourWord'] as const)
    if (typeof saved[key] === 'string') clean[key] = saved[key]!.slice(0, 100);
  if (saved.method === '3CosAdd' || saved.method === '3CosMul') clean.method = saved.method;
  if (Number.isInteger(saved.k) && saved.k! >= 1 && saved.k! <= 100) clean.k = saved.k;
  if (Array.isArray(saved.spaces))
    clean.spaces = saved.spaces.filter((id): id is AnalogySpaceId => ANALOGY_SPACE_IDS.includes(id));
  if (saved.pictureSpace && ANALOGY_SPACE_IDS.includes(saved.pictureSpace)) clean.pictureSpace = saved.pictureSpace;
  for (const flag of ['includeQueryWords', 'wholeWordsOnly', 'centered'] as const)
    if (typeof saved[flag] === 'boolean') clean[flag] = saved[flag];
  if (saved.layer === null || (Number.isInteger(saved.layer) && saved.layer! >= 1)) clean.layer = saved.layer;
  return clean;
}

export const analogyStore = new AnalogyStore();
export { DEFAULTS as ANALOGY_DEFAULTS };
