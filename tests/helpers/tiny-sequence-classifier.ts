/**
 * A tiny sequence-classification model, shaped like a Hugging Face BertForSequenceClassification export: the
 * tiny transformer of tiny-transformer.ts cut down to its [CLS] classifier, whose output is named `logits`
 * [batch, num_labels] (no MLM head, no hidden-state output), with id2label in config.json.
 */
import { encodeModel } from '../../src/core/onnx/codec';
import { pruneToOutputs } from '../../src/core/onnx/prune';
import type { LocalFileBytes, LocalModelFiles } from '../../src/core/model/sources';
import { tinyTokenizerJson } from './onnx-tiny-tokenizer';
import { buildTinyTransformer, tinyConfigJson, type TinyTransformerOptions } from './tiny-transformer';

export interface TinySequenceClassifier {
  bytes: Uint8Array;
  /** id2label, in class order. */
  labels: string[];
  configJson: Record<string, unknown>;
  maxPositions: number;
  /** The model as the files a user would pick (for engine.load({ kind: 'files', files })). */
  files: () => LocalModelFiles<LocalFileBytes>;
}

export function buildTinySequenceClassifier(options: TinyTransformerOptions = {}): TinySequenceClassifier {
  const tiny = buildTinyTransformer({ numLabels: 3, ...options });
  const { model } = pruneToOutputs(tiny.model, ['classifier_logits'], { keepAllInputs: true });
  for (const node of model.graph.node)
    node.output = node.output.map((name) => (name === 'classifier_logits' ? 'logits' : name));
  for (const output of model.graph.output) if (output.name === 'classifier_logits') output.name = 'logits';
  const bytes = encodeModel(model);
  const configJson: Record<string, unknown> = {
    ...tinyConfigJson(tiny.config),
    architectures: ['BertForSequenceClassification'],
  };
  const labels = Object.values(configJson.id2label as Record<string, string>);
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
  return {
    bytes,
    labels,
    configJson,
    maxPositions: tiny.config.maxPositions,
    files: () => ({
      onnx: { name: 'model.onnx', bytes: bytes.slice().buffer as ArrayBuffer },
      tokenizer: { name: 'tokenizer.json', bytes: json(tinyTokenizerJson()) },
      tokenizerConfig: { name: 'tokenizer_config.json', bytes: json({ do_lower_case: true, mask_token: '[MASK]' }) },
      config: { name: 'config.json', bytes: json(configJson) },
    }),
  };
}
