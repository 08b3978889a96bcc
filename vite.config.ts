import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';
import { embeddedModels } from './vite-plugins/embedded-models.ts';
import { compressedWasm } from './vite-plugins/compressed-wasm.ts';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './src/csp.ts';

// WASM threads need SharedArrayBuffer, which needs cross-origin isolation on every server.
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [
    svelte(),
    embeddedModels(fileURLToPath(new URL('./models', import.meta.url))),
    compressedWasm(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      pwaAssets: { config: true, overrideManifestIcons: true },
      manifest: {
        name: 'Transformer Playground',
        short_name: 'Playground',
        description:
          'Look inside a transformer in your browser: attention, MC-dropout uncertainty, word analogies and label errors.',
        theme_color: '#1f4e79',
        background_color: '#f4f6f9',
        display: 'standalone',
        start_url: '.',
        scope: '.',
      },
      injectManifest: {
        // The app, the built-in models' static vectors and the examples; src/sw.ts leaves out what the app keeps itself.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,wasm,json,onnx,bin,txt,csv}'],
        globIgnores: ['**/*.map'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  // The service worker (src/sw.ts) adds the same headers to the responses it serves.
  server: { headers: { ...crossOriginIsolationHeaders, 'Content-Security-Policy': DEV_CONTENT_SECURITY_POLICY } },
  preview: { headers: { ...crossOriginIsolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
});
