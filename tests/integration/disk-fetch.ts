import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const APP_BASE = 'http://playground.test/';

/** A fetch that serves the repo's models/ folder at {APP_BASE}models/, as the built app does. */
export const diskFetch: typeof fetch = async (input) => {
  const url = new URL(String(input));
  const relative = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const file = path.join(repoRoot, relative);
  if (!relative.startsWith('models/') || !existsSync(file)) return new Response('Not found', { status: 404 });
  const bytes = readFileSync(file);
  return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
};
