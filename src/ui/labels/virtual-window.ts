/** Which rows of a fixed-height list are on screen (plus `overscan` above and below). */
export function windowRange(
  scrollTop: number,
  viewHeight: number,
  rowHeight: number,
  count: number,
  overscan = 4,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.ceil(viewHeight / rowHeight) + overscan + 1);
  return { start, end: Math.max(start, end) };
}
