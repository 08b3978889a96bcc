/**
 * The real-size model's memory in Chromium: the built app (BENCH_DIST, default bench/.build/dist) loads
 * the BERT-base-shaped model by folder URL from a local host, then attention (128 tokens), MC dropout
 * (fill-mask, T = 32) and an analogy query (token and contextual spaces) are used once each through the
 * UI. Memory is the resident set (VmRSS in /proc) of Chromium's renderer processes, where the page and
 * its worker (onnxruntime's heap included) live, sampled every 250 ms: after each step and the peak.
 * Linux only. Run: `npx tsx bench/real-size-browser-memory.ts` (after `npx vite build --outDir …`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { preview } from 'vite';
import { FakeModelHost, launchChromium, repoRoot } from '../tests/e2e/harness';
import { BERT_BASE_DIR, BERT_BASE_ONNX, ensureBertBaseModel } from './bert-base-model';

const MB = 1e6;
const DIST = path.resolve(repoRoot, process.env.BENCH_DIST ?? path.join('bench', '.build', 'dist'));
const REPO = 'bench/bert-base-shaped';

/** Resident bytes of every process below `root` whose command line says it is a renderer. */
function rendererRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0;
  const pending = [...(children.get(root) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    pending.push(...(children.get(pid) ?? []));
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (kb) total += Number(kb[1]) * 1024;
    } catch {
      // Gone.
    }
  }
  return total;
}

ensureBertBaseModel();
const host = new FakeModelHost();
for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'])
  host.put(REPO, file, new Uint8Array(readFileSync(path.join(BERT_BASE_DIR, file))));
await host.start();
const server = await preview({
  root: repoRoot,
  build: { outDir: DIST },
  preview: { port: 0, host: '127.0.0.1', open: false },
  logLevel: 'error',
});
const appUrl = server.resolvedUrls!.local[0];
const { browser, close } = await launchChromium();
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rendererRss(process.pid))), 250);
const steps: { step: string; rendererMB: number; peakMB: number; ms: number }[] = [];
let last = performance.now();
const record = (step: string) => {
  const now = rendererRss(process.pid);
  peak = Math.max(peak, now);
  steps.push({
    step,
    rendererMB: Math.round(now / MB),
    peakMB: Math.round(peak / MB),
    ms: Math.round(performance.now() - last),
  });
  console.error(JSON.stringify(steps.at(-1)));
  last = performance.now();
};
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(appUrl);
  await page.getByTestId('model-ready').waitFor({ state: 'visible', timeout: 300_000 });
  record('built-in model ready');
  const folder = `${host.url}/${REPO}/resolve/main/`;
  await page.getByRole('radiogroup', { name: 'Model source' }).getByText('URL', { exact: true }).click();
  await page.getByTestId('folder-url').fill(folder);
  await page.getByTestId('load-model').click();
  await page.getByTestId('model-status').getByText(folder).waitFor({ timeout: 900_000 });
  await page.getByTestId('model-ready').waitFor({ state: 'visible', timeout: 900_000 });
  record('load');
  const words = 'the old dog and the young cat sat on a warm mat near the door of the small house by the river';
  const text = `${words} ${words} ${words} ${words} ${words} ${words}`; // 126 words, about 128 tokens
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('attention-text').fill(`${text} queen`);
  await page.getByTestId('attention-tokens').getByText('queen', { exact: true }).waitFor({ timeout: 600_000 });
  record('attention (about 128 tokens)');
  await page.getByTestId('tab-uncertainty').click();
  await page.getByTestId('mc-task-fill-mask').check();
  await page.getByTestId('mc-text').fill(text.replace(' dog ', ' [MASK] '));
  await page.getByTestId('mc-samples').fill('32');
  await page.getByTestId('mc-samples').press('Tab');
  await page.getByTestId('mc-run').click();
  await page
    .getByTestId('mc-run-info')
    .filter({ hasText: /T = 32/ })
    .waitFor({ timeout: 1_800_000 });
  record('MC dropout (fill-mask, T = 32)');
  await page.getByTestId('tab-analogy').click();
  await page.getByTestId('analogy-a').fill('man');
  await page.getByTestId('analogy-b').fill('woman');
  await page.getByTestId('analogy-c').fill('king');
  await page.getByTestId('analogy-space-contextual').check();
  await page.getByTestId('analogy-run').click();
  await page
    .getByTestId('analogy-result-contextual')
    .locator('[data-testid="analogy-candidates"] li')
    .first()
    .waitFor({ timeout: 900_000 });
  record('analogy (token and contextual spaces)');
} finally {
  clearInterval(sampler);
  await close();
  await server.close();
  await host.stop();
}
console.log(JSON.stringify({ fileMB: Math.round(statSync(BERT_BASE_ONNX).size / MB), steps }));
process.exit(0);
