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

/** What the UI needs to know about the loaded model; plain data so it crosses comlink by copy. */
export interface ModelInfo {
  label: string;
  baseUrl: string | null;
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
  /** Anything odd the loader noticed that did not stop it. */
  warnings: string[];
}
