import { schemeTableau10, interpolateBlues } from 'd3';

/** One colour per head, stable across views. */
export function headColor(head: number): string {
  return schemeTableau10[head % schemeTableau10.length];
}

/** Heatmap colour for a probability; sqrt so small but real weights stay visible. */
export function probabilityColor(p: number): string {
  return interpolateBlues(Math.sqrt(Math.max(0, Math.min(1, p))) * 0.95 + 0.02);
}

export function probabilityRgb(p: number): [number, number, number] {
  const match = /rgb\((\d+), ?(\d+), ?(\d+)\)/.exec(probabilityColor(p));
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
}
