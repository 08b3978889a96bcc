import { defineConfig, minimal2023Preset } from '@vite-pwa/assets-generator/config';

// Every icon the manifest and the page need, generated from the one source image at build time.
export default defineConfig({
  headLinkOptions: { preset: '2023' },
  preset: minimal2023Preset,
  images: ['public/icon.svg'],
});
