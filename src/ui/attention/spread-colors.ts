import { interpolateOranges } from 'd3';

/**
 * The standard-deviation heatmap's colours: a fraction of the head's largest std (0..1) in oranges, so it
 * never reads as the blue probability scale. Sampled once into a table, like the probability colours.
 */
const STEPS = 256;
let css: string[] | null = null;
let rgba: Uint32Array | null = null;

function table() {
  if (!css || !rgba) {
    css = [];
    const bytes = new Uint8ClampedArray(STEPS * 4);
    for (let i = 0; i < STEPS; i++) {
      const color = interpolateOranges((i / (STEPS - 1)) * 0.95 + 0.03);
      const channels = color.slice(color.indexOf('(') + 1, color.indexOf(')')).split(',');
      css.push(color);
      bytes.set([Number(channels[0]), Number(channels[1]), Number(channels[2]), 255], i * 4);
    }
    rgba = new Uint32Array(bytes.buffer);
  }
  return { css, rgba };
}

const stepOf = (fraction: number) => (fraction > 0 ? Math.min(STEPS - 1, Math.round(fraction * (STEPS - 1))) : 0);

export function spreadColor(fraction: number): string {
  return table().css[stepOf(fraction)];
}

/** Paints values[k] / scale into RGBA pixels (an ImageData's data), one table look-up per cell. */
export function paintSpread(pixels: Uint8ClampedArray, values: ArrayLike<number>, scale: number): void {
  const out = new Uint32Array(pixels.buffer, pixels.byteOffset, values.length);
  const colors = table().rgba;
  const inverse = scale > 0 ? 1 / scale : 0;
  for (let k = 0; k < values.length; k++) out[k] = colors[stepOf(values[k] * inverse)];
}
