/** The tiny transformer's forward pass in plain JavaScript (float64), to check what ONNX Runtime computes. */
import type { Dense, LayerNormWeights, TinyTransformer } from './tiny-transformer';

export interface ReferenceOutputs {
  /** Per layer, row-major [batch, heads, seq, seq]. */
  attention: Float64Array[];
  lastHiddenState: Float64Array;
  logits: Float64Array;
  classifierLogits: Float64Array;
}

/** Rows of a row-major [rows, inSize] matrix through a dense layer. */
function applyDense(x: Float64Array, rows: number, d: Dense): Float64Array {
  const out = new Float64Array(rows * d.outSize);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < d.outSize; o++) {
      let sum = d.b[o];
      for (let i = 0; i < d.inSize; i++) sum += x[r * d.inSize + i] * d.w[i * d.outSize + o];
      out[r * d.outSize + o] = sum;
    }
  }
  return out;
}

function applyLayerNorm(x: Float64Array, size: number, ln: LayerNormWeights, epsilon: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let start = 0; start < x.length; start += size) {
    let mean = 0;
    for (let i = 0; i < size; i++) mean += x[start + i];
    mean /= size;
    let variance = 0;
    for (let i = 0; i < size; i++) variance += (x[start + i] - mean) ** 2;
    variance /= size;
    const std = Math.sqrt(variance + epsilon);
    for (let i = 0; i < size; i++) out[start + i] = ((x[start + i] - mean) / std) * ln.gamma[i] + ln.beta[i];
  }
  return out;
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for 1e-5 checks; use the series / continued fraction pair.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = n / 2 / (ax + fraction);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
  return Math.sign(x) * (1 - erfc);
}

const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

export function referenceForward(
  tiny: TinyTransformer,
  inputIds: number[][],
  attentionMask: number[][] = inputIds.map((row) => row.map(() => 1)),
  tokenTypeIds: number[][] = inputIds.map((row) => row.map(() => 0)),
): ReferenceOutputs {
  const { weights: w, config } = tiny;
  const batch = inputIds.length;
  const seq = inputIds[0].length;
  const h = config.hidden;
  const heads = config.heads;
  const d = h / heads;
  const rows = batch * seq;
  const eps = config.layerNormEpsilon;

  let x: Float64Array = new Float64Array(rows * h);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < seq; s++) {
      for (let i = 0; i < h; i++) {
        x[(b * seq + s) * h + i] =
          w.word[inputIds[b][s] * h + i] + w.tokenType[tokenTypeIds[b][s] * h + i] + w.position[s * h + i];
      }
    }
  }
  x = applyLayerNorm(x, h, w.embeddingLn, eps);

  const attention: Float64Array[] = [];
  const pre = config.preLayerNorm;
  for (const layer of w.layers) {
    const attentionInput = pre ? applyLayerNorm(x, h, layer.ln1, eps) : x;
    const q = applyDense(attentionInput, rows, layer.q);
    const k = applyDense(attentionInput, rows, layer.k);
    const v = applyDense(attentionInput, rows, layer.v);
    const probs = new Float64Array(batch * heads * seq * seq);
    const context = new Float64Array(rows * h);
    for (let b = 0; b < batch; b++) {
      for (let hd = 0; hd < heads; hd++) {
        for (let i = 0; i < seq; i++) {
          const rowStart = ((b * heads + hd) * seq + i) * seq;
          let max = -Infinity;
          for (let j = 0; j < seq; j++) {
            let dot = 0;
            for (let c = 0; c < d; c++) dot += q[(b * seq + i) * h + hd * d + c] * k[(b * seq + j) * h + hd * d + c];
            const score = dot / Math.sqrt(d) + (1 - attentionMask[b][j]) * -10000;
            probs[rowStart + j] = score;
            max = Math.max(max, score);
          }
          let total = 0;
          for (let j = 0; j < seq; j++) total += probs[rowStart + j] = Math.exp(probs[rowStart + j] - max);
          for (let j = 0; j < seq; j++) probs[rowStart + j] /= total;
          for (let c = 0; c < d; c++) {
            let sum = 0;
            for (let j = 0; j < seq; j++) sum += probs[rowStart + j] * v[(b * seq + j) * h + hd * d + c];
            context[(b * seq + i) * h + hd * d + c] = sum;
          }
        }
      }
    }
    attention.push(probs);
    const attended = applyDense(context, rows, layer.o).map((value, index) => value + x[index]);
    const afterAttention = pre ? attended : applyLayerNorm(attended, h, layer.ln1, eps);
    const ffnInput = pre ? applyLayerNorm(afterAttention, h, layer.ln2, eps) : afterAttention;
    const intermediate = applyDense(ffnInput, rows, layer.ffnIn).map(gelu);
    const ffn = applyDense(intermediate, rows, layer.ffnOut).map((value, index) => value + afterAttention[index]);
    x = pre ? ffn : applyLayerNorm(ffn, h, layer.ln2, eps);
  }
  if (pre) x = applyLayerNorm(x, h, w.finalLn, eps);

  const transformed = applyLayerNorm(applyDense(x, rows, w.mlmDense).map(gelu), h, w.mlmLn, eps);
  const logits = new Float64Array(rows * config.vocab);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < config.vocab; t++) {
      let sum = w.decoderBias[t];
      for (let i = 0; i < h; i++) sum += transformed[r * h + i] * w.word[t * h + i];
      logits[r * config.vocab + t] = sum;
    }
  }
  const cls = new Float64Array(batch * h);
  for (let b = 0; b < batch; b++) cls.set(x.subarray(b * seq * h, b * seq * h + h), b * h);
  const pooled = applyDense(cls, batch, w.pooler).map(Math.tanh);
  const classifierLogits = applyDense(pooled, batch, w.classifier);
  return { attention, lastHiddenState: x, logits, classifierLogits };
}
