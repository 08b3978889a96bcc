/**
 * Training heads on frozen embeddings, epoch by epoch: mini-batch SGD or Adam, inverted dropout on the inputs
 * and the hidden layer, an L2 penalty, and after every epoch the training and held-out loss and accuracy with
 * dropout off. Several runs share one split, one set of initial weights and one batch order (all from the
 * seed), so runs that differ only in their regularisation can be compared epoch for epoch; they advance
 * together, one epoch each in turn, and the driver yields to the event loop between epochs so a cancel or a
 * pause sent to the worker is seen.
 */
import { throwIfAborted } from '../cancel';
import {
  HEAD_MC_SAMPLES,
  type EpochMetrics,
  type HeadRegularisation,
  type HeadRunCurve,
  type HeadTrainingOptions,
} from '../contracts/head';
import { createRng, shuffleInPlace, type Rng } from '../random';
import {
  accumulateGradients,
  cloneNetwork,
  createHeadNetwork,
  evaluate,
  evaluateMcDropout,
  type DropoutPlan,
  zerosLike,
  type FeatureRows,
  type HeadNetwork,
} from './head-network';
import { applyScaling, featureScaling, type FeatureScaling } from './feature-scaling';
import { createOptimiser, type Optimiser } from './optimisers';
import { RNG_STREAMS, splitHeldOut, streamSeed, type HeadSplit } from './split';

export interface HeadData extends FeatureRows {
  /** Class index per row. */
  labels: Int32Array;
  numClasses: number;
}

/** The layer sizes of a head for the options. */
export function headSizes(options: Pick<HeadTrainingOptions, 'model' | 'hiddenWidth'>, dim: number, classes: number) {
  return options.model === 'mlp' ? [dim, options.hiddenWidth, classes] : [dim, classes];
}

/** The initial weights every run of these options starts from. */
export function initialNetwork(options: HeadTrainingOptions, dim: number, classes: number): HeadNetwork {
  return createHeadNetwork(headSizes(options, dim, classes), createRng(streamSeed(options.seed, RNG_STREAMS.init)));
}

export function checkOptions(options: HeadTrainingOptions, runs: readonly HeadRegularisation[]): void {
  const problems: string[] = [];
  if (!(options.learningRate > 0 && Number.isFinite(options.learningRate)))
    problems.push(`the learning rate must be above 0 (got ${options.learningRate})`);
  if (!(Number.isInteger(options.epochs) && options.epochs >= 1))
    problems.push(`epochs must be a whole number of at least 1 (got ${options.epochs})`);
  if (!(Number.isInteger(options.batchSize) && options.batchSize >= 1))
    problems.push(`the batch size must be a whole number of at least 1 (got ${options.batchSize})`);
  if (options.model === 'mlp' && !(Number.isInteger(options.hiddenWidth) && options.hiddenWidth >= 1))
    problems.push(`the hidden width must be a whole number of at least 1 (got ${options.hiddenWidth})`);
  for (const run of runs) {
    for (const [name, p] of [
      ['input dropout', run.inputDropout],
      ['hidden dropout', run.hiddenDropout],
    ] as const)
      if (!(p >= 0 && p < 1)) problems.push(`run ${run.name}'s ${name} must be at least 0 and below 1 (got ${p})`);
    if (!(run.weightDecay >= 0))
      problems.push(`run ${run.name}'s weight decay must be at least 0 (got ${run.weightDecay})`);
  }
  if (problems.length > 0) throw new Error(`The head cannot be trained: ${problems.join('; ')}.`);
}

/** One run: its network, optimiser and curve; `epoch()` trains one more epoch and records its figures. */
export class HeadRun {
  readonly network: HeadNetwork;
  readonly curve: HeadRunCurve;
  private readonly grads: HeadNetwork;
  private readonly optimiser: Optimiser;
  private readonly batchRng: Rng;
  private readonly dropoutRng: Rng;
  private readonly order: number[];

  constructor(
    private readonly data: HeadData,
    private readonly split: HeadSplit,
    private readonly options: HeadTrainingOptions,
    readonly regularisation: HeadRegularisation,
    start: HeadNetwork,
  ) {
    this.network = cloneNetwork(start);
    this.grads = zerosLike(start);
    this.optimiser = createOptimiser(
      options.optimiser,
      options.learningRate,
      start.flatMap((layer) => [layer.weights.length, layer.biases.length]),
    );
    this.batchRng = createRng(streamSeed(options.seed, RNG_STREAMS.batches));
    this.dropoutRng = createRng(streamSeed(options.seed, RNG_STREAMS.dropout));
    this.order = Array.from(split.train);
    this.curve = { regularisation, epochs: [], bestEpoch: 0, mcHeldOut: null };
  }

  /** The run's dropout with masks from `rng` (logistic regression has no hidden layer: only the input mask applies). */
  private dropoutPlan(rng: Rng): DropoutPlan | null {
    const input = this.regularisation.inputDropout;
    const hidden = this.network.length > 1 ? this.regularisation.hiddenDropout : 0;
    return input > 0 || hidden > 0 ? { input, hidden, rng } : null;
  }

  /** Held-out figures of MC dropout with the run's own dropout (none for a run without dropout). */
  mcDropout(samples: number): void {
    const plan = this.dropoutPlan(createRng(streamSeed(this.options.seed, RNG_STREAMS.mcDropout)));
    if (!plan) return;
    const figures = evaluateMcDropout(this.network, this.data, this.data.labels, this.split.heldOut, plan, samples);
    this.curve.mcHeldOut = { samples, ...figures };
  }

  epoch(): EpochMetrics {
    const { data, split, options, regularisation, network, grads } = this;
    const dropout = this.dropoutPlan(this.dropoutRng);
    shuffleInPlace(this.order, this.batchRng);
    for (let start = 0; start < this.order.length; start += options.batchSize) {
      const batch = this.order.slice(start, start + options.batchSize);
      for (const g of grads) {
        g.weights.fill(0);
        g.biases.fill(0);
      }
      accumulateGradients(network, data, data.labels, batch, grads, dropout);
      this.optimiser.beginUpdate();
      network.forEach((layer, l) => {
        const g = grads[l];
        if (regularisation.weightDecay > 0)
          for (let i = 0; i < layer.weights.length; i++) g.weights[i] += regularisation.weightDecay * layer.weights[i];
        this.optimiser.step(layer.weights, g.weights, 2 * l);
        this.optimiser.step(layer.biases, g.biases, 2 * l + 1);
      });
    }
    const train = evaluate(network, data, data.labels, split.train);
    const heldOut = evaluate(network, data, data.labels, split.heldOut);
    const metrics: EpochMetrics = {
      epoch: this.curve.epochs.length + 1,
      trainLoss: train.loss,
      trainAccuracy: train.accuracy,
      heldOutLoss: heldOut.loss,
      heldOutAccuracy: heldOut.accuracy,
    };
    this.curve.epochs.push(metrics);
    const best = this.curve.bestEpoch;
    if (best === 0 || metrics.heldOutLoss < this.curve.epochs[best - 1].heldOutLoss)
      this.curve.bestEpoch = metrics.epoch;
    return metrics;
  }
}

export interface TrainHeadsHooks {
  signal?: AbortSignal;
  /** After every epoch of all runs, with every run's curve so far. */
  onEpoch?: (epoch: number, runs: HeadRunCurve[]) => void;
  /** Awaited between epochs: resolves when the training may go on (a paused job waits here). */
  waitWhilePaused?: () => Promise<void>;
}

export interface TrainedHeads {
  split: HeadSplit;
  runs: HeadRun[];
  /** The z-scoring the runs' inputs went through (null when the options do not standardize). */
  scaling: FeatureScaling | null;
}

/** Lets the worker read its messages (a cancel, a pause) between epochs. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Trains every run for `options.epochs` epochs, side by side, on one split and one start. */
export async function trainHeads(
  data: HeadData,
  options: HeadTrainingOptions,
  regularisations: readonly HeadRegularisation[],
  hooks: TrainHeadsHooks = {},
): Promise<TrainedHeads> {
  checkOptions(options, regularisations);
  const split = splitHeldOut(data.labels, data.numClasses, options.seed, options.heldOutFraction, options.dataFraction);
  if (split.train.length === 0) throw new Error('No rows are left to train on: use a larger share of the data.');
  if (split.heldOut.length === 0)
    throw new Error('No rows could be held out: every class needs at least two rows for a held-out split.');
  const scaling = options.standardize ? featureScaling(data, split.train) : null;
  const prepared: HeadData = { ...data, data: scaling ? applyScaling(data.data, data.dim, scaling) : data.data };
  const start = initialNetwork(options, data.dim, data.numClasses);
  const runs = regularisations.map((r) => new HeadRun(prepared, split, options, r, start));
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    throwIfAborted(hooks.signal);
    for (const run of runs) run.epoch();
    hooks.onEpoch?.(
      epoch,
      runs.map((run) => run.curve),
    );
    await nextTask();
    await hooks.waitWhilePaused?.();
  }
  throwIfAborted(hooks.signal);
  for (const run of runs) run.mcDropout(options.mcSamples ?? HEAD_MC_SAMPLES);
  return { split, runs, scaling };
}
