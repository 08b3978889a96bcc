import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A model host in Hugging Face layout (/{repo}/resolve/main/{file}, with CORS and CORP headers) that can hold a
 * download halfway: after `holdNext(path)`, the next request for that path gets its Content-Length and the first
 * half of the body, and the rest only once the test calls `release()`. A download in progress can then be looked
 * at for as long as the test needs, however fast or slow the machine is.
 */
export class HeldModelHost {
  private server: Server | null = null;
  private readonly files = new Map<string, Uint8Array>();
  private readonly toHold = new Set<string>();
  private readonly waiting: (() => void)[] = [];
  readonly hits: string[] = [];
  url = '';

  put(repo: string, file: string, bytes: Uint8Array): void {
    this.files.set(`/${repo}/resolve/main/${file}`, bytes);
  }

  holdNext(pathname: string): void {
    this.toHold.add(pathname);
  }

  /** How many responses have sent their first half and wait for `release()`. */
  get held(): number {
    return this.waiting.length;
  }

  release(): void {
    for (const send of this.waiting.splice(0)) send();
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
    this.release();
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
    if (!this.toHold.delete(pathname)) {
      res.end(body);
      return;
    }
    const half = Math.floor(body.byteLength / 2);
    res.flushHeaders();
    res.write(body.subarray(0, half));
    this.waiting.push(() => res.end(body.subarray(half)));
  }
}
