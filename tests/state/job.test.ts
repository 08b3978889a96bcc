import { describe, expect, it } from 'vitest';
import { CancelledError, isCancelled } from '../../src/core/cancel';
import { Job } from '../../src/state/job.svelte';
import { FakeClient, settle } from './fake-client';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Job', () => {
  it('keeps only the latest result: a superseded call is cancelled and its answer dropped', async () => {
    const client = new FakeClient();
    const job = new Job<string>(client, 'test');
    const first = deferred<string>();
    const second = deferred<string>();
    const a = job.start(() => first.promise);
    const b = job.start(() => second.promise);
    expect(client.cancelled).toEqual([{ jobId: 'test-1', hard: false }]);
    second.resolve('second');
    first.resolve('first');
    expect(await a).toEqual({ status: 'superseded' });
    expect(await b).toEqual({ status: 'done', value: 'second' });
    expect(job.result).toBe('second');
    expect(job.running).toBe(false);
  });

  it('reports progress of the current call only', async () => {
    const client = new FakeClient();
    const job = new Job<string, number>(client, 'test');
    const calls: ((p: number) => void)[] = [];
    const gate = deferred<string>();
    void job.start(({ onProgress }) => {
      calls.push(onProgress);
      return gate.promise;
    });
    void job.start(({ onProgress }) => {
      calls.push(onProgress);
      return new Promise<string>(() => undefined);
    });
    calls[0](0.9);
    expect(job.progress).toBe(null);
    calls[1](0.5);
    expect(job.progress).toBe(0.5);
  });

  it('cancel lets go at once and asks for a hard cancel; the late answer is dropped', async () => {
    const client = new FakeClient();
    const job = new Job<string>(client, 'test');
    const gate = deferred<string>();
    const outcome = job.start(() => gate.promise);
    await job.cancel();
    expect(job.running).toBe(false);
    expect(client.cancelled).toEqual([{ jobId: 'test-1', hard: true }]);
    gate.resolve('late');
    expect(await outcome).toEqual({ status: 'superseded' });
    expect(job.result).toBe(null);
  });

  it('cancel with wait keeps running until the call ends, then reports cancelled whatever the error', async () => {
    const client = new FakeClient();
    const job = new Job<string>(client, 'test');
    const gate = deferred<string>();
    const outcome = job.start(() => gate.promise);
    void job.cancel({ wait: true });
    expect(job.running).toBe(true);
    gate.reject(new Error('The model worker stopped (a cancelled job did not stop in time) and was restarted'));
    expect((await outcome).status).toBe('cancelled');
    expect(job.error).toBe(null);
    expect(job.running).toBe(false);
  });

  it('shows a failure, but not a cancellation (recognised by type, also across comlink by name)', async () => {
    const client = new FakeClient();
    const job = new Job<string>(client, 'test');
    expect((await job.start(() => Promise.reject(new Error('boom')))).status).toBe('failed');
    expect(job.error).toBe('boom');
    expect((await job.start(() => Promise.reject(new CancelledError()))).status).toBe('cancelled');
    expect(job.error).toBe(null);
    const crossed = Object.assign(new Error('Cancelled.'), { name: 'CancelledError' });
    expect(isCancelled(crossed)).toBe(true);
    expect(isCancelled(new Error('cancelled by the user'))).toBe(false);
  });

  it('remembers the model generation that produced a result, and hides it after a model change', async () => {
    const client = new FakeClient();
    let generation = 1;
    const job = new Job<string>(client, 'test', () => generation);
    await job.start(async () => 'from model 1');
    expect(job.result).toBe('from model 1');
    expect(job.producedBy).toBe(1);
    generation = 2;
    expect(job.result).toBe(null);
    // A call started before the change keeps the generation it started with.
    const gate = deferred<string>();
    const outcome = job.start(() => gate.promise);
    generation = 3;
    gate.resolve('started under 2');
    await outcome;
    expect(job.result).toBe(null);
    expect(job.producedBy).toBe(2);
    await settle();
  });
});
