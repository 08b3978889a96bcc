/**
 * The analogy tool's vector spaces for the loaded model, built lazily and cached per model:
 *   token      — the input (token) embedding matrix read from the ONNX graph; whole-word flags from the vocab
 *   contextual — each word run through the model alone (contextual-vectors.ts)
 *   static     — the word vectors shipped next to the model (static-vectors.ts), fetched on first use
 *   user       — a word2vec / GloVe text file the user dropped in (user-vectors.ts)
 * Each space can also be mean-centred (cached separately).
 */
import { createVectorSpace, meanCentered, type QueryWord, type VectorSpace } from '../../analogy';
import { untilAborted } from '../../cancel';
import { readTokenEmbeddings } from '../../onnx';
import type { PreparedModel } from '../model/prepare-model';
import type { AnalogyProgressCallback, AnalogySpaceId, AnalogySpaceSummary } from '../../contracts/analogy';
import { ContextualVectors } from './contextual-vectors';
import { fetchStaticVectors, type StaticVectorOptions } from './static-vectors';
import { tokenVocabulary } from './token-vocabulary';
import { readUserVectors } from './user-vectors';

export type AnalogySpaceOptions = StaticVectorOptions;

export class AnalogySpaces {
  private tokenSpace: VectorSpace | null = null;
  private tokenError: string | null = null;
  private staticSpace: VectorSpace | null | undefined = undefined; // undefined: not tried yet; null: none
  private staticNote: string | null = null;
  private staticLoading: Promise<VectorSpace | null> | null = null;
  private userSpace: VectorSpace | null = null;
  private userName = '';
  private readonly contexts: ContextualVectors;
  private readonly centered = new Map<VectorSpace, VectorSpace>();

  constructor(
    private readonly model: PreparedModel,
    private readonly options: AnalogySpaceOptions = {},
  ) {
    this.contexts = new ContextualVectors(model);
  }

  summaries(): AnalogySpaceSummary[] {
    const info = this.model.info;
    const tokenAvailable = info.tools.analogy.available && this.tokenError === null;
    const contextOutput = this.model.description.roles.sentenceEmbeddings;
    return [
      {
        id: 'token',
        label: 'Token embeddings',
        available: tokenAvailable,
        note: tokenAvailable
          ? `The model's input embedding matrix (${info.vocabSize} word pieces). A word the tokenizer splits is the average of its pieces.`
          : (this.tokenError ?? info.tools.analogy.reason),
        size: this.tokenSpace?.size ?? null,
        dim: this.tokenSpace?.dim ?? null,
      },
      {
        id: 'contextual',
        label: 'Contextual',
        available: contextOutput !== null,
        note:
          contextOutput !== null
            ? `Each word run through the model alone; mean of its pieces in the last hidden state ("${contextOutput}") or a chosen layer. Candidates: the whole-word tokens of the vocabulary plus the words you ask about.`
            : 'The model has no [batch, sequence, hidden] output to read hidden states from.',
        size: this.contexts.lastHiddenSpace()?.size ?? null,
        dim: this.contexts.lastHiddenSpace()?.dim ?? null,
        layers: contextOutput !== null ? this.hiddenLayers() : [],
      },
      {
        id: 'static',
        label: 'Static word vectors',
        available: this.staticSpace !== null && (info.baseUrl !== null || this.staticSpace !== undefined),
        note:
          this.staticNote ??
          (info.baseUrl === null
            ? 'A model loaded from local files has no static word vectors beside it; drop a word2vec/GloVe text file instead.'
            : 'Classic word vectors shipped with the model (static-vectors/), downloaded on first use.'),
        size: this.staticSpace?.size ?? null,
        dim: this.staticSpace?.dim ?? null,
      },
      {
        id: 'user',
        label: this.userSpace ? `Your vectors (${this.userName})` : 'Your vectors',
        available: this.userSpace !== null,
        note: this.userSpace
          ? `${this.userSpace.size} words × ${this.userSpace.dim} dimensions from ${this.userName}.`
          : 'Drop a word2vec / GloVe text file to add it.',
        size: this.userSpace?.size ?? null,
        dim: this.userSpace?.dim ?? null,
      },
    ];
  }

  /** The token-embedding space; whole words are vocabulary entries that are not ## pieces or special tokens. */
  token(): VectorSpace {
    if (this.tokenSpace) return this.tokenSpace;
    if (!this.model.info.tools.analogy.available)
      throw new Error(`Token embeddings are not available for this model: ${this.model.info.tools.analogy.reason}`);
    try {
      const { vocabSize, data } = readTokenEmbeddings(this.model.graph);
      const tokenizer = this.model.tokenizer;
      const { vocabulary, flags } = tokenVocabulary(tokenizer, vocabSize);
      this.tokenSpace = createVectorSpace(vocabulary, data, {
        kind: 'token-embeddings',
        wholeWord: flags,
        inPlace: true,
      });
      return this.tokenSpace;
    } catch (error) {
      this.tokenError = (error as Error).message;
      throw error;
    }
  }

  /** The static word vectors shipped with the model, or null when there are none (with a note saying why). */
  async static(onProgress?: AnalogyProgressCallback, signal?: AbortSignal): Promise<VectorSpace | null> {
    if (this.staticSpace !== undefined) return this.staticSpace;
    // One download shared by every caller, so it is not tied to the first caller's job: a cancelled
    // query stops waiting for it, but the download goes on for the next one.
    this.staticLoading ??= this.fetchStatic(onProgress).finally(() => {
      this.staticLoading = null;
    });
    return untilAborted(this.staticLoading, signal);
  }

  private async fetchStatic(onProgress?: AnalogyProgressCallback): Promise<VectorSpace | null> {
    const { space, note } = await fetchStaticVectors(this.model.info.baseUrl, this.options, onProgress);
    this.staticSpace = space;
    this.staticNote = note;
    return space;
  }

  /** Parses a dropped word2vec / GloVe text file (streamed when given a Blob) and keeps it as the "user" space. */
  async loadUserVectors(
    source: string | Blob,
    name: string,
    onProgress?: AnalogyProgressCallback,
    signal?: AbortSignal,
  ): Promise<AnalogySpaceSummary> {
    const space = await readUserVectors(source, name, onProgress, signal);
    this.userSpace = space;
    this.userName = name;
    return this.summaries().find((s) => s.id === 'user')!;
  }

  /** Layers whose hidden states can be read (1-based, in order), or [] when the graph's layers are not recognised. */
  hiddenLayers(): number[] {
    return this.contexts.hiddenLayers();
  }

  /** The contextual space over the vocabulary's whole words plus `extraWords` (see ContextualVectors.space). */
  contextual(
    extraWords: readonly string[],
    layer: number | null = null,
    onProgress?: AnalogyProgressCallback,
    signal?: AbortSignal,
  ): Promise<VectorSpace> {
    return this.contexts.space(extraWords, layer, onProgress, signal);
  }

  /** The tensor holding each layer's output (see ContextualVectors.layerTensors). */
  layerTensors(): string[] {
    return this.contexts.layerTensors();
  }

  /** Frees the extra per-layer session (when the model is replaced). */
  release(): Promise<void> {
    return this.contexts.release();
  }

  /** A space by id, built (or fetched) on demand; `extraWords` matter only for the contextual space. */
  async get(
    id: AnalogySpaceId,
    options: {
      centered?: boolean;
      extraWords?: readonly string[];
      layer?: number | null;
      onProgress?: AnalogyProgressCallback;
      signal?: AbortSignal;
    } = {},
  ): Promise<VectorSpace> {
    let space: VectorSpace | null;
    if (id === 'token') space = this.token();
    else if (id === 'contextual')
      space = await this.contextual(
        options.extraWords ?? [],
        options.layer ?? null,
        options.onProgress,
        options.signal,
      );
    else if (id === 'static') {
      space = await this.static(options.onProgress, options.signal);
      if (!space) throw new Error(this.staticNote ?? 'This model has no static word vectors.');
    } else {
      space = this.userSpace;
      if (!space) throw new Error('No word-vector file loaded yet: drop a word2vec / GloVe text file first.');
    }
    if (!options.centered) return space;
    let centered = this.centered.get(space);
    if (!centered) {
      centered = meanCentered(space);
      this.centered.set(space, centered);
    }
    return centered;
  }

  /**
   * How a typed word becomes a query in a space. In the token space a word that is not one vocabulary entry
   * becomes the average of its word pieces (the tokenizer's split); elsewhere it is looked up as is.
   * Returns null when it cannot be represented at all.
   */
  queryWord(
    id: AnalogySpaceId,
    space: VectorSpace,
    word: string,
  ): { query: QueryWord; pieces: string[] | null } | null {
    if (id !== 'token') return { query: word, pieces: null };
    if (space.index.has(word) || space.index.has(word.toLowerCase())) return { query: word, pieces: null };
    const { ids, tokens } = this.model.tokenizer.pieces(word);
    if (ids.length === 0 || ids.some((piece) => this.model.tokenizer.isSpecialId(piece))) return null;
    return { query: { label: word, pieces: ids }, pieces: tokens };
  }
}
