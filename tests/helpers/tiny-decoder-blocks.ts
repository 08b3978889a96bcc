/**
 * The transformer body of the tiny decoders (tiny-decoder.ts), emitted node by node the way
 * torch.onnx.export writes Hugging Face's GPT2LMHeadModel and LlamaForCausalLM at opset 17:
 * - GPT-2: learned positions, pre-LN LayerNormalization, c_attn split in three, Conv1D projections
 *   (Reshape → Gemm → Reshape, as torch.addmm exports), gelu_new (tanh), lm_head tied to wte;
 * - Llama: rotary embeddings from position_ids, RMSNorm (decomposed Pow/ReduceMean/Sqrt or
 *   SimplifiedLayerNormalization), K/V heads repeated for grouped-query attention, SwiGLU, untied lm_head.
 * One body serves every layout: with `past`, each layer concatenates the fed past K/V in front of its own
 * (present.{i}.* = the concatenation), and the causal mask allows query i to see keys 0 … past + i.
 */
import type { GraphEditor } from '../../src/core/onnx/editor';
import { makeFloatTensor } from '../../src/core/onnx/tensor-data';
import { DataType, type OnnxGraph } from '../../src/core/onnx/types';
import type { TinyDecoderConfig, TinyDecoderWeights } from './tiny-decoder';

/** float32's lowest value, as transformers masks scores with (torch.finfo(dtype).min). */
export const MASK_VALUE = -3.4028234663852886e38;

export interface BodyInputs {
  /** Past K/V input names per layer, or null when the graph has no cache inputs. */
  past: { key: string; value: string }[] | null;
}

export interface BodyOutputs {
  logits: string;
  /** present.{i}.key / value tensors per layer (the concatenated K/V), in layer order. */
  present: { key: string; value: string }[];
}

/** Adds every weight to the main graph once, under Hugging Face's parameter names. */
export class WeightStore {
  private readonly added = new Map<string, string>();
  constructor(private readonly main: OnnxGraph) {}
  get(name: string, dims: number[], values: Float32Array): string {
    if (!this.added.has(name)) {
      this.main.initializer.push(makeFloatTensor(name, dims, values));
      this.added.set(name, name);
    }
    return name;
  }
}

/** Emits the decoder body into `g` (the main graph or an If branch), with node names under `scope`. */
export function emitDecoderBody(
  g: GraphEditor,
  store: WeightStore,
  weights: TinyDecoderWeights,
  config: TinyDecoderConfig,
  inputs: BodyInputs,
  scope: string,
): BodyOutputs {
  const n = (name: string) => ({ name: `${scope}${name}` });
  const add = (op: string, ins: string[], name: string, attributes?: Parameters<GraphEditor['add']>[2]) =>
    g.add(op, ins, { ...n(name), ...attributes });
  const int64 = (name: string, values: number[], dims?: number[]) => g.constInt64(`${scope}${name}`, values, dims);
  const float = (name: string, values: number[], dims: number[] = []) => g.constFloat(`${scope}${name}`, values, dims);
  const { hidden: h, heads, kvHeads, headDim: d, vocab } = config;
  const gpt2 = config.family === 'gpt2';

  // Lengths: S new tokens, total = past + S keys (attention_mask covers past and new tokens).
  const idsShape = add('Shape', ['input_ids'], '/Shape');
  const seqLen = add('Gather', [idsShape, int64('one_index', [1], [])], '/Gather_seq', { attributes: { axis: 0 } });
  const maskShape = add('Shape', ['attention_mask'], '/Shape_mask');
  const total = add('Gather', [maskShape, int64('one_index_mask', [1], [])], '/Gather_total', {
    attributes: { axis: 0 },
  });
  const pastLen = add('Sub', [total, seqLen], '/Sub_past');

  // Embeddings.
  const wte = store.get(gpt2 ? 'transformer.wte.weight' : 'model.embed_tokens.weight', [vocab, h], weights.tokens);
  let x = add('Gather', [wte, 'input_ids'], gpt2 ? '/transformer/wte/Gather' : '/model/embed_tokens/Gather');
  if (gpt2) {
    const wpe = store.get('transformer.wpe.weight', [config.maxPositions, h], weights.positions!);
    const positions = add('Gather', [wpe, 'position_ids'], '/transformer/wpe/Gather');
    x = add('Add', [x, positions], '/transformer/Add');
  }

  // Mask [batch, 1, S, total]: causal (key j ≤ past + i) and not padding.
  let causal: string;
  if (config.mask === 'trilu') {
    const dims = add('Concat', [unsq(seqLen, 'seq'), unsq(total, 'total')], '/mask/Concat', {
      attributes: { axis: 0 },
    });
    const ones = add('ConstantOfShape', [dims], '/mask/ConstantOfShape', {
      attributes: { value: makeFloatTensor('one', [1], [1]) },
    });
    const lower = add('Trilu', [ones, pastLen], '/mask/Trilu', { attributes: { upper: 0 } });
    causal = add('Cast', [lower], '/mask/Cast', { attributes: { to: DataType.BOOL } });
  } else {
    const zero = int64('zero', [0], []);
    const step = int64('step', [1], []);
    const rows = add('Range', [pastLen, add('Add', [pastLen, seqLen], '/mask/Add_end'), step], '/mask/Range_rows');
    const cols = add('Range', [zero, total, step], '/mask/Range_cols');
    causal = add(
      'LessOrEqual',
      [
        add('Unsqueeze', [cols, int64('axes0', [0])], '/mask/Unsqueeze_cols'),
        add('Unsqueeze', [rows, int64('axes1', [1])], '/mask/Unsqueeze_rows'),
      ],
      '/mask/LessOrEqual',
    );
  }
  const notPadding = add(
    'Unsqueeze',
    [add('Cast', ['attention_mask'], '/mask/Cast_pad', { attributes: { to: DataType.BOOL } }), int64('axes12', [1, 2])],
    '/mask/Unsqueeze_pad',
  );
  const allowed = add('And', [causal, notPadding], '/mask/And');
  const minValue = float('mask_min', [MASK_VALUE]);
  const additive =
    config.mask === 'add' ? add('Where', [allowed, float('mask_zero', [0]), minValue], '/mask/Where_additive') : null;

  function unsq(scalar: string, name: string) {
    return add('Unsqueeze', [scalar, int64(`axes_${name}`, [0])], `/Unsqueeze_${name}`);
  }

  // Rotary tables [batch, 1, S, d] from position_ids (Llama computes them once per forward pass).
  let cos = '';
  let sin = '';
  if (!gpt2) {
    const invFreq = Array.from({ length: d / 2 }, (_, i) => 1 / Math.pow(config.ropeTheta, (2 * i) / d));
    const pos = add(
      'Unsqueeze',
      [add('Cast', ['position_ids'], '/rotary/Cast', { attributes: { to: DataType.FLOAT } }), int64('axes_rot', [2])],
      '/rotary/Unsqueeze',
    );
    const freqs = add('Mul', [pos, float('inv_freq', invFreq, [d / 2])], '/rotary/Mul');
    const emb = add('Concat', [freqs, freqs], '/rotary/Concat', { attributes: { axis: -1 } });
    const heads1 = int64('axes_heads', [1]);
    cos = add('Unsqueeze', [add('Cos', [emb], '/rotary/Cos'), heads1], '/rotary/Unsqueeze_cos');
    sin = add('Unsqueeze', [add('Sin', [emb], '/rotary/Sin'), heads1], '/rotary/Unsqueeze_sin');
  }
  const rotate = (t: string, name: string) => {
    const half = int64(`${name}_half`, [d / 2]);
    const first = add('Slice', [t, int64(`${name}_s0`, [0]), half, int64(`${name}_ax`, [-1])], `${name}/Slice`);
    const second = add('Slice', [t, half, int64(`${name}_end`, [d]), int64(`${name}_ax2`, [-1])], `${name}/Slice_1`);
    const rotated = add('Concat', [add('Neg', [second], `${name}/Neg`), first], `${name}/Concat`, {
      attributes: { axis: -1 },
    });
    return add(
      'Add',
      [add('Mul', [t, cos], `${name}/Mul`), add('Mul', [rotated, sin], `${name}/Mul_1`)],
      `${name}/Add`,
    );
  };

  const layerNorm = (t: string, prefix: string, gamma: Float32Array, beta: Float32Array) =>
    add(
      'LayerNormalization',
      [t, store.get(`${prefix}.weight`, [h], gamma), store.get(`${prefix}.bias`, [h], beta)],
      `/${prefix.replaceAll('.', '/')}/LayerNormalization`,
      { attributes: { axis: -1, epsilon: { float: 1e-5 } } },
    );
  const rmsNorm = (t: string, prefix: string, gamma: Float32Array) => {
    const weight = store.get(`${prefix}.weight`, [h], gamma);
    const base = `/${prefix.replaceAll('.', '/')}`;
    if (config.rmsNorm === 'op')
      return add('SimplifiedLayerNormalization', [t, weight], `${base}/SimplifiedLayerNormalization`, {
        attributes: { axis: -1, epsilon: { float: config.rmsNormEps } },
      });
    const squared = add('Pow', [t, float(`${prefix}_two`, [2])], `${base}/Pow`);
    const variance = add('ReduceMean', [squared], `${base}/ReduceMean`, { attributes: { axes: [-1], keepdims: 1 } });
    const root = add(
      'Sqrt',
      [add('Add', [variance, float(`${prefix}_eps`, [config.rmsNormEps])], `${base}/Add`)],
      `${base}/Sqrt`,
    );
    const normalized = add('Mul', [t, add('Reciprocal', [root], `${base}/Reciprocal`)], `${base}/Mul`);
    return add('Mul', [weight, normalized], `${base}/Mul_1`);
  };
  /** nn.Linear: MatMul by W [in, out] (+ bias). */
  const linear = (t: string, prefix: string, w: Float32Array, inSize: number, outSize: number, b?: Float32Array) => {
    const product = add(
      'MatMul',
      [t, store.get(`${prefix}.weight`, [inSize, outSize], w)],
      `/${prefix.replaceAll('.', '/')}/MatMul`,
    );
    return b
      ? add('Add', [store.get(`${prefix}.bias`, [outSize], b), product], `/${prefix.replaceAll('.', '/')}/Add`)
      : product;
  };
  /** GPT-2's Conv1D: x.view(-1, in) → addmm (Gemm) → view(*x.shape[:-1], out). */
  const conv1d = (t: string, prefix: string, w: Float32Array, b: Float32Array, inSize: number, outSize: number) => {
    const base = `/${prefix.replaceAll('.', '/')}`;
    const leading = add(
      'Slice',
      [add('Shape', [t], `${base}/Shape`), int64(`${prefix}_s0`, [0]), int64(`${prefix}_s2`, [2])],
      `${base}/Slice`,
    );
    const outShape = add('Concat', [leading, int64(`${prefix}_out`, [outSize])], `${base}/Concat`, {
      attributes: { axis: 0 },
    });
    const flat = add('Reshape', [t, int64(`${prefix}_flat`, [-1, inSize])], `${base}/Reshape`);
    const gemm = add(
      'Gemm',
      [flat, store.get(`${prefix}.weight`, [inSize, outSize], w), store.get(`${prefix}.bias`, [outSize], b)],
      `${base}/Gemm`,
    );
    return add('Reshape', [gemm, outShape], `${base}/Reshape_1`);
  };
  const splitHeads = (t: string, count: number, name: string) =>
    add(
      'Transpose',
      [add('Reshape', [t, int64(`${name}_heads`, [0, 0, count, d])], `${name}/Reshape`)],
      `${name}/Transpose`,
      {
        attributes: { perm: [0, 2, 1, 3] },
      },
    );
  /** K/V [batch, kvHeads, T, d] → [batch, heads, T, d], each kv head serving heads/kvHeads query heads. */
  const repeatKv = (t: string, name: string) => {
    const rep = heads / kvHeads;
    if (rep === 1) return t;
    const expanded5 = add('Unsqueeze', [t, int64(`${name}_ax`, [2])], `${name}/Unsqueeze`);
    let repeated: string;
    if (config.kvRepeat === 'tile') {
      repeated = add('Tile', [expanded5, int64(`${name}_reps`, [1, 1, rep, 1, 1])], `${name}/Tile`);
    } else if (config.kvRepeat === 'concat') {
      repeated = add(
        'Concat',
        Array.from({ length: rep }, () => expanded5),
        `${name}/Concat`,
        { attributes: { axis: 2 } },
      );
    } else {
      const shape = add('Shape', [t], `${name}/Shape`);
      const target = add(
        'Concat',
        [
          add('Slice', [shape, int64(`${name}_a0`, [0]), int64(`${name}_a2`, [2])], `${name}/Slice`),
          int64(`${name}_rep`, [rep]),
          add('Slice', [shape, int64(`${name}_b2`, [2]), int64(`${name}_b4`, [4])], `${name}/Slice_1`),
        ],
        `${name}/Concat`,
        { attributes: { axis: 0 } },
      );
      repeated = add('Expand', [expanded5, target], `${name}/Expand`);
    }
    return add('Reshape', [repeated, int64(`${name}_merged`, [0, heads, -1, d])], `${name}/Reshape`);
  };

  const scale = float('scale', [1 / Math.sqrt(d)]);
  const present: BodyOutputs['present'] = [];
  weights.layers.forEach((layer, l) => {
    const p = gpt2 ? `transformer.h.${l}` : `model.layers.${l}`;
    const path = `/${p.replaceAll('.', '/')}`;
    const normed = gpt2
      ? layerNorm(x, `${p}.ln_1`, layer.norm1, layer.norm1Bias!)
      : rmsNorm(x, `${p}.input_layernorm`, layer.norm1);
    let q: string, k: string, v: string;
    if (gpt2) {
      const qkv = linear(normed, `${p}.attn.c_attn`, layer.qkv!, h, 3 * h, layer.qkvBias!);
      [q, k, v] = g.addNode('Split', [qkv, int64(`${p}_split`, [h, h, h])], {
        name: `${scope}${path}/attn/Split`,
        outputs: 3,
        attributes: { axis: -1 },
      }).output;
      q = splitHeads(q, heads, `${path}/attn/q`);
      k = splitHeads(k, heads, `${path}/attn/k`);
    } else {
      q = rotate(
        splitHeads(linear(normed, `${p}.self_attn.q_proj`, layer.q!, h, heads * d), heads, `${path}/q`),
        `${path}/q_rot`,
      );
      k = rotate(
        splitHeads(linear(normed, `${p}.self_attn.k_proj`, layer.k!, h, kvHeads * d), kvHeads, `${path}/k`),
        `${path}/k_rot`,
      );
      v = linear(normed, `${p}.self_attn.v_proj`, layer.v!, h, kvHeads * d);
    }
    v = splitHeads(v, gpt2 ? heads : kvHeads, `${path}/v`);
    if (inputs.past) {
      k = add('Concat', [inputs.past[l].key, k], `${path}/Concat_k`, { attributes: { axis: 2 } });
      v = add('Concat', [inputs.past[l].value, v], `${path}/Concat_v`, { attributes: { axis: 2 } });
    }
    present.push({ key: k, value: v });
    const kT = add('Transpose', [repeatKv(k, `${path}/repeat_k`)], `${path}/attn/Transpose_k`, {
      attributes: { perm: [0, 1, 3, 2] },
    });
    let scores = add('Mul', [add('MatMul', [q, kT], `${path}/attn/MatMul`), scale], `${path}/attn/Mul`);
    scores = additive
      ? add('Add', [scores, additive], `${path}/attn/Add`)
      : add('Where', [allowed, scores, minValue], `${path}/attn/Where`);
    const probs = add('Softmax', [scores], `${path}/attn/Softmax`, { attributes: { axis: -1 } });
    const context = add('MatMul', [probs, repeatKv(v, `${path}/repeat_v`)], `${path}/attn/MatMul_1`);
    const merged = add(
      'Reshape',
      [
        add('Transpose', [context], `${path}/attn/Transpose`, { attributes: { perm: [0, 2, 1, 3] } }),
        int64(`${p}_merge`, [0, 0, heads * d]),
      ],
      `${path}/attn/Reshape`,
    );
    const attnOut = gpt2
      ? conv1d(merged, `${p}.attn.c_proj`, layer.o, layer.oBias!, heads * d, h)
      : linear(merged, `${p}.self_attn.o_proj`, layer.o, heads * d, h);
    x = add('Add', [x, attnOut], `${path}/Add`);
    let ffn: string;
    if (gpt2) {
      const inner = conv1d(
        layerNorm(x, `${p}.ln_2`, layer.norm2, layer.norm2Bias!),
        `${p}.mlp.c_fc`,
        layer.up,
        layer.upBias!,
        h,
        config.intermediate,
      );
      // gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const cube = add(
        'Mul',
        [float(`${p}_c`, [0.044715]), add('Pow', [inner, float(`${p}_three`, [3])], `${path}/mlp/Pow`)],
        `${path}/mlp/Mul`,
      );
      const tanh = add(
        'Tanh',
        [
          add(
            'Mul',
            [float(`${p}_k`, [Math.sqrt(2 / Math.PI)]), add('Add', [inner, cube], `${path}/mlp/Add`)],
            `${path}/mlp/Mul_1`,
          ),
        ],
        `${path}/mlp/Tanh`,
      );
      const gelu = add(
        'Mul',
        [
          add('Mul', [float(`${p}_half`, [0.5]), inner], `${path}/mlp/Mul_2`),
          add('Add', [float(`${p}_one`, [1]), tanh], `${path}/mlp/Add_1`),
        ],
        `${path}/mlp/Mul_3`,
      );
      ffn = conv1d(gelu, `${p}.mlp.c_proj`, layer.down, layer.downBias!, config.intermediate, h);
    } else {
      const normed2 = rmsNorm(x, `${p}.post_attention_layernorm`, layer.norm2);
      const gate = linear(normed2, `${p}.mlp.gate_proj`, layer.gate!, h, config.intermediate);
      const silu = add('Mul', [gate, add('Sigmoid', [gate], `${path}/mlp/Sigmoid`)], `${path}/mlp/Mul`);
      const up = linear(normed2, `${p}.mlp.up_proj`, layer.up, h, config.intermediate);
      ffn = linear(
        add('Mul', [silu, up], `${path}/mlp/Mul_1`),
        `${p}.mlp.down_proj`,
        layer.down,
        config.intermediate,
        h,
      );
    }
    x = add('Add', [x, ffn], `${path}/Add_1`);
  });
  const final = gpt2
    ? layerNorm(x, 'transformer.ln_f', weights.finalNorm, weights.finalNormBias!)
    : rmsNorm(x, 'model.norm', weights.finalNorm);
  const logits = gpt2
    ? add(
        'MatMul',
        [final, add('Transpose', [wte], '/lm_head/Transpose', { attributes: { perm: [1, 0] } })],
        '/lm_head/MatMul',
      )
    : add('MatMul', [final, store.get('lm_head.weight', [h, vocab], weights.lmHead!)], '/lm_head/MatMul');
  return { logits, present };
}
