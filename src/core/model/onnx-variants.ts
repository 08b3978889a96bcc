/**
 * The .onnx files a model repo offers beside onnx/model.onnx: the precision variants optimum and the
 * Transformers.js repos ship (model_quantized.onnx, model_int8.onnx, model_fp16.onnx, model_q4.onnx, …) and the
 * same for the decoder layouts (decoder_model_merged_quantized.onnx, …). Pure naming and ordering; where the
 * names come from (a hub listing, HEAD requests, picked files) is variant-listing.ts.
 */

/** The graph layouts, in the order a folder is tried (sources.ts ONNX_CANDIDATES). */
export const ONNX_BASES = ['model', 'decoder_model_merged', 'decoder_model'] as const;

/** Known suffixes, in the order they are listed; '' is full precision (float32). */
export const VARIANT_SUFFIXES = ['', 'fp16', 'quantized', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;

const SUFFIX_LABELS: Record<string, string> = {
  '': 'full precision (float32)',
  fp16: 'float16',
  quantized: 'int8 quantized',
  int8: 'int8 quantized',
  uint8: 'uint8 quantized',
  q4: '4-bit (MatMulNBits)',
  q4f16: '4-bit, float16 activations',
  bnb4: '4-bit (MatMulBnb4)',
};

export interface OnnxVariant {
  /** The file name, e.g. model_quantized.onnx (from a hub or folder it lives under onnx/). */
  file: string;
  base: (typeof ONNX_BASES)[number];
  /** '' for full precision, else what follows the base name: quantized, fp16, q4, … */
  suffix: string;
  /** What the suffix means, in words. */
  label: string;
  /** Bytes, where the host or the file says; null when unknown. */
  sizeBytes: number | null;
}

const NAME_PATTERN = new RegExp(
  `^(${[...ONNX_BASES].sort((a, b) => b.length - a.length).join('|')})(?:_(\\w+))?\\.onnx$`,
);

/** The variant a file name (or a path ending in one) names; null for other files (encoder_model.onnx, …). */
export function parseVariant(path: string, sizeBytes: number | null = null): OnnxVariant | null {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const match = NAME_PATTERN.exec(file);
  if (!match) return null;
  // Longer bases come first in the pattern, so decoder_model_merged_fp16.onnx is merged + fp16.
  const base = match[1] as OnnxVariant['base'];
  const suffix = match[2] ?? '';
  const label = SUFFIX_LABELS[suffix] ?? suffix.replace(/_/g, ' ');
  return { file, base, suffix, label, sizeBytes };
}

const rank = (order: readonly string[], value: string) => {
  const at = order.indexOf(value);
  return at < 0 ? order.length : at;
};

/**
 * The variants among `files`, one per name: layouts in the order a folder is tried, within a layout full
 * precision first, then the known suffixes in VARIANT_SUFFIXES order, then unknown ones by name.
 */
export function listVariants(files: readonly { path: string; sizeBytes?: number | null }[]): OnnxVariant[] {
  const byFile = new Map<string, OnnxVariant>();
  for (const entry of files) {
    const variant = parseVariant(entry.path, entry.sizeBytes ?? null);
    if (variant && !byFile.has(variant.file)) byFile.set(variant.file, variant);
  }
  return [...byFile.values()].sort(
    (a, b) =>
      rank(ONNX_BASES, a.base) - rank(ONNX_BASES, b.base) ||
      rank(VARIANT_SUFFIXES, a.suffix) - rank(VARIANT_SUFFIXES, b.suffix) ||
      a.file.localeCompare(b.file),
  );
}

/**
 * The variant loaded when the user has not chosen: full precision of the first layout present (what a load
 * without a choice fetches), else the first listed (a repo that ships only quantized files).
 */
export function defaultVariant(variants: readonly OnnxVariant[]): OnnxVariant | null {
  return variants.find((variant) => variant.suffix === '') ?? variants[0] ?? null;
}

/** Every name a variant can have (bases × known suffixes): what is probed on a folder that cannot be listed. */
export function knownVariantFiles(): string[] {
  return ONNX_BASES.flatMap((base) => VARIANT_SUFFIXES.map((suffix) => `${base}${suffix ? `_${suffix}` : ''}.onnx`));
}

/** A file name that can be chosen as a variant: a plain .onnx name, no folder. */
export function isVariantFileName(name: string): boolean {
  return /^[\w.-]{1,120}\.onnx$/.test(name) && !name.startsWith('.');
}
