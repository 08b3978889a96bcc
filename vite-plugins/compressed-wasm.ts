import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { COMPRESSED_WASM_SUFFIX } from '../src/core/runtime/runtime-binary.ts';

/**
 * Emits a gzipped copy of every .wasm in the build next to it (onnxruntime's is 27 MB, 6.6 MB gzipped). The
 * app fetches that copy and unpacks it itself, so a first visit sends 6.6 MB whatever the host does: many
 * static hosts (and `vite preview`) send .wasm uncompressed. The plain .wasm stays, for a host that already
 * compresses it and for onnxruntime's own fallback.
 */
export function compressedWasm(): Plugin {
  return {
    name: 'transformer-playground:compressed-wasm',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== 'asset' || !output.fileName.endsWith('.wasm')) continue;
        const source = typeof output.source === 'string' ? Buffer.from(output.source) : output.source;
        this.emitFile({
          type: 'asset',
          fileName: output.fileName + COMPRESSED_WASM_SUFFIX,
          source: gzipSync(source, { level: 9 }),
        });
      }
    },
  };
}
