/**
 * The analogy tool's contextual space: each word run through the model ALONE ([CLS] word [SEP]), the mean of its
 * word pieces in the last hidden state or in a chosen layer's output. Candidates: every whole-word token of the
 * vocabulary plus the words the user asked about, computed in batches through the model's RunQueue and kept.
 */
import type * as ort from 'onnxruntime-web';
import { createVectorSpace, type VectorSpace } from '../../analogy';
import { throwIfAborted, untilAborted } from '../../cancel';
import { findAttentionSoftmaxes, findResidualSites, sessionModel } from '../../onnx';
import { cloneForSurgery, GraphIndex } from '../../onnx/graph';
import { createSession } from '../../runtime/execution-provider';
import { batchOf, tensorToFloat32, textFeeds } from '../../runtime/feeds';
import { yieldToEventLoop } from '../../runtime/yield';
import type { AnalogyProgressCallback } from '../../contracts/analogy';
import type { PreparedModel } from '../model/prepare-model';
import { tokenVocabulary } from './token-vocabulary';

/** Words per model run when computing contextual vectors. */
const CONTEXT_BATCH = 128;

/** The key of the model's own last-hidden-state output among the layers. */
const LAST_HIDDEN = -1;

interface ContextState {
  vectors: Map<string, Float32Array>;
  space: VectorSpace | null;
  vocabularyEmbedded: boolean;
}

interface LayerSession {
  session: ort.InferenceSession;
}

export class ContextualVectors {
  /** Per layer (−1 = the model's last hidden state output): vectors by word, and the space built over them. */
  private readonly contexts = new Map<number, ContextState>();
  /** A second session with every layer's hidden state as an output, created when a layer is chosen. */
  private layerSession: Promise<LayerSession> | null = null;
  private layerNames: string[] | null = null;

  constructor(private readonly model: PreparedModel) {}

  /** The last hidden state's space as far as it is built (null before the first contextual query). */
  lastHiddenSpace(): VectorSpace | null {
    return this.contexts.get(LAST_HIDDEN)?.space ?? null;
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
  async space(
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
    const key = layer === null || layer === layers.length ? LAST_HIDDEN : layer;
    if (key !== LAST_HIDDEN && (!Number.isInteger(key) || key < 1 || key > layers.length)) {
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
        key === LAST_HIDDEN
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

  /** Frees the extra per-layer session (when the model is replaced). */
  async release(): Promise<void> {
    const pending = this.layerSession;
    this.layerSession = null;
    if (pending) await (await pending.catch(() => null))?.session.release();
  }

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
      await yieldToEventLoop();
    }
    onProgress?.({ stage: 'Running words through the model', done: words.length, total: words.length });
  }
}
