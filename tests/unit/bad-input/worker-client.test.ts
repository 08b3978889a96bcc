/**
 * The client's side of worker faults, with a fake worker on a MessageChannel: a restart rejects the
 * running call with a clear message, the last model is loaded into the new worker, and calls made
 * while that reload runs wait for it instead of failing with "no model".
 */
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { PlaygroundClient, WorkerRestartedError } from '../../../src/worker/client';

function fakeWorkerFactory(loadMs: number) {
  const workers: { loaded: boolean; terminated: boolean }[] = [];
  const create = () => {
    const state = { loaded: false, terminated: false };
    workers.push(state);
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(
      {
        async load() {
          await new Promise((resolve) => setTimeout(resolve, loadMs));
          state.loaded = true;
          return { label: 'fake model' };
        },
        tokenize() {
          if (!state.loaded) throw new Error('No model is loaded yet.');
          return { ids: [1, 2, 3] };
        },
        async predict() {
          await new Promise(() => undefined); // a run that never ends on its own
        },
        cancel: () => true,
      },
      port2,
    );
    const worker = port1 as unknown as Worker & { terminate: () => void };
    worker.terminate = () => {
      state.terminated = true;
      port1.close();
      port2.close();
    };
    port1.start();
    return worker;
  };
  return { create, workers };
}

describe('PlaygroundClient after a worker fault', () => {
  it('rejects the running call, reloads the model, and holds new calls until the model is back', async () => {
    const fake = fakeWorkerFactory(150);
    const client = new PlaygroundClient(fake.create);
    const events: string[] = [];
    client.on((event) => events.push(event.type));
    await client.load({ kind: 'embedded', name: 'fake' }, { executionProvider: 'wasm' });

    const running = client.predict(
      { task: 'fill-mask', text: 'x', maskPosition: null, topK: 5 },
      {} as never,
      undefined,
      'mc-1',
    );
    client.restart('it was terminated');
    await expect(running).rejects.toThrow(WorkerRestartedError);
    await expect(running).rejects.toThrow(
      'The model worker stopped (it was terminated) and was restarted; your inputs are kept. Run it again.',
    );
    expect(fake.workers[0].terminated).toBe(true);

    // Asked at once, before the new worker has its model: the call waits instead of failing.
    await expect(client.tokenize('a b', null)).resolves.toEqual({ ids: [1, 2, 3] });
    expect(fake.workers[1].loaded).toBe(true);
    expect(events).toEqual(['restarted', 'reloaded']);
  });
});
