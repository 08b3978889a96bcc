import type { BrowserContext } from 'playwright-core';

export interface RecordedRequest {
  url: string;
  /** Issued by a service worker (its precache or its fetch handler), not by a page or a dedicated worker. */
  fromServiceWorker: boolean;
}

/**
 * Records every request of a browser context: its pages, their workers and its service workers
 * (a page's own request event misses the service worker's traffic). Attach before the first page opens.
 */
export function recordContextRequests(context: BrowserContext): {
  requests: RecordedRequest[];
  offOrigin: (origin: string) => string[];
} {
  const requests: RecordedRequest[] = [];
  context.on('request', (request) =>
    requests.push({ url: request.url(), fromServiceWorker: request.serviceWorker() !== null }),
  );
  return {
    requests,
    offOrigin: (origin) =>
      requests
        .map((r) => r.url)
        .filter((url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin),
  };
}
