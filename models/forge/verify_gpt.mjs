// Run the exported decoder with onnxruntime-web (its Node build) on every case of reference/reference.json and
// compare logits and the prefix's presents with the PyTorch eager outputs stored there; a case with a past is
// fed the presents of our own ONNX run over its prefix and must equal the run without a past (same_as).
// Attention and hidden states are compared by tests/integration/decoder-reference.test.ts on the shipped model.
// usage: node verify_gpt.mjs <model dir>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
// resolved from this file upward: the repository's own node_modules, wherever it is cloned
const require = createRequire(import.meta.url);
const ort = await import(require.resolve('onnxruntime-web'));
ort.env.wasm.numThreads = 1;
const dir = process.argv[2];
const ref = JSON.parse(readFileSync(join(dir, 'reference', 'reference.json'), 'utf8'));
const blobBytes = readFileSync(join(dir, 'reference', 'logits.f32'));
const blob = new Float32Array(blobBytes.buffer.slice(blobBytes.byteOffset, blobBytes.byteOffset + blobBytes.byteLength));
const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const session = await ort.InferenceSession.create(readFileSync(join(dir, 'onnx', 'model.onnx')), { executionProviders: ['wasm'] });
const L = cfg.n_layer, H = cfg.n_head, D = cfg.n_embd / cfg.n_head, V = cfg.vocab_size;
const pastNames = Array.from({ length: L }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
const presentNames = Array.from({ length: L }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
const i64 = (rows) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
const maxDiff = (a, b) => { if (a.length !== b.length) return Infinity; let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };
async function run(ids, mask, pos, past, pastLen) {
  const feeds = { input_ids: i64(ids), attention_mask: i64(mask), position_ids: i64(pos) };
  pastNames.forEach((n, i) => { feeds[n] = new ort.Tensor('float32', past ? past[i] : new Float32Array(0), [ids.length, H, pastLen, D]); });
  return session.run(feeds);
}
let worst = 0;
const report = [];
const logitsOf = {};
for (const c of ref.cases) {
  let past = null, dp = 0;
  if (c.past_length) {
    const p = c.past_input_ids;
    const out = await run(p, p.map((r) => r.map(() => 1)), p.map((r) => r.map((_, j) => j)), null, 0);
    past = presentNames.map((n) => out[n].data);
    past.forEach((t, i) => { dp = Math.max(dp, maxDiff(t, c.past_key_values[i].data)); });
  }
  const out = await run(c.input_ids, c.attention_mask, c.position_ids, past, c.past_length);
  const size = c.logits.shape.reduce((a, b) => a * b, 1);
  const lg = out.logits.data;
  const dl = maxDiff(lg, blob.subarray(c.logits.offset_floats, c.logits.offset_floats + size));
  logitsOf[c.name] = lg;
  let ds = 0;
  if (c.same_as) {
    const full = logitsOf[c.same_as];
    ds = maxDiff(lg, full.subarray(full.length - lg.length));
  }
  worst = Math.max(worst, dl, dp, ds);
  report.push({ name: c.name, past: c.past_length, maxAbsLogits: dl, maxAbsPastPresents: dp, maxAbsVsNoPast: ds });
}
console.log(JSON.stringify({ inputs: session.inputNames, outputs: session.outputNames, cases: report, worst }));
process.exit(worst < 1e-4 ? 0 : 1);
