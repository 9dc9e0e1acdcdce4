import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import {
  DownloadError,
  downloadFile,
  parseContentRange,
  proxyAwareFetch,
  proxyFor,
  type DownloadProgress,
} from '../../src/core/download';
import { bytesOf, dropAfter, serveBytes, TestServer } from './download-server';

const fast = { backoffMs: 1, maxBackoffMs: 5, minFreeBytes: 0, progressIntervalMs: 0 };

async function rejection(promise: Promise<unknown>): Promise<DownloadError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DownloadError, `expected a DownloadError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the download to fail');
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('download: downloadFile against a local server', function () {
  let server: TestServer;
  let dir: string;
  let file: string;
  const data = bytesOf(300_000, 7);

  beforeEach(async function () {
    server = await new TestServer().start();
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-dl-'));
    file = path.join(dir, 'out.bin');
  });
  afterEach(async function () {
    await server.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('downloads the exact bytes, reports monotonic progress and the sha256', async function () {
    server.on('/f', (req, res) => serveBytes(req, res, data));
    const events: DownloadProgress[] = [];
    const result = await downloadFile(server.url('/f'), file, { ...fast, onProgress: (p) => events.push(p) });
    assert.deepEqual(await fs.promises.readFile(file), data);
    assert.equal(result.sha256, sha(data));
    assert.equal(result.bytes, data.length);
    assert.ok(events.length >= 2);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].bytes >= events[i - 1].bytes);
    assert.equal(events.at(-1)!.bytes, data.length);
    assert.ok(events.every((e) => e.total === data.length));
    assert.ok(!fs.existsSync(file + '.part'));
    assert.equal(server.requests[0].headers['accept-encoding'], 'identity');
  });

  it('resumes from the byte where the connection dropped (Range + If-Range)', async function () {
    server.on('/f', (req, res, i) =>
      i === 0 ? dropAfter(res, data, 100_000, undefined, file + '.part') : serveBytes(req, res, data),
    );
    const result = await downloadFile(server.url('/f'), file, fast);
    assert.deepEqual(await fs.promises.readFile(file), data);
    const second = server.requestsFor('/f')[1];
    assert.equal(second.headers.range, 'bytes=100000-');
    assert.equal(second.headers['if-range'], '"v1"');
    assert.equal(result.attempts, 2);
  });

  it('resumes a .part left by an earlier run', async function () {
    server.on('/f', (req, res, i) =>
      i === 0 ? dropAfter(res, data, 50_000, undefined, file + '.part') : serveBytes(req, res, data),
    );
    await rejection(downloadFile(server.url('/f'), file, { ...fast, retries: 0 }));
    assert.ok(!fs.existsSync(file));
    assert.equal(fs.statSync(file + '.part').size, 50_000);
    await downloadFile(server.url('/f'), file, fast);
    assert.equal(server.requestsFor('/f')[1].headers.range, 'bytes=50000-');
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('starts over from zero when the server ignores ranges', async function () {
    server.on('/f', (req, res, i) =>
      i === 0
        ? dropAfter(res, data, 120_000, undefined, file + '.part')
        : serveBytes(req, res, data, { ranges: false }),
    );
    await downloadFile(server.url('/f'), file, fast);
    assert.equal(server.requestsFor('/f')[1].headers.range, 'bytes=120000-');
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('starts over when the file changed on the server (If-Range no longer matches)', async function () {
    const changed = bytesOf(250_000, 99);
    server.on('/f', (req, res, i) =>
      i === 0
        ? dropAfter(res, data, 80_000, '"old"', file + '.part')
        : serveBytes(req, res, changed, { etag: '"new"' }),
    );
    await downloadFile(server.url('/f'), file, fast);
    assert.equal(server.requestsFor('/f')[1].headers['if-range'], '"old"');
    assert.deepEqual(await fs.promises.readFile(file), changed);
  });

  it('resumes again when a 206 ends cleanly before its announced total (a server that caps each response)', async function () {
    // The first response drops after 100 kB; each resumed one is a 206 of at most 100 kB that ends cleanly
    // although Content-Range announces the whole file.
    const chunk = 100_000;
    server.on('/f', (req, res, i) => {
      if (i === 0) return dropAfter(res, data, chunk, '"v1"', file + '.part');
      const start = Number(/^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))?.[1]);
      const end = Math.min(data.length, start + chunk);
      res.writeHead(206, {
        etag: '"v1"',
        'content-length': String(end - start),
        'content-range': `bytes ${start}-${end - 1}/${data.length}`,
      });
      res.end(data.subarray(start, end));
    });
    const result = await downloadFile(server.url('/f'), file, fast);
    assert.deepEqual(await fs.promises.readFile(file), data);
    assert.equal(result.sha256, sha(data));
    assert.deepEqual(
      server.requestsFor('/f').map((r) => r.headers.range ?? null),
      [null, 'bytes=100000-', 'bytes=200000-'],
    );
  });

  it('retries after a 500 and then succeeds', async function () {
    server.on('/f', (req, res, i) => (i === 0 ? res.writeHead(500).end('boom') : serveBytes(req, res, data)));
    const result = await downloadFile(server.url('/f'), file, fast);
    assert.equal(result.attempts, 2);
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('gives up after a bounded number of 503s with an http error', async function () {
    server.on('/f', (_req, res) => res.writeHead(503).end());
    const error = await rejection(downloadFile(server.url('/f'), file, { ...fast, retries: 3 }));
    assert.equal(error.code, 'http');
    assert.equal(error.details.status, 503);
    assert.equal(server.requestsFor('/f').length, 4);
    assert.ok(!fs.existsSync(file));
  });

  it('fails at once on a 404 with a clear error naming the URL, leaving nothing', async function () {
    const error = await rejection(downloadFile(server.url('/missing'), file, fast));
    assert.equal(error.code, 'http');
    assert.equal(error.details.status, 404);
    assert.match(error.message, /404/);
    assert.ok(error.message.includes(server.url('/missing')));
    assert.equal(server.requests.length, 1);
    assert.ok(!fs.existsSync(file) && !fs.existsSync(file + '.part'));
  });

  it('follows redirects and reports the final URL', async function () {
    server.on('/a', (_req, res) => res.writeHead(302, { location: '/b' }).end());
    server.on('/b', (req, res) => serveBytes(req, res, data));
    const result = await downloadFile(server.url('/a'), file, fast);
    assert.equal(result.finalUrl, server.url('/b'));
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('fails on a body shorter than its Content-Length without a complete-looking file', async function () {
    // A raw server: announces 100 bytes more than it sends, on every request.
    const raw = net.createServer((socket) => {
      socket.once('data', () => {
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Length: ${data.length + 100}\r\nETag: "x"\r\nConnection: close\r\n\r\n`,
        );
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as net.AddressInfo).port;
    const rawBody = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length + 100}\r\nConnection: close\r\n\r\n`);
        socket.end(data);
      });
    });
    await new Promise<void>((resolve) => rawBody.listen(0, '127.0.0.1', resolve));
    const bodyPort = (rawBody.address() as net.AddressInfo).port;
    try {
      for (const p of [port, bodyPort]) {
        const error = await rejection(downloadFile(`http://127.0.0.1:${p}/f`, file, { ...fast, retries: 2 }));
        assert.ok(['network', 'size'].includes(error.code), error.message);
        assert.ok(!fs.existsSync(file), 'no complete-looking file');
      }
    } finally {
      raw.close();
      rawBody.close();
    }
  });

  it('rejects a size that differs from the expected size, before writing', async function () {
    server.on('/f', (req, res) => serveBytes(req, res, data));
    const error = await rejection(
      downloadFile(server.url('/f'), file, { ...fast, expectedSize: data.length + 1 }),
    );
    assert.equal(error.code, 'size');
    assert.ok(!fs.existsSync(file));
  });

  it('checks the sha256 against an independent reference (the published BERT uncased vocab hash)', async function () {
    // PROVENANCE.md of fixtures/vocab: sha256 of Google's bert-base-uncased vocab.txt.
    const { fixture } = await import('../fixtures');
    const vocab = await fs.promises.readFile(fixture(this, 'vocab', 'bert_uncased_vocab.txt'));
    server.on('/vocab.txt', (req, res) => serveBytes(req, res, vocab));
    const published = '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3';
    const ok = await downloadFile(server.url('/vocab.txt'), file, {
      ...fast,
      sha256: published.toUpperCase(),
    });
    assert.equal(ok.sha256, published);
    const other = path.join(dir, 'other.txt');
    const wrong = 'f'.repeat(64);
    const error = await rejection(downloadFile(server.url('/vocab.txt'), other, { ...fast, sha256: wrong }));
    assert.equal(error.code, 'checksum');
    assert.ok(!fs.existsSync(other) && !fs.existsSync(other + '.part'));
  });

  it('stops a slow trickle when cancelled, leaving no complete-looking file', async function () {
    server.on('/slow', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000', etag: '"t"' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= 1000 || res.destroyed) return clearInterval(timer);
        res.write(Buffer.alloc(1, 65));
        sent++;
      }, 20);
      res.on('close', () => clearInterval(timer));
    });
    const controller = new AbortController();
    const promise = downloadFile(server.url('/slow'), file, {
      ...fast,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes >= 3) controller.abort();
      },
    });
    const error = await rejection(promise);
    assert.equal(error.code, 'cancelled');
    assert.ok(!fs.existsSync(file));
    assert.ok(fs.statSync(file + '.part').size < 1000);
  });

  it('treats a stalled body as a dropped connection and resumes', async function () {
    server.on('/f', (req, res, i) => {
      if (i > 0) return serveBytes(req, res, data);
      res.writeHead(200, { 'content-length': String(data.length), etag: '"v1"' });
      res.write(data.subarray(0, 1000)); // then nothing
    });
    await downloadFile(server.url('/f'), file, { ...fast, stallTimeoutMs: 300 });
    assert.equal(server.requestsFor('/f')[1].headers.range, 'bytes=1000-');
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('refuses to start when the disk is too full (simulated free space)', async function () {
    server.on('/f', (req, res) => serveBytes(req, res, data));
    const error = await rejection(
      downloadFile(server.url('/f'), file, { ...fast, freeSpace: async () => 1000, minFreeBytes: 0 }),
    );
    assert.equal(error.code, 'disk');
    assert.match(error.message, /disk space/);
    assert.ok(!fs.existsSync(file) && !fs.existsSync(file + '.part'));
  });

  it('also refuses when the announced size fits but the reserve does not', async function () {
    server.on('/f', (req, res) => serveBytes(req, res, data));
    const error = await rejection(
      downloadFile(server.url('/f'), file, {
        ...fast,
        freeSpace: async () => data.length + 10,
        minFreeBytes: 1000,
      }),
    );
    assert.equal(error.code, 'disk');
  });

  it('completes when the .part already holds every byte (416 on resume)', async function () {
    await fs.promises.writeFile(file + '.part', data);
    await fs.promises.writeFile(
      file + '.part.json',
      JSON.stringify({ url: server.url('/f'), validator: '"v1"', total: data.length }),
    );
    server.on('/f', (req, res) => serveBytes(req, res, data));
    await downloadFile(server.url('/f'), file, fast);
    assert.equal(server.requests[0].headers.range, `bytes=${data.length}-`);
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('parses Content-Range headers', function () {
    assert.deepEqual(parseContentRange('bytes 100-199/1000'), { start: 100, total: 1000 });
    assert.deepEqual(parseContentRange('bytes */1000'), { start: null, total: 1000 });
    assert.deepEqual(parseContentRange('bytes 0-9/*'), { start: 0, total: null });
    assert.equal(parseContentRange('items 1-2/3'), undefined);
    assert.equal(parseContentRange(null), undefined);
  });
});

describe('download: proxies', function () {
  it('chooses the proxy from the explicit setting, HTTPS_PROXY/HTTP_PROXY and NO_PROXY', function () {
    const env = {
      HTTPS_PROXY: 'http://p:1',
      HTTP_PROXY: 'http://q:2',
      NO_PROXY: '.internal, example.org:8080',
    };
    assert.equal(proxyFor('https://tfhub.dev/x', { env }), 'http://p:1');
    assert.equal(proxyFor('http://tfhub.dev/x', { env }), 'http://q:2');
    assert.equal(proxyFor('https://a.b.internal/x', { env }), undefined);
    assert.equal(proxyFor('http://example.org:8080/x', { env }), undefined);
    assert.equal(proxyFor('http://example.org/x', { env }), 'http://q:2');
    assert.equal(proxyFor('https://tfhub.dev/x', { env, explicit: 'http://vs:3' }), 'http://vs:3');
    assert.equal(proxyFor('http://127.0.0.1:9/x', { env }), undefined);
    assert.equal(proxyFor('https://tfhub.dev/x', { env: {} }), undefined);
    assert.equal(proxyAwareFetch({ env: {} }), undefined);
  });

  it('tunnels a download through an HTTP CONNECT proxy', async function () {
    const server = await new TestServer().start();
    const data = bytesOf(50_000, 3);
    server.on('/f', (req, res) => serveBytes(req, res, data));
    const connects: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(String(req.url));
      const [host, port] = String(req.url).split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-proxy-'));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      const viaProxy = proxyAwareFetch({ explicit: proxyUrl, env: {}, bypassLoopback: false })!;
      await downloadFile(server.url('/f'), path.join(dir, 'f'), { ...fast, fetch: viaProxy });
      assert.deepEqual(await fs.promises.readFile(path.join(dir, 'f')), data);
      assert.deepEqual(connects, [`127.0.0.1:${server.port}`]);
    } finally {
      proxy.close();
      await server.close();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('download: URL schemes', function () {
  it('refuses non-http(s) URLs before touching the disk', async function () {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-scheme-'));
    try {
      for (const url of ['file:///etc/passwd', 'ftp://x/y', 'data:,hello']) {
        const error = await rejection(downloadFile(url, path.join(dir, 'x')));
        assert.equal(error.code, 'unavailable');
      }
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});
