/**
 * Bytes a browser context receives, from Chromium's own accounting: Network.loadingFinished's
 * encodedDataLength (headers and body as they came over the wire, before decompression), summed over the
 * page and every worker it starts, the service worker included. Playwright attaches to pages only, so this
 * talks CDP itself: a browser-level session attaches to each new page (non-flattened), and the page's
 * auto-attach brings its dedicated workers and its service worker, each paused until its Network domain is on.
 */
import type { Browser, CDPSession } from 'playwright-core';

export interface NetworkTally {
  /** Bytes per target type and URL. */
  readonly byUrl: Map<string, { type: string; url: string; bytes: number; requests: number }>;
  total(): number;
  /** Resolves once a page target is attached and its Network domain is on (navigate after this). */
  pageReady(): Promise<void>;
  stop(): Promise<void>;
}

export async function tallyNetwork(browser: Browser): Promise<NetworkTally> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const byUrl: NetworkTally['byUrl'] = new Map();
  const requestUrls = new Map<string, string>();
  const pending = new Map<number, () => void>();
  let nextId = 1;
  let pageReadyResolve: () => void = () => undefined;
  const pageReady = new Promise<void>((resolve) => (pageReadyResolve = resolve));

  /** Sends a command to the session at the end of `path` (each hop wrapped in Target.sendMessageToTarget). */
  const send = (path: string[], method: string, params: object = {}): Promise<void> => {
    const id = nextId++;
    const done = new Promise<void>((resolve) => pending.set(id, resolve));
    let message = JSON.stringify({ id, method, params });
    for (let i = path.length - 1; i >= 1; i--) {
      message = JSON.stringify({
        id: nextId++,
        method: 'Target.sendMessageToTarget',
        params: { sessionId: path[i], message },
      });
    }
    void cdp.send('Target.sendMessageToTarget', { sessionId: path[0], message }).catch(() => undefined);
    return done;
  };

  const attach = async (path: string[], isPage: boolean) => {
    await send(path, 'Network.enable');
    await send(path, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
    void send(path, 'Runtime.runIfWaitingForDebugger');
    if (isPage) pageReadyResolve();
  };

  const types = new Map<string, string>();
  const receive = (path: string[], raw: string) => {
    const message = JSON.parse(raw) as { id?: number; method?: string; params?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.();
    const params = message.params ?? {};
    const key = path.join('/');
    switch (message.method) {
      case 'Target.receivedMessageFromTarget':
        receive([...path, params.sessionId as string], params.message as string);
        break;
      case 'Target.attachedToTarget': {
        const child = [...path, params.sessionId as string];
        const info = params.targetInfo as { type: string };
        types.set(child.join('/'), info.type);
        void attach(child, false);
        break;
      }
      case 'Network.requestWillBeSent':
        requestUrls.set(`${key} ${String(params.requestId)}`, (params.request as { url: string }).url);
        break;
      case 'Network.loadingFinished': {
        const url = requestUrls.get(`${key} ${String(params.requestId)}`) ?? '?';
        const type = types.get(key) ?? '?';
        const entry = byUrl.get(`${type} ${url}`) ?? { type, url, bytes: 0, requests: 0 };
        entry.bytes += params.encodedDataLength as number;
        entry.requests++;
        byUrl.set(`${type} ${url}`, entry);
        break;
      }
    }
  };

  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) =>
    receive([event.sessionId], event.message),
  );
  cdp.on('Target.targetCreated', (event: { targetInfo: { type: string; targetId: string } }) => {
    if (event.targetInfo.type !== 'page') return;
    void cdp
      .send('Target.attachToTarget', { targetId: event.targetInfo.targetId, flatten: false })
      .then(({ sessionId }) => {
        types.set(sessionId, 'page');
        return attach([sessionId], true);
      })
      .catch(() => undefined);
  });
  await cdp.send('Target.setDiscoverTargets', { discover: true });

  return {
    byUrl,
    total: () => [...byUrl.values()].reduce((sum, entry) => sum + entry.bytes, 0),
    pageReady: () => pageReady,
    stop: () => cdp.detach(),
  };
}
