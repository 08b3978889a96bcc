/**
 * What every tool shares about the loaded model: its summary for the page and which tools it supports.
 * Types and constants only (no runtime imports), so every layer can import it.
 */
import type { ExecutionProviderName } from '../runtime/execution-provider';

export interface CapabilityStatus {
  available: boolean;
  /** Plain words: why it is unavailable, or what it uses. */
  reason: string;
}

/** The tools that run on a model, in tab order. */
export const TOOL_NAMES = ['attention', 'uncertainty', 'analogy', 'labels'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** A loaded decoder: which export layout it came in and what its runs feed. */
export interface DecoderInfo {
  /** 'no-cache' (input_ids, attention_mask, position_ids → logits), 'cache' (past_key_values inputs), 'merged' (If on use_cache_branch). */
  layout: 'no-cache' | 'cache' | 'merged';
  /** The .onnx loaded (onnx/model.onnx, onnx/decoder_model_merged.onnx, onnx/decoder_model.onnx, or a picked file's name). */
  file: string | null;
  /** past_key_values inputs of the export (fed as zero-length tensors). */
  cacheInputs: number;
  kvHeads: number | null;
  headDim: number | null;
  /** How it was recognised as a decoder. */
  evidence: string[];
  eosTokenId: number | null;
  /** Prepended to every text when tokenizer_config.json says add_bos_token. */
  bosTokenId: number | null;
  /** The LM head reuses the input embedding table (config.json tie_word_embeddings), null when unknown. */
  tiedEmbeddings: boolean | null;
  pieceScheme: 'byte-level' | 'sentencepiece' | 'wordpiece' | 'other';
}

/** What the UI needs to know about the loaded model; plain data so it crosses comlink by copy. */
export interface ModelInfo {
  label: string;
  baseUrl: string | null;
  /** The download of its model files: .onnx with external data, tokenizer.json, config.json, tokenizer_config.json. */
  sizeBytes: number;
  /** SHA-256 (hex) over the .onnx, its external data files and tokenizer.json: changes whenever any of their bytes do. */
  contentDigest: string;
  executionProvider: ExecutionProviderName;
  fallbackReason: string | null;
  wasmThreads: number;
  layers: number;
  heads: number;
  hiddenSize: number | null;
  vocabSize: number;
  maxPositions: number;
  opset: number | null;
  inputs: { name: string; type: string; shape: (number | string)[] }[];
  outputs: { name: string; type: string; shape: (number | string)[] }[];
  classLabels: string[] | null;
  maskToken: string | null;
  dropoutDefaults: { hidden: number; attention: number };
  tools: Record<ToolName, CapabilityStatus>;
  /** Set for decoder-only causal language models (GPT-2, Llama, …); null for encoders. */
  decoder?: DecoderInfo | null;
  /** Anything odd the loader noticed that did not stop it. */
  warnings: string[];
  /**
   * Where the tokenizer, config.json and the graph disagree but the model still runs (a tokenizer
   * smaller than the embedding table, a type_vocab_size the graph does not have, …): shown as a
   * warning when the model loads.
   */
  mismatches: string[];
  /** Set when the model runs but is not kept for offline use (no room in the browser's storage): why, in words. */
  notKeptOffline?: string | null;
}
