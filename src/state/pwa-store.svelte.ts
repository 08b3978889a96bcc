import { registerSW } from 'virtual:pwa-register';

/** Service-worker and network state: offline readiness, pending updates, online/offline. */
export class PwaStore {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  offlineReady = $state(false);
  updateAvailable = $state(false);
  private updateServiceWorker: ((reload?: boolean) => Promise<void>) | null = null;

  start(): void {
    addEventListener('online', () => (this.online = true));
    addEventListener('offline', () => (this.online = false));
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
    this.updateServiceWorker = registerSW({
      immediate: true,
      onOfflineReady: () => (this.offlineReady = true),
      onNeedRefresh: () => (this.updateAvailable = true),
      onRegisteredSW: (_url, registration) => {
        // A page that was already controlled is offline-ready once the active worker has precached.
        if (registration?.active && navigator.serviceWorker.controller) this.offlineReady = true;
      },
    });
  }

  /**
   * Resolves once the service worker is active (its precache done) and the page is idle: the moment to
   * download what offline use needs beyond the first visit. Never resolves without a service worker (dev).
   */
  async whenInstalledAndIdle(): Promise<void> {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return new Promise(() => undefined);
    await navigator.serviceWorker.ready;
    await new Promise<void>((resolve) =>
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(() => resolve(), { timeout: 10_000 })
        : setTimeout(resolve, 2000),
    );
  }

  /** Activates the waiting service worker and reloads into the new version. */
  async applyUpdate(): Promise<void> {
    await this.updateServiceWorker?.(true);
  }
}

export const pwaStore = new PwaStore();
