/**
 * The BERT-base-shaped model the real-size suite measures: 12 layers × 768 hidden × 12 heads, 3072
 * intermediate, 512 positions and a 30 522-row word table (BERT-base's vocabulary size), fp32 with
 * seeded random weights (tests/helpers/tiny-transformer.ts). Built once into bench/.cache/ (gitignored,
 * never committed) and laid out like a Hugging Face repo; later runs reuse the folder.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeTinyModelFolder } from '../tests/helpers/tiny-transformer';

export const BERT_BASE_SHAPE = {
  layers: 12,
  heads: 12,
  hidden: 768,
  intermediate: 3072,
  maxPositions: 512,
  vocabSize: 30522,
  seed: 20,
} as const;

export const BERT_BASE_DIR = path.resolve(import.meta.dirname, '.cache', 'bert-base-shaped');
export const BERT_BASE_ONNX = path.join(BERT_BASE_DIR, 'onnx', 'model.onnx');

/** The folder with the model, built first when it is missing (about half a minute and 1.5 GB of memory). */
export function ensureBertBaseModel(): string {
  if (existsSync(BERT_BASE_ONNX)) return BERT_BASE_DIR;
  // Built beside and renamed, so an interrupted build never leaves a folder that looks complete.
  const partial = `${BERT_BASE_DIR}.partial`;
  rmSync(partial, { recursive: true, force: true });
  writeTinyModelFolder(partial, BERT_BASE_SHAPE);
  renameSync(partial, BERT_BASE_DIR);
  return BERT_BASE_DIR;
}
