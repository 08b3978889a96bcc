// Run the exported ONNX model with onnxruntime-web (its Node build) on every case of
// reference/reference.json and compare with the PyTorch eager outputs stored there.
// Also promotes nothing: attention is checked by the app's own tests; here we compare
// last_hidden_state, classifier probabilities and the MLM top-10 at the masked position.
// usage: node verify_onnx.mjs <model dir>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
// resolved from this file upward: the repository's own node_modules, wherever it is cloned
const require = createRequire(import.meta.url);
const ort = await import(require.resolve('onnxruntime-web'));
ort.env.wasm.numThreads = 1;
const dir = process.argv[2];
const ref = JSON.parse(readFileSync(join(dir, 'reference', 'reference.json'), 'utf8'));
const bytes = readFileSync(join(dir, 'onnx', 'model.onnx'));
const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
const i64 = (a) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
let worst = 0;
const report = [];
for (const c of ref.cases) {
  const out = await session.run({ input_ids: i64(c.input_ids), attention_mask: i64(c.attention_mask), token_type_ids: i64(c.token_type_ids) });
  const h = out.last_hidden_state.data;
  let dh = 0;
  c.last_hidden_state.data.forEach((v, i) => { dh = Math.max(dh, Math.abs(v - h[i])); });
  const cl = Array.from(out.classifier_logits.data);
  const m = Math.max(...cl); const ex = cl.map((v) => Math.exp(v - m)); const s = ex.reduce((a, b) => a + b, 0);
  let dc = 0;
  ex.forEach((v, i) => { dc = Math.max(dc, Math.abs(v / s - c.classifier_probs[i])); });
  let topOk = true;
  if (c.mlm) {
    const V = out.logits.dims[2]; const p = c.mlm.masked_position;
    const row = Array.from(out.logits.data.slice(p * V, (p + 1) * V));
    const top = row.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, 10).map((x) => x[1]);
    topOk = JSON.stringify(top.slice(0, 5)) === JSON.stringify(c.mlm.top10_ids.slice(0, 5));
  }
  worst = Math.max(worst, dh, dc);
  report.push({ name: c.name, maxAbsHidden: dh, maxAbsClassifierProb: dc, mlmTop5Same: topOk });
  if (!topOk) worst = Infinity;
}
console.log(JSON.stringify({ outputs: session.outputNames, inputs: session.inputNames, cases: report, worst }));
process.exit(worst < 1e-4 ? 0 : 1);
