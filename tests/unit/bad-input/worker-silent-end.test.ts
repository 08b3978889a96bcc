/**
 * The client's side of a worker that ends without an error event: it learns of the end through the
 * lock the worker holds for its lifetime (src/worker/lifeline.ts). Here the worker is a fake on a
 * MessageChannel and the Web Locks API a small in-memory stand-in with its exclusive-lock rules; the
 * e2e worker-restart test does the same with Chromium's real locks and self.close().
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlaygroundClient, WorkerRestartedError } from '../../../src/worker/client';

type LockCallback = (lock: { name: string }) => unknown;

/** Exclusive locks by name: a request waits until the holder's callback settles, or fails when aborted. */
class InMemoryLocks {
  private readonly held = new Map<string, Promise<void>>();
  /** Requests waiting for a held lock: the page's watch on a live worker is one. */
  waiting = 0;

  async request(
    name: string,
    optionsOrCallback: { signal?: AbortSignal } | LockCallback,
    maybeCallback?: LockCallback,
  ): Promise<unknown> {
    const [options, callback] =
      typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback!];
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new DOMException('The request was aborted.', 'AbortError'));
      if (options.signal?.aborted) fail();
      options.signal?.addEventListener('abort', fail);
    });
    while (this.held.has(name)) {
      this.waiting++;
      try {
        await Promise.race([this.held.get(name), aborted]);
      } finally {
        this.waiting--;
      }
    }
    let release!: () => void;
    this.held.set(name, new Promise<void>((resolve) => (release = resolve)));
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
      release();
    }
  }
}

function fakeWorkers(locks: InMemoryLocks) {
  const workers: { end: () => void; terminated: boolean }[] = [];
  const create = () => {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const { port1, port2 } = new MessageChannel();
    const state = {
      terminated: false,
      // What self.close() does to the page: the ports go quiet, no error event, the lock is released.
      end: () => {
        port2.close();
        end();
      },
    };
    workers.push(state);
    let lifeline: Promise<string> | null = null;
    Comlink.expose(
      {
        holdLifeline: () =>
          (lifeline ??= new Promise<string>((resolve) => {
            const name = `fake-worker-${workers.length}`;
            void locks.request(name, () => {
              resolve(name);
              return ended;
            });
          })),
        load: async () => ({ label: 'fake model' }),
        tokenize: () => ({ ids: [1, 2, 3] }),
        predict: () => new Promise(() => undefined), // a run that never ends on its own
        cancel: () => true,
      },
      port2,
    );
    const worker = port1 as unknown as Worker & { terminate: () => void };
    worker.terminate = () => {
      state.terminated = true;
      port1.close();
      state.end();
    };
    port1.start();
    return worker;
  };
  return { create, workers };
}

/** Until the client waits on the current worker's lock (the worker holds it and answered holdLifeline). */
const watching = (locks: InMemoryLocks) => vi.waitFor(() => expect(locks.waiting).toBe(1), { timeout: 30_000 });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PlaygroundClient and a worker that ends silently', () => {
  it('rejects the running call, restarts the worker and reloads the model', async () => {
    const locks = new InMemoryLocks();
    vi.stubGlobal('navigator', { locks });
    const fake = fakeWorkers(locks);
    const client = new PlaygroundClient(fake.create);
    const events: string[] = [];
    client.on((event) => events.push(event.type === 'restarted' ? `restarted: ${event.reason}` : event.type));
    await client.load({ kind: 'embedded', name: 'fake' }, { executionProvider: 'wasm' });
    const running = client.predict(
      { task: 'fill-mask', text: 'x', maskPosition: null, topK: 5 },
      {} as never,
      undefined,
      'mc-1',
    );
    await watching(locks);

    fake.workers[0].end();
    await expect(running).rejects.toThrow(WorkerRestartedError);
    await expect(running).rejects.toThrow(
      'The model worker stopped (it ended unexpectedly) and was restarted; your inputs are kept. Run it again.',
    );
    await expect(client.tokenize('a b', null)).resolves.toEqual({ ids: [1, 2, 3] });
    expect(fake.workers).toHaveLength(2);
    expect(events).toEqual(['restarted: it ended unexpectedly', 'reloaded']);
  });

  it('restarts only once when the client itself terminated the worker', async () => {
    const locks = new InMemoryLocks();
    vi.stubGlobal('navigator', { locks });
    const fake = fakeWorkers(locks);
    const client = new PlaygroundClient(fake.create);
    const events: string[] = [];
    client.on((event) => events.push(event.type === 'restarted' ? `restarted: ${event.reason}` : event.type));
    await client.load({ kind: 'embedded', name: 'fake' }, { executionProvider: 'wasm' });
    await watching(locks);

    // Terminating releases the old worker's lock at once; a second restart would come from that.
    client.restart('it was terminated');
    await expect(client.tokenize('a b', null)).resolves.toEqual({ ids: [1, 2, 3] });
    expect(fake.workers[0].terminated).toBe(true);
    await watching(locks);

    // The new worker is watched in turn; after its own restart cycle the event list is complete.
    fake.workers[1].end();
    await vi.waitFor(() => expect(events).toHaveLength(4), { timeout: 30_000 });
    await expect(client.tokenize('a b', null)).resolves.toEqual({ ids: [1, 2, 3] });
    expect(fake.workers).toHaveLength(3);
    expect(events).toEqual([
      'restarted: it was terminated',
      'reloaded',
      'restarted: it ended unexpectedly',
      'reloaded',
    ]);
  });
});
