/**
 * The built-in decoder (playground-gpt-mini) run through plain onnxruntime-web sessions matches PyTorch.
 *
 * The app's engine does not load decoders yet, so this drives the shipped ONNX directly in the Hugging Face /
 * optimum decoder layout: input_ids, attention_mask (past + new), position_ids, past_key_values.{i}.key/.value in;
 * logits, present.{i}.key/.value out. Attention probabilities and hidden states are read by adding the
 * /h.N/attn/Softmax outputs and the hidden-state tensors named in reference.json as extra graph outputs.
 * Reference: models/playground-gpt-mini/reference/ (written by models/forge/export_gpt.py).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeValueInfo } from '../../src/core/onnx/builder';
import { decodeModel, encodeModel } from '../../src/core/onnx/codec';
import { createSession, int64Tensor, ort, type Feeds } from '../helpers/onnx-runtime';
import { repoRoot } from './disk-fetch';

const MODEL = 'playground-gpt-mini';
const dir = path.join(repoRoot, 'models', MODEL);
const TOLERANCE = 1e-4;

interface Flat {
  shape: number[];
  data: number[];
}
interface ReferenceCase {
  name: string;
  text?: string;
  texts?: string[];
  tokens: string[] | string[][];
  full_input_ids?: number[];
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  past_length: number;
  prefix_tokens?: number;
  past_input_ids?: number[][];
  past_key_values?: Flat[];
  same_as?: string;
  logits: { shape: number[]; offset_floats: number };
  attentions: Flat;
  hidden_states: Flat;
  next_token_top10: { ids: number[]; tokens: string[]; probs: number[] };
}
interface Reference {
  hidden_state_tensors: string[];
  softmax_nodes: string[];
  cases: ReferenceCase[];
}

const reference = JSON.parse(readFileSync(path.join(dir, 'reference', 'reference.json'), 'utf8')) as Reference;
const logitsBlob = (() => {
  const bytes = readFileSync(path.join(dir, 'reference', 'logits.f32'));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
})();
const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<
  string,
  number | string | boolean
>;
const modelBytes = new Uint8Array(readFileSync(path.join(dir, 'onnx', 'model.onnx')));
const layers = Number(config.n_layer);
const heads = Number(config.n_head);
const headDim = Number(config.n_embd) / heads;
const vocab = Number(config.vocab_size);

const pastNames = Array.from({ length: layers }, (_, i) => [
  `past_key_values.${i}.key`,
  `past_key_values.${i}.value`,
]).flat();
const presentNames = Array.from({ length: layers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function referenceLogits(c: ReferenceCase): Float32Array {
  const size = c.logits.shape.reduce((a, b) => a * b, 1);
  return logitsBlob.subarray(c.logits.offset_floats, c.logits.offset_floats + size);
}

/** The shipped graph with every attention Softmax and hidden-state tensor added as a graph output. */
function withProbes(bytes: Uint8Array): { bytes: Uint8Array; softmaxOutputs: string[] } {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const softmaxOutputs = reference.softmax_nodes.map((name) => {
    const node = graph.node!.find((n) => n.name === name);
    expect(node, name).toBeDefined();
    expect(node!.opType).toBe('Softmax');
    return node!.output[0];
  });
  for (const name of [...softmaxOutputs, ...reference.hidden_state_tensors]) graph.output!.push(makeValueInfo(name, 1));
  return { bytes: encodeModel(model), softmaxOutputs };
}

function pastFeeds(batch: number, past: Float32Array[] | null, pastLength: number): Feeds {
  const feeds: Feeds = {};
  pastNames.forEach((name, i) => {
    feeds[name] = new ort.Tensor('float32', past ? past[i] : new Float32Array(0), [batch, heads, pastLength, headDim]);
  });
  return feeds;
}

describe(`the built-in decoder (${MODEL}) through plain onnxruntime-web sessions matches PyTorch`, () => {
  let plain: ort.InferenceSession;
  let probed: ort.InferenceSession;
  let softmaxOutputs: string[];
  const results = new Map<string, { logits: Float32Array; presents: Float32Array[] }>();

  beforeAll(async () => {
    plain = await createSession(modelBytes);
    const p = withProbes(modelBytes);
    softmaxOutputs = p.softmaxOutputs;
    probed = await createSession(p.bytes);
  });

  it('has the Hugging Face decoder layout and GPT-2 config names', () => {
    expect(plain.inputNames).toEqual(['input_ids', 'attention_mask', 'position_ids', ...pastNames]);
    expect(plain.outputNames).toEqual(['logits', ...presentNames]);
    expect(reference.softmax_nodes).toEqual(Array.from({ length: layers }, (_, i) => `/h.${i}/attn/Softmax`));
    expect(config.model_type).toBe('gpt2');
    for (const key of [
      'n_layer',
      'n_head',
      'n_embd',
      'n_positions',
      'vocab_size',
      'attn_pdrop',
      'resid_pdrop',
      'embd_pdrop',
      'bos_token_id',
      'eos_token_id',
      'layer_norm_epsilon',
    ]) {
      expect(typeof config[key], key).toBe('number');
    }
    for (const key of ['attn_pdrop', 'resid_pdrop', 'embd_pdrop']) expect(config[key]).toBeGreaterThan(0);
  });

  it('fits the size budget (at most 20 MB for the whole folder)', () => {
    const sizeOf = (p: string): number =>
      statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + sizeOf(path.join(p, f)), 0) : statSync(p).size;
    expect(sizeOf(dir)).toBeLessThanOrEqual(20 * 1024 * 1024);
  });

  for (const c of reference.cases) {
    it(`case "${c.name}": logits, attention and hidden states${c.past_length ? ` with a past of ${c.past_length} tokens` : ''}`, async () => {
      const batch = c.input_ids.length;
      let past: Float32Array[] | null = null;
      if (c.past_length) {
        // the past comes from our own ONNX run over the prefix, as a generation loop would do it
        const prefix = await plain.run({
          input_ids: int64Tensor(c.past_input_ids!),
          attention_mask: int64Tensor(c.past_input_ids!.map((row) => row.map(() => 1))),
          position_ids: int64Tensor(c.past_input_ids!.map((row) => row.map((_, j) => j))),
          ...pastFeeds(batch, null, 0),
        });
        past = presentNames.map((name) => prefix[name].data as Float32Array);
        presentNames.forEach((name, i) => {
          expect(prefix[name].dims).toEqual([batch, heads, c.past_length, headDim]);
          expect(maxAbsDiff(past![i], c.past_key_values![i].data), `${name} of the prefix`).toBeLessThan(TOLERANCE);
        });
      }
      const out = await probed.run({
        input_ids: int64Tensor(c.input_ids),
        attention_mask: int64Tensor(c.attention_mask),
        position_ids: int64Tensor(c.position_ids),
        ...pastFeeds(batch, past, c.past_length),
      });
      const seq = c.input_ids[0].length;
      expect(out.logits.dims).toEqual([batch, seq, vocab]);
      const logits = out.logits.data as Float32Array;
      expect(maxAbsDiff(logits, referenceLogits(c)), 'logits').toBeLessThan(TOLERANCE);

      // attention probabilities [batch, heads, seq, past + seq] per layer -> [batch, layers, heads, seq, past + seq]
      const total = c.past_length + seq;
      const att = new Float32Array(batch * layers * heads * seq * total);
      softmaxOutputs.forEach((name, layer) => {
        const t = out[name];
        expect(t.dims).toEqual([batch, heads, seq, total]);
        const data = t.data as Float32Array;
        const block = heads * seq * total;
        for (let b = 0; b < batch; b++)
          att.set(data.subarray(b * block, (b + 1) * block), (b * layers + layer) * block);
      });
      expect(c.attentions.shape).toEqual([batch, layers, heads, seq, total]);
      expect(maxAbsDiff(att, c.attentions.data), 'attentions').toBeLessThan(TOLERANCE);
      // causal: every row sums to 1, and every row of a real (unpadded) token is exactly 0 above the diagonal.
      // A padding token's own row is all masked values, as in Hugging Face's GPT-2, so it is uniform; no real
      // token reads it.
      for (let r = 0; r < batch * layers * heads * seq; r++) {
        const q = r % seq;
        const b = Math.floor(r / (layers * heads * seq));
        const real = c.attention_mask[b][c.past_length + q] === 1;
        let sum = 0;
        for (let k = 0; k < total; k++) {
          const v = att[r * total + k];
          sum += v;
          if (real && k > c.past_length + q) expect(v).toBe(0);
          if (real && c.attention_mask[b][k] === 0) expect(v).toBe(0);
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }

      const hidden = Number(config.n_embd);
      const states = new Float32Array(batch * (layers + 1) * seq * hidden);
      reference.hidden_state_tensors.forEach((name, i) => {
        const data = out[name].data as Float32Array;
        expect(out[name].dims).toEqual([batch, seq, hidden]);
        for (let b = 0; b < batch; b++)
          states.set(data.subarray(b * seq * hidden, (b + 1) * seq * hidden), (b * (layers + 1) + i) * seq * hidden);
      });
      expect(maxAbsDiff(states, c.hidden_states.data), 'hidden states').toBeLessThan(TOLERANCE);

      // next-token top-10 at the last position of row 0
      const last = Array.from(logits.subarray((seq - 1) * vocab, seq * vocab));
      const top = last
        .map((v, id) => [v, id] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 5)
        .map(([, id]) => id);
      expect(top).toEqual(c.next_token_top10.ids.slice(0, 5));
      results.set(c.name, { logits, presents: presentNames.map((name) => out[name].data as Float32Array) });
      for (const t of Object.values(out)) t.dispose();
    });
  }

  for (const c of reference.cases.filter((x) => x.same_as)) {
    it(`case "${c.name}": the run with a past of ${c.past_length} tokens equals the run without one ("${c.same_as}")`, () => {
      const withPast = results.get(c.name);
      const without = results.get(c.same_as!);
      expect(withPast && without, 'both cases ran').toBeTruthy();
      const seq = c.input_ids[0].length;
      const full = without!.logits;
      const tail = full.subarray(full.length - seq * vocab);
      expect(maxAbsDiff(withPast!.logits, tail)).toBeLessThan(TOLERANCE);
      // the presents of the run with a past are the presents of the full run
      presentNames.forEach((_, i) =>
        expect(maxAbsDiff(withPast!.presents[i], without!.presents[i])).toBeLessThan(TOLERANCE),
      );
    });
  }

  it('@huggingface/tokenizers encodes like the forge (BOS added, literal <|endoftext|> kept) and decodes back', () => {
    const tokenizerJson = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as object;
    const tokenizerConfig = JSON.parse(readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const tok = new Tokenizer(tokenizerJson, tokenizerConfig);
    expect(tokenizerConfig.add_bos_token).toBe(true);
    const bos = Number(config.bos_token_id);
    for (const c of reference.cases.filter((x) => x.text)) {
      const e = tok.encode(c.text!);
      expect(e.ids, c.name).toEqual(c.full_input_ids);
      expect(e.ids[0]).toBe(bos);
      expect(e.tokens).toEqual(c.tokens);
      expect(tok.decode(e.ids.slice(1))).toBe(c.text);
    }
    for (const c of reference.cases.filter((x) => x.texts)) {
      c.texts!.forEach((text, row) => {
        const ids = tok.encode(text).ids;
        expect(c.input_ids[row].slice(c.input_ids[row].length - ids.length)).toEqual(ids);
      });
    }
    const literal = tok.encode("It's a test<|endoftext|>\n  of  spaces");
    expect(literal.ids.filter((id) => id === bos)).toHaveLength(2);
    expect(tok.decode(literal.ids.slice(1))).toBe("It's a test<|endoftext|>\n  of  spaces");
  });
});
