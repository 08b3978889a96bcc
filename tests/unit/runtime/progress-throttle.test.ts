import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleReports } from '../../../src/worker/progress-throttle';

describe('throttleReports', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('sends at most one report per interval, plus every report marked as always sent', () => {
    const seen: number[] = [];
    const report = throttleReports((n: number) => seen.push(n), { alwaysSend: (n) => n === 99, intervalMs: 50 })!;
    report(1);
    report(2);
    report(99);
    vi.advanceTimersByTime(49);
    report(3);
    vi.advanceTimersByTime(1);
    report(4);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([1, 99, 4]);
  });

  it('with trailing, sends the newest dropped report once the interval is over, and nothing after a final one', () => {
    const seen: string[] = [];
    const report = throttleReports((s: string) => seen.push(s), {
      trailing: true,
      alwaysSend: (s) => s === 'done',
      intervalMs: 50,
    })!;
    report('epoch 1');
    report('epoch 2');
    report('epoch 3');
    expect(seen).toEqual(['epoch 1']);
    vi.advanceTimersByTime(50);
    expect(seen).toEqual(['epoch 1', 'epoch 3']);
    report('epoch 4');
    report('done');
    vi.advanceTimersByTime(200);
    expect(seen).toEqual(['epoch 1', 'epoch 3', 'done']);
  });

  it('passes no callback through as none', () => {
    expect(throttleReports(undefined)).toBeUndefined();
  });
});
