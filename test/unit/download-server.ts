// A local HTTP server for download tests: 127.0.0.1 on a random port, one handler per path, every
// request recorded. Sockets are tracked so `close` never waits on a hung connection.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void;

export class TestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly counts = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ path: req.url ?? '/', headers: req.headers });
    const index = this.counts.get(path) ?? 0;
    this.counts.set(path, index + 1);
    const handler = this.handlers.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res, index);
  });
  port = 0;

  constructor() {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, handler: Handler): this {
    this.handlers.set(path, handler);
    return this;
  }

  requestsFor(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.split('?')[0] === path);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ServeOptions {
  readonly etag?: string;
  /** Honour Range / If-Range (default true). */
  readonly ranges?: boolean;
  /** Extra headers. */
  readonly headers?: Record<string, string>;
}

/** Serves `data` like a static file server: 200, or 206 for a satisfiable Range whose If-Range matches. */
export function serveBytes(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  data: Buffer,
  options: ServeOptions = {},
): void {
  const etag = options.etag ?? '"v1"';
  const base = { etag, 'accept-ranges': options.ranges === false ? 'none' : 'bytes', ...options.headers };
  const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
  const ifRange = req.headers['if-range'];
  if (options.ranges !== false && range && (ifRange === undefined || ifRange === etag)) {
    const start = Number(range[1]);
    if (start >= data.length) {
      res.writeHead(416, { ...base, 'content-range': `bytes */${data.length}` }).end();
      return;
    }
    res.writeHead(206, {
      ...base,
      'content-length': String(data.length - start),
      'content-range': `bytes ${start}-${data.length - 1}/${data.length}`,
    });
    res.end(data.subarray(start));
    return;
  }
  res.writeHead(200, { ...base, 'content-length': String(data.length) });
  res.end(data);
}

/**
 * Sends headers for all of `data` but only its first `bytes`, then kills the connection. With
 * `partFile`, the kill waits (bounded) until the client has written those bytes to it, so what the
 * client holds when the connection drops is deterministic.
 */
export function dropAfter(
  res: http.ServerResponse,
  data: Buffer,
  bytes: number,
  etag = '"v1"',
  partFile?: string,
): void {
  res.writeHead(200, { etag, 'accept-ranges': 'bytes', 'content-length': String(data.length) });
  res.write(data.subarray(0, bytes), () => {
    const deadline = Date.now() + 10_000;
    const poll = () => {
      let size = 0;
      try {
        size = partFile ? fs.statSync(partFile).size : bytes;
      } catch {
        size = 0;
      }
      if (size >= bytes || Date.now() > deadline) res.socket?.destroy();
      else setTimeout(poll, 5);
    };
    setTimeout(poll, partFile ? 0 : 30);
  });
}

/** Deterministic pseudo-random bytes. */
export function bytesOf(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
