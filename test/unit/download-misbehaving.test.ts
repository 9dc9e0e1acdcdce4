// downloadFile against servers that misbehave: no headers at all, ranges that do not fit the
// partial file, a changed file behind an ignored If-Range, redirect loops, file:// redirects and
// responses that are not valid HTTP. Each is handled (restart) or fails at once with the reason.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DownloadError, describeProgress, downloadFile } from '../../src/core/download';
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

describe('download: misbehaving servers', function () {
  let server: TestServer;
  let dir: string;
  let file: string;
  const data = bytesOf(300_000, 11);

  beforeEach(async function () {
    server = await new TestServer().start();
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-dl-bad-'));
    file = path.join(dir, 'out.bin');
  });
  afterEach(async function () {
    await server.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  async function writePart(bytes: Buffer, validator = '"v1"', total: number | null = data.length) {
    await fs.promises.writeFile(file + '.part', bytes);
    await fs.promises.writeFile(
      file + '.part.json',
      JSON.stringify({ url: server.url('/f'), validator, total }),
    );
  }

  it('a server that never sends headers times out per attempt, and the error says so', async function () {
    server.on('/f', () => undefined); // accepts the request, never answers
    const error = await rejection(
      downloadFile(server.url('/f'), file, { ...fast, headersTimeoutMs: 300, retries: 1 }),
    );
    assert.equal(error.code, 'network');
    assert.match(error.message, /failed after 2 attempts: the server sent no response headers within 0\.3 s/);
    assert.equal(server.requestsFor('/f').length, 2);
    assert.ok(!fs.existsSync(file));
  });

  it('between attempts it says why the last one failed and when the next starts, so it is never silent', async function () {
    server.on('/f', () => undefined);
    const notices: { reason: string; attempt: number; of: number; inMs: number; at: number }[] = [];
    await rejection(
      downloadFile(server.url('/f'), file, {
        ...fast,
        headersTimeoutMs: 200,
        retries: 2,
        onProgress: (p) => {
          if (p.retrying) notices.push({ ...p.retrying, at: server.requestsFor('/f').length });
        },
      }),
    );
    assert.deepEqual(
      notices.map((n) => [n.attempt, n.of, n.at]),
      [
        [2, 3, 1],
        [3, 3, 2],
      ],
    );
    for (const n of notices) assert.match(n.reason, /no response headers within 0\.2 s/);
    assert.match(
      describeProgress({
        phase: 'download',
        bytes: 0,
        total: null,
        rate: 0,
        etaSeconds: null,
        retrying: notices[0],
      }),
      /^the server sent no response headers within 0\.2 s; retrying in \d+ s \(attempt 2 of 3\)$/,
    );
  });

  it('a 206 with a new ETag (If-Range ignored) restarts from zero instead of splicing two files', async function () {
    const changed = bytesOf(300_000, 12);
    const url = server.url('/f');
    server.on('/f', (req, res, i) => {
      if (i === 0) {
        dropAfter(res, data, 80_000, '"old"', file + '.part');
        return;
      }
      // Ignores If-Range: the rest of the changed file, as a 206 with its new ETag.
      const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
      if (range) {
        const start = Number(range[1]);
        res.writeHead(206, {
          etag: '"new"',
          'content-length': String(changed.length - start),
          'content-range': `bytes ${start}-${changed.length - 1}/${changed.length}`,
        });
        res.end(changed.subarray(start));
        return;
      }
      serveBytes(req, res, changed, { etag: '"new"' });
    });
    await downloadFile(url, file, fast);
    const requests = server.requestsFor('/f');
    assert.equal(requests[1].headers.range, 'bytes=80000-');
    assert.equal(requests[2].headers.range, undefined, 'the third request starts over');
    assert.deepEqual(await fs.promises.readFile(file), changed);
  });

  it('a 206 whose start is not the .part size restarts from zero', async function () {
    await writePart(data.subarray(0, 100_000));
    server.on('/f', (req, res, i) => {
      if (i === 0) {
        res.writeHead(206, {
          etag: '"v1"',
          'content-length': String(data.length - 50_000),
          'content-range': `bytes 50000-${data.length - 1}/${data.length}`,
        });
        res.end(data.subarray(50_000));
        return;
      }
      serveBytes(req, res, data);
    });
    await downloadFile(server.url('/f'), file, fast);
    const requests = server.requestsFor('/f');
    assert.equal(requests[0].headers.range, 'bytes=100000-');
    assert.equal(requests[1].headers.range, undefined);
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('a 206 from byte 0 to a request without Range is the file, not "the file changed"', async function () {
    server.on('/f', (_req, res) => {
      res.writeHead(206, {
        etag: '"v1"',
        'content-length': String(data.length),
        'content-range': `bytes 0-${data.length - 1}/${data.length}`,
      });
      res.end(data);
    });
    const result = await downloadFile(server.url('/f'), file, fast);
    assert.equal(result.attempts, 1);
    assert.equal(server.requestsFor('/f')[0].headers.range, undefined);
    assert.deepEqual(await fs.promises.readFile(file), data);
  });

  it('a 416 whose total differs from the .part restarts from zero', async function () {
    const smaller = bytesOf(250_000, 13);
    await writePart(data);
    server.on('/f', (req, res) => serveBytes(req, res, smaller));
    await downloadFile(server.url('/f'), file, fast);
    const requests = server.requestsFor('/f');
    assert.equal(requests[0].headers.range, `bytes=${data.length}-`);
    assert.equal(requests[1].headers.range, undefined);
    assert.deepEqual(await fs.promises.readFile(file), smaller);
  });

  it('a redirect loop fails at once with the reason, not "cannot connect" after retries', async function () {
    server.on('/f', (_req, res) => res.writeHead(302, { location: '/f' }).end());
    const error = await rejection(downloadFile(server.url('/f'), file, fast));
    assert.match(error.message, /too many redirects \(a redirect loop\)/);
    assert.doesNotMatch(error.message, /cannot connect|attempts/);
    // One attempt: fetch's own redirect limit (20) plus the first request.
    assert.ok(server.requestsFor('/f').length <= 21, `${server.requestsFor('/f').length} requests`);
  });

  it('a redirect to file:// fails at once and reads nothing from the disk', async function () {
    const secret = path.join(dir, 'secret.txt');
    await fs.promises.writeFile(secret, 'do not copy');
    server.on('/f', (_req, res) => res.writeHead(302, { location: `file://${secret}` }).end());
    const error = await rejection(downloadFile(server.url('/f'), file, fast));
    assert.match(error.message, /redirected to a URL that is not http or https/);
    assert.equal(server.requestsFor('/f').length, 1);
    assert.ok(!fs.existsSync(file));
  });

  it('a malformed Content-Length fails at once as invalid HTTP', async function () {
    server.on('/f', (_req, res) => {
      res.socket!.end('HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nhello');
    });
    const error = await rejection(downloadFile(server.url('/f'), file, fast));
    assert.match(error.message, /not valid HTTP/);
    assert.equal(server.requestsFor('/f').length, 1);
  });
});
