import { buildTinyTransformer, tinyConfigJson, type TinyTransformerOptions } from '../helpers/tiny-transformer';
import { tinyTokenizerJson } from '../helpers/onnx-tiny-tokenizer';

/** The tiny test transformer's files in Hugging Face layout, as bytes by path. */
export function tinyModelFiles(options: TinyTransformerOptions = {}): Record<string, Uint8Array> {
  const tiny = buildTinyTransformer(options);
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  return {
    'onnx/model.onnx': tiny.bytes,
    'config.json': text(tinyConfigJson(tiny.config)),
    'tokenizer.json': text(tinyTokenizerJson()),
    'tokenizer_config.json': text({ do_lower_case: true, mask_token: '[MASK]' }),
  };
}
