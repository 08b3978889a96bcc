// Facts about the default model's ONNX graph that the app relies on (see models/playground-bert-mini/README.md),
// read with a minimal protobuf walk so this test does not depend on the app's own ONNX codec,
// plus one run through onnxruntime-web (Node build) against the PyTorch eager reference outputs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import protobuf from 'protobufjs';
import * as ort from 'onnxruntime-web';

const modelsDir = join(process.cwd(), 'models');
const dir = join(modelsDir, 'playground-bert-mini');
const onnxPath = join(dir, 'onnx', 'model.onnx');
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));

interface Node {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}
interface Graph {
  nodes: Node[];
  initializers: { name: string; dims: number[] }[];
  inputs: string[];
  outputs: string[];
}

/** Fields of a protobuf message as [fieldNumber, wireType, value] (length-delimited values as bytes). */
function fields(buf: Uint8Array): [number, number, Uint8Array | number][] {
  const r = protobuf.Reader.create(buf);
  const out: [number, number, Uint8Array | number][] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const wt = tag & 7;
    if (wt === 2) out.push([f, wt, r.bytes()]);
    else if (wt === 0) out.push([f, wt, Number(r.int64().toString())]);
    else {
      r.skipType(wt);
    }
  }
  return out;
}
const str = (b: Uint8Array) => new TextDecoder().decode(b);

function readGraph(bytes: Uint8Array): Graph {
  const graphBytes = fields(bytes).find(([f]) => f === 7)![2] as Uint8Array;
  const g: Graph = { nodes: [], initializers: [], inputs: [], outputs: [] };
  for (const [f, , v] of fields(graphBytes)) {
    const b = v as Uint8Array;
    if (f === 1) {
      const n: Node = { name: '', opType: '', inputs: [], outputs: [] };
      for (const [nf, , nv] of fields(b)) {
        if (nf === 1) n.inputs.push(str(nv as Uint8Array));
        else if (nf === 2) n.outputs.push(str(nv as Uint8Array));
        else if (nf === 3) n.name = str(nv as Uint8Array);
        else if (nf === 4) n.opType = str(nv as Uint8Array);
      }
      g.nodes.push(n);
    } else if (f === 5) {
      const init = { name: '', dims: [] as number[] };
      for (const [tf, wt, tv] of fields(b)) {
        if (tf === 8) init.name = str(tv as Uint8Array);
        else if (tf === 1 && wt === 0) init.dims.push(tv as number);
        else if (tf === 1 && wt === 2) {
          const r = protobuf.Reader.create(tv as Uint8Array);
          while (r.pos < r.len) init.dims.push(Number(r.int64().toString()));
        }
      }
      g.initializers.push(init);
    } else if (f === 11 || f === 12) {
      const name = str(fields(b).find(([vf]) => vf === 1)![2] as Uint8Array);
      (f === 11 ? g.inputs : g.outputs).push(name);
    }
  }
  return g;
}

/** Bytes of the files under models/ that would ship (tracked or not ignored: models/forge/work is scratch). */
function shippedSize(p: string): number {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', p], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((e) => {
        const q = join(d, e);
        if (e === 'work' || e === '__pycache__' || e === 'node_modules') return [];
        return statSync(q).isDirectory() ? walk(q) : [q];
      });
    files = walk(p);
  }
  return files.reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0);
}

describe('default model files and ONNX graph', () => {
  const bytes = new Uint8Array(readFileSync(onnxPath));
  const graph = readGraph(bytes);

  // Each built-in model stays small enough to precache on a first visit (issue budget: 20 MB a folder, reference
  // outputs included); the whole folder, two built-ins and the forge's scripts, stays within 30 MB of the repository.
  it('keeps each built-in model within 20 MB and everything under models/ within 30 MB', () => {
    const builtIns = readdirSync(modelsDir).filter((name) => existsSync(join(modelsDir, name, 'onnx')));
    expect(builtIns).toEqual(expect.arrayContaining(['playground-bert-mini', 'playground-gpt-mini']));
    for (const name of builtIns) expect(shippedSize(join(modelsDir, name))).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(shippedSize(modelsDir)).toBeLessThanOrEqual(30 * 1024 * 1024);
  });

  it('has the agreed inputs and outputs in order', () => {
    expect(graph.inputs).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(graph.outputs).toEqual(['logits', 'last_hidden_state', 'classifier_logits']);
  });

  it('has exactly one attention Softmax per layer and no Dropout', () => {
    const softmax = graph.nodes.filter((n) => n.opType === 'Softmax');
    expect(softmax.length).toBe(config.num_hidden_layers);
    softmax.forEach((n, i) => expect(n.name).toBe(`/layers.${i}/attention/Softmax`));
    expect(graph.nodes.filter((n) => n.opType === 'Dropout')).toEqual([]);
  });

  it('stores the word embeddings once, used by a Gather on input_ids and by the MLM decoder', () => {
    const emb = graph.initializers.filter((t) => t.dims.join() === `${config.vocab_size},${config.hidden_size}`);
    expect(emb.length).toBe(1);
    const users = graph.nodes.filter((n) => n.inputs.includes(emb[0].name));
    expect(users.some((n) => n.opType === 'Gather' && n.inputs[0] === emb[0].name && n.inputs[1] === 'input_ids')).toBe(
      true,
    );
    expect(users.some((n) => ['Transpose', 'MatMul', 'Gemm'].includes(n.opType))).toBe(true);
  });

  it('has labels in config.json', () => {
    const labels = Object.values(config.id2label) as string[];
    expect(labels.length).toBeGreaterThanOrEqual(6);
    labels.forEach((l, i) => expect(config.label2id[l]).toBe(i));
  });

  it('matches the PyTorch eager reference in onnxruntime-web', async () => {
    const ref = JSON.parse(readFileSync(join(dir, 'reference', 'reference.json'), 'utf8'));
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map((x) => BigInt(x))), [1, a.length]);
    for (const c of ref.cases) {
      const out = await session.run({
        input_ids: i64(c.input_ids),
        attention_mask: i64(c.attention_mask),
        token_type_ids: i64(c.token_type_ids),
      });
      expect(out.last_hidden_state.dims).toEqual([1, c.input_ids.length, config.hidden_size]);
      expect(out.logits.dims).toEqual([1, c.input_ids.length, config.vocab_size]);
      const h = out.last_hidden_state.data as Float32Array;
      let maxDiff = 0;
      (c.last_hidden_state.data as number[]).forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - h[i]));
      });
      expect(maxDiff).toBeLessThan(1e-4);
      const logits = Array.from(out.classifier_logits.data as Float32Array);
      const m = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, i) => expect(Math.abs(v / s - c.classifier_probs[i])).toBeLessThan(1e-4));
    }
    await session.release();
  });
});
