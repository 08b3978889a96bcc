/**
 * Axis labels for an attention heatmap of any length. A label needs about a line of text (11 px); cells
 * smaller than that get a label every k-th token (the hover readout names every cell), and the export is
 * drawn with cells large enough to stay legible at every length.
 */

/** The text height one label needs, in px at the heatmap's scale. */
export const LABEL_PX = 11;

/** Every how many tokens a label fits at this cell size (1 = every token). */
export function labelStride(cellPx: number): number {
  return Math.max(1, Math.ceil(LABEL_PX / Math.max(cellPx, 1e-6)));
}

/** The token positions labelled at this cell size: every stride-th one from the first. */
export function labelledPositions(seq: number, cellPx: number): number[] {
  const stride = labelStride(cellPx);
  const positions: number[] = [];
  for (let i = 0; i < seq; i += stride) positions.push(i);
  return positions;
}

/**
 * The cell size of an exported heatmap: 12 px (every token labelled) up to 170 tokens, then as large as fits
 * about 2,048 px of cells, at least 2 px (512 tokens: 4 px, a label every 3rd token). The PNG is drawn at twice
 * this size, so it stays sharp and under about 4,400 px a side.
 */
export function exportCellPx(seq: number): number {
  return Math.max(2, Math.min(12, Math.floor(2048 / Math.max(seq, 1))));
}
