/**
 * Progress reports cross the worker boundary as messages; a run can report thousands of times a second,
 * far more than a page can draw. One throttle serves every operation, each saying which of its reports
 * must never be dropped (the first, the last, a status change).
 */
export interface ThrottleOptions<T> {
  /** Reports sent at once whatever the interval: those a page must not miss. */
  alwaysSend?: (report: T) => boolean;
  /** Minimum time between two reports otherwise. */
  intervalMs?: number;
  /**
   * Send the newest dropped report once the interval is over, so the page ends with the latest state even
   * when no further report comes (a training paused after an epoch shows that epoch).
   */
  trailing?: boolean;
}

export function throttleReports<T>(
  callback: ((report: T) => void) | undefined,
  { alwaysSend = () => false, intervalMs = 50, trailing = false }: ThrottleOptions<T> = {},
): ((report: T) => void) | undefined {
  if (!callback) return undefined;
  let last = Number.NEGATIVE_INFINITY;
  let pending: { report: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const send = (report: T) => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
    last = Date.now();
    void callback(report);
  };
  return (report: T) => {
    const wait = last + intervalMs - Date.now();
    if (alwaysSend(report) || wait <= 0) return send(report);
    if (!trailing) return;
    pending = { report };
    timer ??= setTimeout(() => {
      timer = null;
      if (pending) send(pending.report);
    }, wait);
  };
}
