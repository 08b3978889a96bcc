import { AnalogySpaces } from './analogy/analogy-spaces';
import { type AnalogyProgressCallback, type AnalogySpaceId, type AnalogySpaceSummary } from '../contracts/analogy';
import { runAnalogyQuery, runEvaluation, runNeighbours } from './analogy/analogy-run';
import {
  type AnalogyEvaluationOptions,
  type AnalogyNeighbourOptions,
  type AnalogyQueryOptions,
} from '../contracts/analogy';
import { runAttention, type AttentionResult } from './attention/attention-run';
import { buildAttentionView } from './attention/attention-view';
import { planMcAttentionLayers, runMcAttention, validateMcAttentionSettings } from './attention/mc-attention-run';
import {
  type AttentionDisplayOptions,
  type AttentionView,
  type McAttentionProgress,
  type McAttentionRequest,
  type McAttentionView,
} from '../contracts/attention';
import { runLabelAuditOnTexts } from './labels/label-audit-run';
import { EmbeddingMemo, runHeadTraining, type HeadRows } from './head/head-training-run';
import { PauseGates } from './head/pause-gates';
import { KeptHeads } from './head/kept-heads';
import { prepareHeadInput } from './head/head-mc-run';
import type { HeadTrainingProgress, HeadTrainingRequest, HeadTrainingResult } from '../contracts/head';
import { type LabelAuditOutput, type LabelAuditProgress, type LabelAuditSettings } from '../contracts/labels';
import { parseLabeledData, type LabeledDataOptions, type LabeledDataParse } from './labels/label-input';
import { runMcBatch, runMcPrediction } from './uncertainty/mc-dropout-run';
import {
  type McBatchResult,
  type McDropoutSettings,
  type McHeadChoice,
  type McPredictionResult,
  type McPredictRequest,
  type McProgressCallback,
  type McTask,
} from '../contracts/uncertainty';
import { capacityBySize, McSessionCache, normalizeGraphConfig } from './uncertainty/mc-sessions';
import { runCalibration } from './calibration/calibration-run';
import type { CalibrationProgressCallback, CalibrationRequest, CalibrationResult } from '../contracts/calibration';
import { runContinuation } from './uncertainty/continuation-run';
import { CachedStepSessions, canContinueWithCache } from './uncertainty/continuation-cache';
import type {
  BatchInputsRead,
  ContinuationProgress,
  ContinuationRequest,
  ContinuationResult,
} from '../contracts/uncertainty';
import { readBatchInputs } from '../uncertainty/batch-inputs';
import { ModelHost } from './model/model-host';
import type { PreparedModel } from './model/prepare-model';

export type { EngineOptions, LoadOptions } from './model/model-host';

/**
 * Everything the worker does, as plain async methods over src/core. The worker exposes one instance
 * through comlink; Node tests and benchmarks use it directly. Loading a model, the model cache and
 * cancelling come from ModelHost (model/model-host.ts); the tools' operations on the loaded model are here.
 */
export class PlaygroundEngine extends ModelHost {
  private readonly pauses = new PauseGates();
  /** The label rows last embedded for a head (same rows and model: not embedded again). */
  private readonly headEmbeddings = new EmbeddingMemo();
  /** Heads trained on the current model, for the uncertainty tool's "trained head" task. */
  private readonly heads = new KeptHeads();
  private lastAttention: { model: PreparedModel; key: string; result: AttentionResult } | null = null;
  private analogyState: { model: PreparedModel; spaces: AnalogySpaces } | null = null;
  /** MC-dropout sessions of the current model, the last few surgery configurations (one for a large model). */
  private readonly mcSessions = new McSessionCache(capacityBySize(3));
  /** Continuations of decoders with a cache: the KV-cache step session of the current model. */
  private readonly stepSessions = new CachedStepSessions();

  /** A new model took the slot: the MC-dropout and step sessions built for the previous one go. */
  protected override async modelReplaced(): Promise<void> {
    await this.mcSessions.clear();
    await this.stepSessions.clear();
  }

  tokenize(text: string, pair: string | null = null) {
    const model = this.requireModel();
    return model.tokenizer.encode(text, pair, model.info.maxPositions);
  }

  /**
   * Attention for a text (or pair) shaped for display. The raw run is kept, so flipping a display
   * toggle does not run the model again.
   */
  async attention(
    text: string,
    pair: string | null,
    display: AttentionDisplayOptions,
    jobId?: string,
  ): Promise<AttentionView> {
    const model = this.requireModel();
    return this.jobs.run(jobId, async (signal) =>
      buildAttentionView(await this.plainAttention(model, text, pair, signal), display),
    );
  }

  /**
   * Attention under MC dropout: T samples of every layer's attention (or the layers that fit in memory
   * around `request.focusLayer`), their running statistics and the dropout-off attention beside them.
   */
  async mcAttention(
    request: McAttentionRequest,
    onProgress?: (progress: McAttentionProgress) => void,
    jobId?: string,
  ): Promise<McAttentionView> {
    const model = this.requireModel();
    return this.jobs.run(jobId, async (signal) => {
      const { settings } = request;
      validateMcAttentionSettings(settings, model.info.layers);
      onProgress?.({ done: 0, total: settings.samples, phase: 'preparing' });
      const plain = await this.plainAttention(model, request.text, request.pair, signal);
      const [layers, heads, seq] = plain.shape;
      const plan = planMcAttentionLayers(layers, heads, seq, request.focusLayer);
      return this.mcSessions.use(
        model,
        normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, {
          attentionLayers: plan.layers,
        }),
        (mc) => runMcAttention(model, mc, plain, settings, plan, { signal, onProgress }),
      );
    });
  }

  private async plainAttention(model: PreparedModel, text: string, pair: string | null, signal: AbortSignal) {
    const key = JSON.stringify([text, pair]);
    if (this.lastAttention?.model !== model || this.lastAttention.key !== key) {
      this.lastAttention = { model, key, result: await runAttention(model, text, pair, signal) };
    }
    return this.lastAttention.result;
  }

  /** MC dropout on one input: T samples, the deterministic prediction and their statistics. */
  async predict(
    request: McPredictRequest,
    settings: McDropoutSettings,
    onProgress?: McProgressCallback,
    jobId?: string,
  ): Promise<McPredictionResult> {
    const model = this.requireModel();
    return this.jobs.run(jobId, async (signal) => {
      const prepare = this.headPreparer(model, request.task, request.head, settings);
      onProgress?.({ done: 0, total: settings.samples + 1, phase: 'preparing' });
      return this.mcSessions.use(
        model,
        normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, { task: request.task }),
        (mc) => runMcPrediction(model, mc, request, settings, { signal, onProgress, prepare }),
      );
    });
  }

  /**
   * A decoder's continuation: `request.maxNewTokens` tokens after the prompt, each with the MC-dropout
   * statistics of the distribution it was chosen from (T samples per token, the next-token session).
   */
  async continue(
    request: ContinuationRequest,
    settings: McDropoutSettings,
    onProgress?: (progress: ContinuationProgress) => void,
    jobId?: string,
  ): Promise<ContinuationResult> {
    const model = this.requireModel();
    return this.jobs.run(jobId, async (signal) => {
      onProgress?.({ done: 0, total: request.maxNewTokens, phase: 'preparing' });
      return this.mcSessions.use(
        model,
        normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, { task: 'next-token' }),
        async (mc) => {
          const cached = canContinueWithCache(model) ? await this.stepSessions.get(model, settings) : null;
          return runContinuation(model, mc, request, settings, { signal, onProgress, cached });
        },
      );
    });
  }

  /** MC dropout on many inputs (batch mode), each summarised for ranking by uncertainty. */
  async predictBatch(
    texts: string[],
    task: McTask,
    settings: McDropoutSettings,
    onProgress?: McProgressCallback,
    jobId?: string,
    head?: McHeadChoice,
  ): Promise<McBatchResult> {
    const model = this.requireModel();
    return this.jobs.run(jobId, async (signal) => {
      const prepare = this.headPreparer(model, task, head, settings);
      onProgress?.({ done: 0, total: texts.length * (settings.samples + 1), phase: 'preparing' });
      return this.mcSessions.use(
        model,
        normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, { task }),
        (mc) => runMcBatch(model, mc, texts, task, settings, { signal, onProgress, prepare }),
      );
    });
  }

  /** For the trained-head task: inputs read through the kept head (found before any sampling starts). */
  private headPreparer(
    model: PreparedModel,
    task: McTask,
    choice: McHeadChoice | undefined,
    settings: McDropoutSettings,
  ) {
    if (task !== 'head') return undefined;
    if (!choice) throw new Error('Choose a trained head for the trained-head task.');
    const head = this.heads.get(model, choice.id);
    return (request: McPredictRequest, input: number) =>
      prepareHeadInput(model, head, { ...request, head: choice }, settings, input);
  }

  /**
   * Calibration on the user's text: every word piece predicted (an encoder masks each in turn, a decoder reads
   * every next token of one causal run), or labelled rows through the classification head, with dropout off and
   * with MC dropout, and the figures of both.
   */
  async calibrate(
    request: CalibrationRequest,
    onProgress?: CalibrationProgressCallback,
    jobId?: string,
  ): Promise<CalibrationResult> {
    const model = this.requireModel();
    const { settings } = request;
    return this.jobs.run(jobId, async (signal) => {
      onProgress?.({ done: 0, total: 0, phase: 'preparing' });
      return this.mcSessions.use(
        model,
        normalizeGraphConfig(model.info.layers, settings.sites, settings.stochasticLayers, {
          task: request.rows ? 'classification' : model.decoder ? 'next-token' : 'fill-mask',
          allPositions: !request.rows && model.decoder !== null,
        }),
        (mc) => runCalibration(model, mc, request, { signal, onProgress }),
      );
    });
  }

  /** The analogy tool's spaces for the loaded model (built lazily, cached until the model changes). */
  analogySpaces(): AnalogySpaceSummary[] {
    return this.spacesFor().summaries();
  }

  /** a : b :: c : ? in each requested space, side by side, with the 2-D picture. */
  async analogy(
    spaceIds: AnalogySpaceId[],
    words: { a: string; b: string; c: string },
    options: AnalogyQueryOptions,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ) {
    const spaces = this.spacesFor();
    return this.jobs.run(jobId, (signal) => runAnalogyQuery(spaces, spaceIds, words, options, onProgress, signal));
  }

  async neighbours(
    spaceIds: AnalogySpaceId[],
    word: string,
    options: AnalogyNeighbourOptions,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ) {
    const spaces = this.spacesFor();
    return this.jobs.run(jobId, (signal) => runNeighbours(spaces, spaceIds, word, options, onProgress, signal));
  }

  /** Evaluates an analogy file (": section" headers, four words a line) in each requested space. */
  async evaluateAnalogyFile(
    text: string,
    spaceIds: AnalogySpaceId[],
    options: AnalogyEvaluationOptions,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ) {
    const spaces = this.spacesFor();
    return this.jobs.run(jobId, (signal) => runEvaluation(spaces, spaceIds, text, options, onProgress, signal));
  }

  /** Parses a word2vec / GloVe text file (streamed from a Blob) into the "user" space. */
  async loadWordVectors(
    source: string | Blob,
    name: string,
    onProgress?: AnalogyProgressCallback,
    jobId?: string,
  ): Promise<AnalogySpaceSummary> {
    const spaces = this.spacesFor();
    return this.jobs.run(jobId, (signal) => spaces.loadUserVectors(source, name, onProgress, signal));
  }

  private spacesFor(): AnalogySpaces {
    const model = this.requireModel();
    if (this.analogyState?.model !== model) {
      void this.analogyState?.spaces.release();
      this.analogyState = {
        model,
        spaces: new AnalogySpaces(model, {
          cacheStorage: this.options.cacheStorage,
          fetchImpl: this.options.fetchImpl,
        }),
      };
    }
    return this.analogyState.spaces;
  }

  /**
   * The MC-dropout batch inputs from a file in the label tool's format, read and parsed off the main thread
   * (a File is read here as UTF-8, as the page read it before).
   */
  async readBatchInputs(source: string | Blob): Promise<BatchInputsRead> {
    return readBatchInputs(typeof source === 'string' ? source : await source.text());
  }

  /** Decodes and parses pasted or dropped labeled data (CSV, TSV, JSON lines), off the main thread. */
  parseLabeledData(input: string | Uint8Array, options: LabeledDataOptions = {}): LabeledDataParse {
    return parseLabeledData(input, options, this.model);
  }

  /** A dropped or picked labeled-data file, read here rather than on the page, then decoded and parsed as above. */
  async parseLabeledFile(file: Blob, options: LabeledDataOptions = {}): Promise<LabeledDataParse> {
    return parseLabeledData(new Uint8Array(await file.arrayBuffer()), options, this.model);
  }

  /** Label audit: features → cross-validated probabilities → confident learning, with staged progress. */
  async auditLabels(
    rows: { texts: string[]; labels: string[] },
    settings: Partial<LabelAuditSettings>,
    onProgress?: (progress: LabelAuditProgress) => void,
    jobId?: string,
  ): Promise<LabelAuditOutput> {
    const model = settings.features === 'tfidf' ? this.model : this.requireModel();
    return this.jobs.run(jobId, (signal) =>
      runLabelAuditOnTexts(rows.texts, rows.labels, settings, {
        model,
        cache: this.options.embeddingCache,
        signal,
        onProgress,
      }),
    );
  }

  /**
   * Trains small heads on the rows' frozen sentence embeddings (the label tool's "train a head"), the runs side
   * by side, reporting every epoch. `pause(jobId, true)` holds it between epochs.
   */
  async trainHeads(
    rows: HeadRows,
    request: HeadTrainingRequest,
    onProgress?: (progress: HeadTrainingProgress) => void,
    jobId?: string,
  ): Promise<HeadTrainingResult> {
    const model = this.requireModel();
    const id = jobId ?? `head-${Math.random().toString(36).slice(2)}`;
    return this.jobs.run(id, async (signal) => {
      const gate = this.pauses.open(id, signal);
      try {
        return await runHeadTraining(rows, request, {
          model,
          cache: this.options.embeddingCache,
          memo: this.headEmbeddings,
          signal,
          onProgress,
          waitWhilePaused: gate.wait,
          keepHead: (head) => this.heads.keep(model, head),
        });
      } finally {
        gate.close();
      }
    });
  }

  /** Pauses or resumes a running job that can pause (head training); false when there is none. */
  pause(jobId: string, paused: boolean): boolean {
    return this.pauses.set(jobId, paused);
  }
}
