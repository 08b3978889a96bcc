/**
 * The state tests run in Node but load modules the way the page does (Vite's client environment): the Svelte
 * plugin compiles the .svelte.ts stores for the client, so $effect runs, and `svelte` resolves to its client
 * runtime. No DOM is needed: the stores have none.
 */
import type { Environment } from 'vitest/environments';

export default {
  name: 'svelte-client',
  viteEnvironment: 'client',
  setup() {
    return { teardown() {} };
  },
} satisfies Environment;
