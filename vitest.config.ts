import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      {
        // The rune stores (.svelte.ts) compiled by the Svelte plugin, driven by a fake worker client.
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'state',
          include: ['tests/state/**/*.test.ts'],
          environment: './tests/state/client-environment.ts',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One retry for the shared, heavily loaded CI cores. The stalls it was added for were not WebGPU but a
          // model download broken by Chromium's ERR_CACHE_WRITE_FAILURE while the service worker precached the
          // same file; downloads now resume (src/core/model/download.ts). A real failure still fails twice.
          retry: 1,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
