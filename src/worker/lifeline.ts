/**
 * A Web Lock that the model worker holds for as long as it lives. The browser releases an
 * execution context's locks when the context ends, whatever ended it: self.close(), terminate(),
 * an uncaught error, or the browser killing the thread. The page asks for the same lock, and the
 * grant tells it the worker is gone, even when the end fired no error event. A worker busy in a
 * long synchronous step still holds its lock, so being busy never looks like being dead.
 */
export interface WorkerLifelineApi {
  /** Resolves with the lock's name once the worker holds it; null where Web Locks are missing (insecure origins). */
  holdLifeline(): Promise<string | null>;
}

let held: Promise<string | null> | null = null;

export function holdLifeline(): Promise<string | null> {
  held ??= acquire();
  return held;
}

function acquire(): Promise<string | null> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return Promise.resolve(null);
  // Lock names are shared by every tab of the origin: each worker takes its own.
  const name = `transformer-playground-worker-${crypto.randomUUID()}`;
  return new Promise((resolve, reject) => {
    locks
      .request(name, () => {
        resolve(name);
        return new Promise<never>(() => undefined); // held until the worker ends
      })
      .catch(reject);
  });
}
