/**
 * The app's Content-Security-Policy, in one place: vite.config.ts sends it as a response header from
 * `vite dev` / `vite preview`, and the service worker (src/sw.ts) adds it to every response it serves,
 * so a static host that sets no headers still gets it once the service worker runs.
 *
 * No inline script and no eval: only 'wasm-unsafe-eval', which onnxruntime-web's WebAssembly needs.
 * Workers come from the origin (our worker chunk, and onnxruntime-web's pthread workers load that
 * module again) or blob: (onnxruntime-web can build a worker from a blob when it cannot find its
 * own script URL). Styles come from the bundled CSS only; Svelte's `style:` directives and d3's
 * `.style()` go through the CSSOM, which CSP does not restrict.
 */

/**
 * Where models may be downloaded from. The Hugging Face hosts (and their CDN redirects) are listed
 * for the record, but a user can type any model URL, and a static header cannot know it in advance,
 * so any https: host is allowed for connections. http: only for the local machine (a model served
 * from localhost; also what the end-to-end tests' fake model host uses): browsers treat loopback as
 * potentially trustworthy, so an https page may fetch it anyway, and nothing else goes over plain http.
 */
export const MODEL_HOSTS = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https:',
  'http://127.0.0.1:*',
  'http://localhost:*',
] as const;

const directives: Record<string, readonly string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'", 'blob:'],
  'style-src': ["'self'"],
  // The attention thumbnails and chart exports are data:/blob: images made in the page.
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'blob:', ...MODEL_HOSTS],
  'manifest-src': ["'self'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'child-src': ["'self'", 'blob:'],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

function serialize(entries: Record<string, readonly string[]>): string {
  return Object.entries(entries)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** The policy the built app ships with (preview server and service worker). */
export const CONTENT_SECURITY_POLICY = serialize(directives);

/**
 * `vite dev` only: Vite injects component CSS as <style> elements and talks to its HMR client over a
 * WebSocket, so the dev server relaxes exactly those two directives. The build never uses this.
 */
export const DEV_CONTENT_SECURITY_POLICY = serialize({
  ...directives,
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': [...directives['connect-src'], 'ws:', 'wss:'],
});
