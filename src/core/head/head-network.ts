/**
 * The head: dense layers on a frozen embedding, ReLU between them, softmax cross-entropy at the end. Logistic
 * regression is one layer; the MLP is two (one hidden layer). Everything is computed in float64, the softmax
 * through log-sum-exp so no logit overflows. Dropout (inverted, see dropout.ts) can mask the input features
 * and the hidden units while training; evaluation uses the network as it is.
 */
import type { Rng } from '../random';
import { fillDropoutMask } from './dropout';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** [inputs × outputs] row-major: weight from input i to output j at i * outputs + j. */
  weights: Float64Array;
  biases: Float64Array;
}

export type HeadNetwork = DenseLayer[];

/** Rows of a feature matrix: `data` is [rows × dim] row-major. */
export interface FeatureRows {
  data: Float32Array;
  dim: number;
}

/** Layer sizes as PyTorch's nn.Linear initialises them: weights and biases uniform in ±1/√inputs. */
export function createHeadNetwork(sizes: readonly number[], rng: Rng): HeadNetwork {
  const layers: HeadNetwork = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    const bound = 1 / Math.sqrt(inputs);
    const uniform = () => (2 * rng.nextFloat() - 1) * bound;
    layers.push({
      inputs,
      outputs,
      weights: Float64Array.from({ length: inputs * outputs }, uniform),
      biases: Float64Array.from({ length: outputs }, uniform),
    });
  }
  return layers;
}

export function cloneNetwork(network: HeadNetwork): HeadNetwork {
  return network.map((layer) => ({ ...layer, weights: layer.weights.slice(), biases: layer.biases.slice() }));
}

/** Zeroed arrays shaped like the network (its gradients). */
export function zerosLike(network: HeadNetwork): HeadNetwork {
  return network.map((layer) => ({
    ...layer,
    weights: new Float64Array(layer.weights.length),
    biases: new Float64Array(layer.biases.length),
  }));
}

/** Dropout while training: the drop probability of the inputs and of every hidden layer, and where masks come from. */
export interface DropoutPlan {
  input: number;
  hidden: number;
  rng: Rng;
}

/** Activations of every layer for one row (reused across rows to spare allocations). */
class Workspace {
  /** activations[0] is the (masked) input; activations[l + 1] is layer l's output (logits for the last). */
  readonly activations: Float64Array[];
  readonly masks: Float64Array[];
  readonly deltas: Float64Array[];

  constructor(network: HeadNetwork) {
    this.activations = [new Float64Array(network[0].inputs), ...network.map((l) => new Float64Array(l.outputs))];
    this.masks = this.activations.map((a) => new Float64Array(a.length).fill(1));
    this.deltas = network.map((l) => new Float64Array(l.outputs));
  }
}

/** Runs one row forward; leaves every layer's activation in the workspace and returns the logits. */
function forwardRow(
  network: HeadNetwork,
  features: FeatureRows,
  row: number,
  work: Workspace,
  dropout: DropoutPlan | null,
): Float64Array {
  const input = work.activations[0];
  const offset = row * features.dim;
  for (let i = 0; i < input.length; i++) input[i] = features.data[offset + i];
  if (dropout && dropout.input > 0) {
    fillDropoutMask(dropout.rng, dropout.input, work.masks[0]);
    for (let i = 0; i < input.length; i++) input[i] *= work.masks[0][i];
  }
  for (let l = 0; l < network.length; l++) {
    const { inputs, outputs, weights, biases } = network[l];
    const a = work.activations[l];
    const z = work.activations[l + 1];
    z.set(biases);
    for (let i = 0; i < inputs; i++) {
      const ai = a[i];
      if (ai === 0) continue;
      const base = i * outputs;
      for (let j = 0; j < outputs; j++) z[j] += ai * weights[base + j];
    }
    if (l + 1 < network.length) {
      for (let j = 0; j < outputs; j++) if (z[j] < 0) z[j] = 0;
      if (dropout && dropout.hidden > 0) {
        const mask = fillDropoutMask(dropout.rng, dropout.hidden, work.masks[l + 1]);
        for (let j = 0; j < outputs; j++) z[j] *= mask[j];
      }
    }
  }
  return work.activations[network.length];
}

/** log Σ exp(logits), shifted by the largest logit. */
export function logSumExp(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let c = 0; c < logits.length; c++) if (logits[c] > max) max = logits[c];
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += Math.exp(logits[c] - max);
  return max + Math.log(sum);
}

function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if (values[c] > values[best]) best = c;
  return best;
}

/**
 * Mean cross-entropy of `rows` (with the given dropout, or none) and its gradient added into `grads`
 * (the caller zeroes them). Returns the mean loss.
 */
export function accumulateGradients(
  network: HeadNetwork,
  features: FeatureRows,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
  grads: HeadNetwork,
  dropout: DropoutPlan | null,
): number {
  const work = new Workspace(network);
  const last = network.length - 1;
  const scale = 1 / rows.length;
  let loss = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const logits = forwardRow(network, features, row, work, dropout);
    const lse = logSumExp(logits);
    const label = labels[row];
    loss += lse - logits[label];
    const delta = work.deltas[last];
    for (let c = 0; c < logits.length; c++) delta[c] = (Math.exp(logits[c] - lse) - (c === label ? 1 : 0)) * scale;
    for (let l = last; l >= 0; l--) {
      const { inputs, outputs, weights } = network[l];
      const a = work.activations[l];
      const d = work.deltas[l];
      const g = grads[l];
      for (let j = 0; j < outputs; j++) g.biases[j] += d[j];
      for (let i = 0; i < inputs; i++) {
        const ai = a[i];
        if (ai === 0) continue;
        const base = i * outputs;
        for (let j = 0; j < outputs; j++) g.weights[base + j] += ai * d[j];
      }
      if (l === 0) break;
      // Back through the ReLU and the hidden dropout mask of layer l − 1's output (a = relu(z) · mask).
      const below = work.deltas[l - 1];
      const mask = work.masks[l];
      for (let i = 0; i < inputs; i++) {
        if (a[i] === 0) {
          below[i] = 0;
          continue;
        }
        let sum = 0;
        const base = i * outputs;
        for (let j = 0; j < outputs; j++) sum += weights[base + j] * d[j];
        below[i] = sum * mask[i];
      }
    }
  }
  return loss * scale;
}

/**
 * Class probabilities of one row: with `dropout`, one pass of MC dropout on the head (the masks drawn from its
 * generator); without, the network as it is. Softmax through log-sum-exp, as the loss is computed.
 */
export function rowProbabilities(
  network: HeadNetwork,
  features: FeatureRows,
  row: number,
  dropout: DropoutPlan | null,
): Float64Array {
  const logits = forwardRow(network, features, row, new Workspace(network), dropout);
  const lse = logSumExp(logits);
  return Float64Array.from(logits, (logit) => Math.exp(logit - lse));
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/** Mean cross-entropy and accuracy of `rows` with dropout off. */
export function evaluate(
  network: HeadNetwork,
  features: FeatureRows,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
): Evaluation {
  if (rows.length === 0) return { loss: NaN, accuracy: NaN };
  const work = new Workspace(network);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const logits = forwardRow(network, features, row, work, null);
    loss += logSumExp(logits) - logits[labels[row]];
    if (argMax(logits) === labels[row]) correct++;
  }
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}

/**
 * MC dropout on the trained head (Gal & Ghahramani 2016): each row's class probabilities averaged over `samples`
 * passes with dropout kept on, then scored like `evaluate` (loss of the averaged probability of the label).
 */
export function evaluateMcDropout(
  network: HeadNetwork,
  features: FeatureRows,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
  dropout: DropoutPlan,
  samples: number,
): Evaluation {
  if (rows.length === 0) return { loss: NaN, accuracy: NaN };
  const work = new Workspace(network);
  const classes = network[network.length - 1].outputs;
  const mean = new Float64Array(classes);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    mean.fill(0);
    for (let t = 0; t < samples; t++) {
      const logits = forwardRow(network, features, row, work, dropout);
      const lse = logSumExp(logits);
      for (let c = 0; c < classes; c++) mean[c] += Math.exp(logits[c] - lse) / samples;
    }
    loss -= Math.log(Math.max(mean[labels[row]], Number.MIN_VALUE));
    if (argMax(mean) === labels[row]) correct++;
  }
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}
