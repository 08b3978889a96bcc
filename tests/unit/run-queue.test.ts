import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../src/core/runtime/run-queue';

describe('RunQueue', () => {
  it('never overlaps runs and keeps going after a failure', async () => {
    const queue = new RunQueue();
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const job = (id: number, fail = false) =>
      queue.run(async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(id);
        active--;
        if (fail) throw new Error(`job ${id} failed`);
        return id;
      });
    const results = await Promise.allSettled([job(1), job(2, true), job(3)]);
    expect(maxActive).toBe(1);
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
