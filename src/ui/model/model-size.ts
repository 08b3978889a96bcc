/**
 * One measure for a model's size everywhere: the download of its model files (.onnx with any external
 * data, tokenizer and config files), in decimal units. A built-in model's static word vectors are a
 * separate download (the analogy tool fetches them) and are named as such.
 */
import type { EmbeddedModelEntry } from '../../state/model-store.svelte';
import { formatBytes } from '../common/format';

const WORD_VECTOR_FILES = /^static-vectors\//;

export function embeddedSizes(entry: EmbeddedModelEntry): { modelBytes: number; vectorBytes: number } {
  if (!entry.files) return { modelBytes: entry.bytes, vectorBytes: 0 };
  const vectorBytes = entry.files.filter((f) => WORD_VECTOR_FILES.test(f.file)).reduce((sum, f) => sum + f.bytes, 0);
  return { modelBytes: entry.bytes - vectorBytes, vectorBytes };
}

/** "7.7 MB model files, + 5.2 MB word vectors" for the built-in model list. */
export function embeddedSizeLabel(entry: EmbeddedModelEntry): string {
  const { modelBytes, vectorBytes } = embeddedSizes(entry);
  return `${formatBytes(modelBytes)} model files${vectorBytes > 0 ? `, + ${formatBytes(vectorBytes)} word vectors` : ''}`;
}

/** The loaded model's size, in the same measure. */
export function modelSizeLabel(bytes: number): string {
  return `${formatBytes(bytes)} model files`;
}
