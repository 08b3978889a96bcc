/**
 * The analogy tool's vector spaces for the loaded model, built lazily and cached per model:
 *   token      — the input (token) embedding matrix read from the ONNX graph; whole-word flags from the vocab
 *   contextual — each word run through the model ALONE ([CLS] word [SEP]), mean of its word pieces in the
 *                last hidden state. Candidates: every whole-word token of the vocabulary plus the words the
 *                user asked about (query words, analogy-file words), computed in batches through the RunQueue
 *   static     — the word vectors shipped next to the model (static-vectors/), fetched on first use
 *   user       — a word2vec / GloVe text file the user dropped in
 * Each space can also be mean-centred (cached separately).
 */
import type * as ort from 'onnxruntime-web';
import {
  createVectorSpace,
  fromCompactVectors,
  isWholeWordToken,
  meanCentered,
  WordVectorTextParser,
  type QueryWord,
  type VectorSpace,
} from '../../analogy';
import { fetchModelFile } from '../../model/download';
import { CancelledError, throwIfAborted } from '../../cancel';
import type { CacheStorageLike } from '../../model/model-cache';
import { sessionModel, findAttentionSoftmaxes, findResidualSites, readTokenEmbeddings } from '../../onnx';
import { cloneForSurgery, GraphIndex } from '../../onnx/graph';
import { createSession } from '../../runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import type { PreparedModel } from '../model/prepare-model';
import { wordOfPiece } from '../../model/piece-display';
import type { AnalogyProgressCallback, AnalogySpaceId, AnalogySpaceSummary } from '../../contracts/analogy';

export const STATIC_VECTOR_FILES = {
  meta: 'static-vectors/meta.json',
  words: 'static-vectors/words.txt',
  vectors: 'static-vectors/vectors.f16.bin',
} as const;

/** Words per model run when computing contextual vectors. */
const CONTEXT_BATCH = 128;

export interface AnalogySpaceOptions {
  cacheStorage?: CacheStorageLike;
  fetchImpl?: typeof fetch;
}

export class AnalogySpaces {
  private tokenSpace: VectorSpace | null = null;
  private tokenError: string | null = null;
  private staticSpace: VectorSpace | null | undefined = undefined; // undefined: not tried yet; null: none
  private staticNote: string | null = null;
  private staticLoading: Promise<VectorSpace | null> | null = null;
  private userSpace: VectorSpace | null = null;
  private userName = '';
  /** Per layer (−1 = the model's last hidden state output): vectors by word, and the space built over them. */
  private readonly contexts = new Map<number, ContextState>();
  /** A second session with every layer's hidden state as an output, created when a layer is chosen. */
  private layerSession: Promise<LayerSession> | null = null;
  private readonly centered = new Map<VectorSpace, VectorSpace>();

  constructor(
    private readonly model: PreparedModel,
    private readonly options: AnalogySpaceOptions = {},
  ) {}

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
        size: this.contexts.get(-1)?.space?.size ?? null,
        dim: this.contexts.get(-1)?.space?.dim ?? null,
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

  private async fetchStatic(onProgress?: AnalogyProgressCallback, signal?: AbortSignal): Promise<VectorSpace | null> {
    const base = this.model.info.baseUrl;
    if (base === null) {
      this.staticSpace = null;
      return null;
    }
    const fetchOne = (file: string, optional: boolean) =>
      fetchModelFile(base + file, {
        file,
        optional,
        signal,
        cacheStorage: this.options.cacheStorage,
        fetchImpl: this.options.fetchImpl,
        onProgress: (event) => onProgress?.({ stage: `Downloading ${file}`, done: event.loaded, total: event.total }),
      });
    const metaBytes = await fetchOne(STATIC_VECTOR_FILES.meta, true);
    if (metaBytes === null) {
      this.staticSpace = null;
      this.staticNote =
        'This model ships no static word vectors (no static-vectors/ folder beside it). Drop a word2vec/GloVe text file to compare with classic vectors.';
      return null;
    }
    const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as { count?: number; dim?: number; dtype?: string };
    if (meta.dtype !== undefined && meta.dtype !== 'float16')
      throw new Error(`static-vectors/meta.json says dtype "${meta.dtype}"; only float16 is supported.`);
    const words = await fetchOne(STATIC_VECTOR_FILES.words, false);
    const vectors = await fetchOne(STATIC_VECTOR_FILES.vectors, false);
    throwIfAborted(signal);
    const space = fromCompactVectors(new TextDecoder().decode(words!), vectors!, meta.dim);
    if (meta.count !== undefined && meta.count !== space.size)
      throw new Error(`static-vectors/meta.json announces ${meta.count} words, words.txt holds ${space.size}.`);
    this.staticSpace = space;
    this.staticNote = `${space.size.toLocaleString('en-US')} words × ${space.dim} dimensions shipped with the model (trained on the same corpus).`;
    return space;
  }

  /** Parses a dropped word2vec / GloVe text file (streamed when given a Blob) and keeps it as the "user" space. */
  async loadUserVectors(
    source: string | Blob,
    name: string,
    onProgress?: AnalogyProgressCallback,
    signal?: AbortSignal,
  ): Promise<AnalogySpaceSummary> {
    const total = typeof source === 'string' ? source.length : source.size;
    const parser = new WordVectorTextParser((p) =>
      onProgress?.({ stage: `Reading ${name}`, done: p.characters, total }),
    );
    if (typeof source === 'string') {
      const chunk = 1 << 20;
      for (let start = 0; start < source.length; start += chunk) {
        throwIfAborted(signal);
        parser.push(source.slice(start, start + chunk));
        await yieldTurn();
      }
    } else {
      const reader = source.stream().pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        if (signal?.aborted) {
          await reader.cancel();
          throw new CancelledError();
        }
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
      }
    }
    const space = parser.finish();
    this.userSpace = space;
    this.userName = name;
    return this.summaries().find((s) => s.id === 'user')!;
  }

  /** Layers whose hidden states can be read (1-based, in order), or [] when the graph's layers are not recognised. */
  hiddenLayers(): number[] {
    return this.layerTensors().map((_, i) => i + 1);
  }

  /**
   * Contextual space covering the vocabulary's whole words plus `extraWords` (embedded on first use), from the
   * last hidden state (`layer` null or the last layer) or from a chosen layer (1-based). Rebuilt only when new
   * words were added.
   */
  async contextual(
    extraWords: readonly string[],
    layer: number | null = null,
    onProgress?: AnalogyProgressCallback,
    signal?: AbortSignal,
  ): Promise<VectorSpace> {
    const outputName = this.model.description.roles.sentenceEmbeddings;
    if (outputName === null)
      throw new Error(
        'Contextual vectors need a [batch, sequence, hidden] output such as last_hidden_state; this model has none.',
      );
    const layers = this.layerTensors();
    const key = layer === null || layer === layers.length ? -1 : layer;
    if (key !== -1 && (!Number.isInteger(key) || key < 1 || key > layers.length)) {
      throw new Error(
        layers.length === 0
          ? 'The layers of this model could not be located; only the last hidden state is available.'
          : `Layer ${layer} does not exist (1–${layers.length}).`,
      );
    }
    let state = this.contexts.get(key);
    if (!state) {
      state = { vectors: new Map(), space: null, vocabularyEmbedded: false };
      this.contexts.set(key, state);
    }
    const wanted: string[] = [];
    if (!state.vocabularyEmbedded) {
      const tokenizer = this.model.tokenizer;
      const { vocabulary, flags } = tokenVocabulary(tokenizer, tokenizer.vocabSize);
      vocabulary.forEach((word, id) => {
        if (flags[id]) wanted.push(word);
      });
    }
    for (const word of extraWords) wanted.push(word);
    const missing = [...new Set(wanted)].filter((word) => !state.vectors.has(word));
    if (missing.length > 0) {
      const source =
        key === -1
          ? { session: this.model.session, output: outputName }
          : { session: (await this.layerSessionFor(signal)).session, output: layers[key - 1] };
      await this.embedWords(missing, source, state.vectors, onProgress, signal);
      state.vocabularyEmbedded = true;
      state.space = null;
    }
    if (!state.space) {
      const words = [...state.vectors.keys()];
      const dim = state.vectors.get(words[0])!.length;
      const matrix = new Float32Array(words.length * dim);
      words.forEach((word, i) => matrix.set(state.vectors.get(word)!, i * dim));
      state.space = createVectorSpace(words, matrix, { kind: 'contextual', wholeWord: () => true, inPlace: true });
    }
    return state.space;
  }

  /**
   * The tensor holding each layer's output: after the last residual Add of the layer, the LayerNorm output when
   * the Add feeds only that LayerNorm (post-LN, as BERT), else the Add itself (pre-LN residual stream).
   */
  layerTensors(): string[] {
    if (this.layerNames) return this.layerNames;
    const graph = this.model.graph;
    const index = new GraphIndex(graph.graph);
    const sites = findResidualSites(index, findAttentionSoftmaxes(graph, index));
    const last = new Map<number, (typeof sites)[number]>();
    for (const site of sites) if ((last.get(site.layer)?.position ?? -1) < site.position) last.set(site.layer, site);
    const names: string[] = [];
    for (const layer of [...last.keys()].sort((x, y) => x - y)) {
      const site = last.get(layer)!;
      const out = site.addNode.output[0];
      const consumers = index.consumersOf(out);
      if (consumers.length === 1 && site.normKind !== 'decomposed') names.push(consumers[0].output[0]);
      else if (consumers.length > 1) names.push(out);
      else {
        names.length = 0;
        break;
      }
    }
    this.layerNames = names;
    return names;
  }
  private layerNames: string[] | null = null;

  private layerSessionFor(signal?: AbortSignal): Promise<LayerSession> {
    this.layerSession ??= (async () => {
      const exposed = cloneForSurgery(this.model.graph);
      const existing = new Set(exposed.graph.output.map((output) => output.name));
      for (const name of this.layerTensors()) if (!existing.has(name)) exposed.graph.output.push({ name });
      const created = await createSession(sessionModel(exposed), this.model.info.executionProvider);
      return { session: created.session };
    })();
    this.layerSession.catch(() => {
      this.layerSession = null;
    });
    return untilAborted(this.layerSession, signal);
  }

  /** Frees the extra per-layer session (when the model is replaced). */
  async release(): Promise<void> {
    const pending = this.layerSession;
    this.layerSession = null;
    if (pending) await (await pending.catch(() => null))?.session.release();
  }

  /** Mean of each word's pieces (special tokens left out) in the output, one word per sequence, batched. */
  private async embedWords(
    words: string[],
    source: { session: ort.InferenceSession; output: string },
    into: Map<string, Float32Array>,
    onProgress?: AnalogyProgressCallback,
    signal?: AbortSignal,
  ): Promise<void> {
    const { tokenizer, runs, info } = this.model;
    const { session, output: outputName } = source;
    for (let start = 0; start < words.length; start += CONTEXT_BATCH) {
      throwIfAborted(signal);
      onProgress?.({ stage: 'Running words through the model', done: start, total: words.length });
      const batchWords = words.slice(start, start + CONTEXT_BATCH);
      const encoded = batchWords.map((word) => tokenizer.encode(word, null, info.maxPositions));
      const batch = batchOf(encoded);
      const feeds = textFeeds(session.inputNames, batch, this.model.decoder);
      const results = await runs.run(() => {
        throwIfAborted(signal);
        return session.run(feeds, [outputName]);
      });
      const tensor = results[outputName];
      const data = await tensorToFloat32(tensor);
      for (const t of Object.values(results)) (t as ort.Tensor).dispose?.();
      const dim = data.length / (batch.batch * batch.seq);
      encoded.forEach((sequence, b) => {
        const vector = new Float32Array(dim);
        let count = 0;
        sequence.ids.forEach((_, s) => {
          if (sequence.special[s]) return;
          const off = (b * batch.seq + s) * dim;
          for (let d = 0; d < dim; d++) vector[d] += data[off + d];
          count++;
        });
        if (count > 0) for (let d = 0; d < dim; d++) vector[d] /= count;
        into.set(batchWords[b], vector);
      });
      await yieldTurn();
    }
    onProgress?.({ stage: 'Running words through the model', done: words.length, total: words.length });
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

/**
 * Labels of the token-embedding rows and which of them are whole words. WordPiece: the pieces as they are,
 * "##" pieces not whole words. Byte-level BPE and SentencePiece (decoders): the word-start piece ("Ġking",
 * "▁king") is the word "king"; other pieces (the bare "king" used inside words, bytes) are not whole words
 * and are labelled "…" + their readable form, so they never shadow the word.
 */
export function tokenVocabulary(
  tokenizer: PreparedModel['tokenizer'],
  rows: number,
): { vocabulary: string[]; flags: Uint8Array } {
  const scheme = tokenizer.scheme;
  const pieceWords = scheme === 'byte-level' || scheme === 'sentencepiece';
  const vocabulary: string[] = [];
  const flags = new Uint8Array(rows);
  const seen = new Set<string>();
  for (let id = 0; id < rows; id++) {
    if (id >= tokenizer.vocabSize) {
      vocabulary.push(`[${id}]`);
      continue;
    }
    const piece = tokenizer.idToToken(id);
    const special = tokenizer.isSpecialId(id);
    if (!pieceWords) {
      vocabulary.push(piece);
      flags[id] = isWholeWordToken(piece) && !special ? 1 : 0;
      continue;
    }
    const word = special ? null : wordOfPiece(piece, scheme);
    const label = word !== null && !seen.has(word) ? word : `…${tokenizer.displayToken(id)}`;
    seen.add(label);
    vocabulary.push(label);
    flags[id] = word !== null && label === word ? 1 : 0;
  }
  return { vocabulary, flags };
}

interface ContextState {
  vectors: Map<string, Float32Array>;
  space: VectorSpace | null;
  vocabularyEmbedded: boolean;
}

interface LayerSession {
  session: ort.InferenceSession;
}

function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
