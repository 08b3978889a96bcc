import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/** Files of a Hugging Face-layout model folder that the app may load; training code and references stay out. */
const SERVED_PATTERNS = [
  /^config\.json$/,
  /^tokenizer\.json$/,
  /^tokenizer_config\.json$/,
  /^onnx\/model\.onnx$/,
  /^static-vectors\/[\w.-]+$/,
];

export interface EmbeddedModel {
  name: string;
  files: { file: string; bytes: number }[];
  bytes: number;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix + entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${relative}/`) : [relative];
  });
}

export function scanEmbeddedModels(modelsDir: string): EmbeddedModel[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(modelsDir, entry.name, 'onnx', 'model.onnx')))
    .map((entry) => {
      const dir = path.join(modelsDir, entry.name);
      const files = listFiles(dir)
        .filter((file) => SERVED_PATTERNS.some((pattern) => pattern.test(file)))
        .map((file) => ({ file, bytes: statSync(path.join(dir, file)).size }));
      return { name: entry.name, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the models/ folder at /models/ in dev and emits it into the build, with a manifest at
 * /models/index.json, so the app loads its default model like any model folder on the web.
 */
export function embeddedModels(modelsDir: string): Plugin {
  return {
    name: 'transformer-playground:embedded-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const base = server.config.base.replace(/\/$/, '');
        if (!url.pathname.startsWith(`${base}/models/`)) return next();
        const relative = decodeURIComponent(url.pathname.slice(`${base}/models/`.length));
        // Vite adds server.headers (cross-origin isolation among them) only in its own middlewares.
        for (const [name, value] of Object.entries(server.config.server.headers ?? {}))
          if (value !== undefined) res.setHeader(name, value);
        const models = scanEmbeddedModels(modelsDir);
        if (relative === 'index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ models }));
          return;
        }
        const [name, ...rest] = relative.split('/');
        const file = rest.join('/');
        const model = models.find((m) => m.name === name);
        if (!model || !model.files.some((f) => f.file === file)) {
          res.statusCode = 404;
          res.end('Not found');
          return;
        }
        res.setHeader('Content-Type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
        res.end(readFileSync(path.join(modelsDir, name, file)));
      });
    },
    generateBundle() {
      const models = scanEmbeddedModels(modelsDir);
      for (const model of models) {
        for (const { file } of model.files) {
          this.emitFile({
            type: 'asset',
            fileName: `models/${model.name}/${file}`,
            source: readFileSync(path.join(modelsDir, model.name, file)),
          });
        }
      }
      this.emitFile({ type: 'asset', fileName: 'models/index.json', source: JSON.stringify({ models }) });
    },
  };
}
