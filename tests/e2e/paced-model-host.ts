import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A model host in Hugging Face layout (/{repo}/resolve/main/{file}, with CORS and CORP headers) that can pace a
 * download: after `paceNext(path)`, the next request for that path gets its Content-Length at once and the body in
 * 20 slices, 100 ms apart, so the page sees the download in progress. (Holding half the body back instead was not
 * reliable: Chromium sometimes passed on neither the headers nor the bytes of a held response for a minute.)
 */
export class PacedModelHost {
  private server: Server | null = null;
  private readonly files = new Map<string, Uint8Array>();
  private readonly toPace = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  readonly hits: string[] = [];
  url = '';

  put(repo: string, file: string, bytes: Uint8Array): void {
    this.files.set(`/${repo}/resolve/main/${file}`, bytes);
  }

  paceNext(pathname: string): void {
    this.toPace.add(pathname);
  }

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.end();
      return;
    }
    this.hits.push(pathname);
    const body = this.files.get(pathname);
    if (!body) {
      res.statusCode = 404;
      res.end('Entry not found');
      return;
    }
    res.setHeader('Content-Length', String(body.byteLength));
    res.setHeader('Content-Type', pathname.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    if (!this.toPace.delete(pathname)) {
      res.end(body);
      return;
    }
    res.flushHeaders();
    const slices = 20;
    const sendSlice = (i: number) => {
      const end = Math.round(((i + 1) * body.byteLength) / slices);
      const chunk = body.subarray(Math.round((i * body.byteLength) / slices), end);
      if (i === slices - 1) return void res.end(chunk);
      res.write(chunk);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        sendSlice(i + 1);
      }, 100);
      this.timers.add(timer);
    };
    sendSlice(0);
  }
}
