/**
 * Word analogies (src/core/analogy):
 *  1. One query over a 30,522 × 768 matrix (BERT-base size, random normal data), timed inside a Node
 *     worker_thread running the same core code as the browser worker. Target: 3CosAdd under 20 ms.
 *     "all rows" scores every row (whole-words filter off); "BERT-like" labels ~22% of the rows as word pieces /
 *     unused tokens (BERT-base-uncased has 5,828 ## pieces and 994 [unused] rows of 30,522), which the default
 *     whole-words rule lets the search skip.
 *  2. Evaluating 1,000 questions over the default model's token vocabulary (8,000 × 128, read from the ONNX file):
 *     the blocked evaluation (questions in blocks of 64, both methods in one pass over E) and, for comparison,
 *     the same questions asked one at a time through solveAnalogy. Questions: the example file's questions whose
 *     four words are single vocabulary entries, cycled to 1,000.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  evaluateAnalogies,
  fromTokenEmbeddings,
  isWholeWordToken,
  parseAnalogyFile,
  solveAnalogy,
  type AnalogyFile,
  type AnalogyMethod,
} from '../../src/core/analogy';
import { ModelTokenizer } from '../../src/core/model/tokenizer';
import { decodeModel, readTokenEmbeddings } from '../../src/core/onnx';
import { MIN_REPEATS, summarize, timeMs, type BenchSuite, type Figure } from '../harness';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const MODEL_DIR = path.join(repoRoot, 'models', 'playground-bert-mini');
const QUESTIONS = 1000;

function querySamples(job: object): Promise<{ results: Record<string, number[]>; wholeShare: number; wasm: boolean }> {
  return new Promise((resolve, reject) => {
    // A TypeScript worker under tsx: register tsx's loader inside the thread, then import the script.
    const script = new URL('../analogy-query-worker.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(script)}, ${JSON.stringify(import.meta.url)}));`;
    const worker = new Worker(bootstrap, { eval: true, workerData: job });
    worker.once('message', (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

export async function run(): Promise<BenchSuite> {
  const figures: Figure[] = [];
  const V = 30_522,
    D = 768;
  const { results, wholeShare, wasm } = await querySamples({
    V,
    D,
    pieceShare: (5828 + 994 + 5) / V,
    repeats: 21,
    warmup: 3,
    cases: [
      { name: '3CosAdd, all rows', method: '3CosAdd', wholeWordsOnly: false },
      { name: '3CosAdd, BERT-like whole words (default)', method: '3CosAdd', wholeWordsOnly: true },
      { name: '3CosMul, all rows', method: '3CosMul', wholeWordsOnly: false },
      { name: '3CosMul, BERT-like whole words (default)', method: '3CosMul', wholeWordsOnly: true },
    ],
  });
  for (const [name, samples] of Object.entries(results)) {
    const ratio = name.includes(': ratio ');
    const current = name.startsWith('3CosAdd') && !ratio && !name.includes('previous');
    figures.push(
      summarize(`one query ${V}×${D} in a worker thread: ${name}`, ratio ? 'ratio' : 'ms', samples, {
        V,
        D,
        wholeShare: Number(wholeShare.toFixed(3)),
        wasmSimd: wasm,
        targetMs: current ? 20 : null,
      }),
    );
  }

  // Evaluation over the default model's vocabulary.
  const model = decodeModel(new Uint8Array(readFileSync(path.join(MODEL_DIR, 'onnx', 'model.onnx'))));
  const tokenizer = new ModelTokenizer(
    readFileSync(path.join(MODEL_DIR, 'tokenizer.json'), 'utf8'),
    readFileSync(path.join(MODEL_DIR, 'tokenizer_config.json'), 'utf8'),
  );
  const embeddings = readTokenEmbeddings(model);
  const vocabulary = Array.from({ length: embeddings.vocabSize }, (_, id) => tokenizer.idToToken(id));
  const space = fromTokenEmbeddings(embeddings.data, vocabulary);
  void isWholeWordToken;
  const example = parseAnalogyFile(readFileSync(path.join(repoRoot, 'public', 'examples', 'analogies.txt'), 'utf8'));
  const covered = example.sections.flatMap((s) =>
    s.questions
      .filter((q) => [q.a, q.b, q.c, q.d].every((w) => space.index.has(w)))
      .map((q) => ({ ...q, section: s.name })),
  );
  const questions = Array.from({ length: QUESTIONS }, (_, i) => covered[i % covered.length]);
  const bySection = new Map<string, typeof questions>();
  for (const q of questions) bySection.set(q.section, [...(bySection.get(q.section) ?? []), q]);
  const file: AnalogyFile = {
    sections: [...bySection].map(([name, qs]) => ({ name, questions: qs })),
    questionCount: QUESTIONS,
  };

  const repeats = MIN_REPEATS;
  const evalCase = async (methods: AnalogyMethod[]) => {
    await evaluateAnalogies(space, file, { methods });
    const samples: number[] = [];
    for (let i = 0; i < repeats; i++) samples.push(await timeMs(() => evaluateAnalogies(space, file, { methods })));
    return samples.map((ms) => QUESTIONS / (ms / 1000));
  };
  const oneAtATime = (methods: AnalogyMethod[]) => {
    const samples: number[] = [];
    for (let i = 0; i < MIN_REPEATS; i++) {
      const start = performance.now();
      for (const q of questions) for (const method of methods) solveAnalogy(space, q.a, q.b, q.c, { method, k: 1 });
      samples.push(QUESTIONS / ((performance.now() - start) / 1000));
    }
    return samples;
  };
  const details = {
    vocabulary: space.size,
    dim: space.dim,
    questions: QUESTIONS,
    distinctQuestions: covered.length,
    blockSize: 64,
  };
  figures.push(
    summarize(
      `evaluate ${QUESTIONS} questions, ${space.size}×${space.dim} token space, blocked: 3CosAdd + 3CosMul`,
      'q/s',
      await evalCase(['3CosAdd', '3CosMul']),
      details,
    ),
  );
  figures.push(
    summarize(`evaluate ${QUESTIONS} questions, blocked: 3CosAdd only`, 'q/s', await evalCase(['3CosAdd']), details),
  );
  figures.push(
    summarize(
      `evaluate ${QUESTIONS} questions, one query at a time (solveAnalogy): 3CosAdd + 3CosMul`,
      'q/s',
      oneAtATime(['3CosAdd', '3CosMul']),
      details,
    ),
  );

  return {
    name: 'analogy',
    figures,
    notes: [
      'Single queries run in a Node worker_thread (node:worker_threads) with the same src/core/analogy code as the browser worker; random normal data, rows L2-normalised at build time (not timed).',
      'Times include the whole solveAnalogy call: resolving the words, the pass over E, top-k and the would-be ranks of the three query words.',
      'The pass over E runs the WebAssembly SIMD kernels (src/core/analogy/wasm-dot.ts) when the matrix lives in wasm memory; "previous JS kernel" asks the same query of the plain-JS kernels on the same matrix, alternately just before or just after, and must return the same candidates.',
      'Evaluation timings are in the main Node thread (evaluateAnalogies, blocks of 64 questions, E streamed once per block).',
      `Questions for the evaluation: ${covered.length} single-token questions of public/examples/analogies.txt, cycled to ${QUESTIONS}.`,
    ],
  };
}
