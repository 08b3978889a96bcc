import { interpolateBlues, schemeTableau10 } from 'd3';

/** One colour per head, stable across views. */
export function headColor(head: number): string {
  return schemeTableau10[head % schemeTableau10.length];
}

/**
 * The heatmap colour scale, sampled once: a probability p maps to step round(sqrt(p) · (STEPS − 1)).
 * Heatmaps colour up to layers × heads × seq² cells per run (4 M at 512 tokens), where d3's
 * interpolator (a string per call) cost hundreds of milliseconds on the main thread; neighbouring
 * steps differ by about one 8-bit colour level.
 */
const STEPS = 512;
let cssTable: string[] | null = null;
let rgbaTable: Uint32Array | null = null;

/** Scale position (0..1) of a probability; sqrt so small but real weights stay visible. */
function step(p: number): number {
  // NaN and negatives fall to 0, values above 1 to the last step.
  if (!(p > 0)) return 0;
  if (p >= 1) return STEPS - 1;
  return Math.round(Math.sqrt(p) * (STEPS - 1));
}

/** Builds the colour tables now (a few milliseconds), e.g. while the page is idle, instead of inside the first paint. */
export function prepareProbabilityColors(): void {
  tables();
}

function tables(): { css: string[]; rgba: Uint32Array } {
  if (!cssTable || !rgbaTable) {
    const bytes = new Uint8ClampedArray(STEPS * 4);
    cssTable = [];
    for (let i = 0; i < STEPS; i++) {
      // interpolateBlues answers "rgb(r, g, b)": keep the string, read its three numbers.
      const css = interpolateBlues((i / (STEPS - 1)) * 0.95 + 0.02);
      const channels = css.slice(css.indexOf('(') + 1, css.indexOf(')')).split(',');
      cssTable.push(css);
      bytes.set([Number(channels[0]), Number(channels[1]), Number(channels[2]), 255], i * 4);
    }
    // Viewed as 32-bit words in the platform's byte order, the same order ImageData's buffer uses.
    rgbaTable = new Uint32Array(bytes.buffer);
  }
  return { css: cssTable, rgba: rgbaTable };
}

/** Heatmap colour for a probability, as a CSS colour. */
export function probabilityColor(p: number): string {
  return tables().css[step(p)];
}

export function probabilityRgb(p: number): [number, number, number] {
  const word = tables().rgba[step(p)];
  const bytes = new Uint8Array(new Uint32Array([word]).buffer);
  return [bytes[0], bytes[1], bytes[2]];
}

/**
 * Colours `count` probabilities, values[from …], into RGBA pixels starting at pixel `at` of `pixels`
 * (an ImageData's data). One table look-up and one 32-bit store per cell.
 */
export function paintProbabilities(
  pixels: Uint8ClampedArray,
  values: ArrayLike<number>,
  from = 0,
  count = values.length - from,
  at = 0,
): void {
  const { rgba } = tables();
  if (pixels.byteOffset % 4 !== 0) throw new Error('paintProbabilities needs a 4-byte-aligned pixel buffer.');
  const out = new Uint32Array(pixels.buffer, pixels.byteOffset + at * 4, count);
  for (let k = 0; k < count; k++) out[k] = rgba[step(values[from + k])];
}

/**
 * Cells a causal decoder's query cannot attend to (keys after it): a neutral grey, outside the blue scale,
 * so the masked upper triangle reads as "cannot attend" and not as measured zero weights.
 */
export const MASKED_COLOR = 'rgb(214, 214, 214)';
const MASKED_RGBA = new Uint32Array(Uint8ClampedArray.of(214, 214, 214, 255).buffer)[0];

/** Greys the upper triangle (key j > query i) of an n × n heatmap already painted at pixel `at`. */
export function paintCausalMask(pixels: Uint8ClampedArray, n: number, at = 0): void {
  const out = new Uint32Array(pixels.buffer, pixels.byteOffset + at * 4, n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = MASKED_RGBA;
}
