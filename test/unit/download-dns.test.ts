// A download host whose name does not resolve fails at once with what to do (a mirror or a proxy),
// instead of retrying with backoff for a minute while the row says "downloading".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DownloadError, downloadFile } from '../../src/core/download';

describe('download: a host that does not resolve', function () {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-dns-'));
  });
  afterEach(async () => {
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  async function failure(promise: Promise<unknown>): Promise<DownloadError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof DownloadError, `expected a DownloadError, got ${String(error)}`);
      return error;
    }
    assert.fail('expected the download to fail');
  }

  for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
    it(`fails on the first ${code} with the mirror and proxy hint, without retrying`, async function () {
      let calls = 0;
      // What undici's fetch throws: TypeError("fetch failed") caused by the resolver's error.
      const fetchStub = async (): Promise<Response> => {
        calls++;
        const cause = Object.assign(new Error(`getaddrinfo ${code} tfhub.dev`), {
          code,
          hostname: 'tfhub.dev',
        });
        throw new TypeError('fetch failed', { cause });
      };
      const error = await failure(
        downloadFile('https://tfhub.dev/google/x/1?tf-hub-format=compressed', path.join(dir, 'x.tar.gz'), {
          fetch: fetchStub,
          retries: 5,
          backoffMs: 1,
          maxBackoffMs: 1,
          minFreeBytes: 0,
        }),
      );
      assert.equal(error.code, 'dns');
      assert.equal(calls, 1, 'a name that does not resolve is not retried');
      assert.match(error.message, /tfhub\.dev/);
      assert.match(error.message, new RegExp(code));
      assert.match(error.message, /modelGarden\.download\.urlOverrides/);
      assert.match(error.message, /http\.proxy|HTTPS_PROXY/);
      assert.equal(fs.existsSync(path.join(dir, 'x.tar.gz')), false);
    });
  }

  it('still retries a refused connection (not a DNS failure)', async function () {
    let calls = 0;
    const fetchStub = async (): Promise<Response> => {
      calls++;
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    };
    const error = await failure(
      downloadFile('https://example.test/x.tar.gz', path.join(dir, 'x.tar.gz'), {
        fetch: fetchStub,
        retries: 2,
        backoffMs: 1,
        maxBackoffMs: 1,
        minFreeBytes: 0,
      }),
    );
    assert.equal(error.code, 'network');
    assert.equal(calls, 3);
  });

  it('fails fast on a real lookup of a reserved .invalid name', async function () {
    // RFC 2606: .invalid never resolves; with a long backoff a retry would time the test out.
    const error = await failure(
      downloadFile('http://model-garden-nlp.invalid/x.tar.gz', path.join(dir, 'x.tar.gz'), {
        retries: 5,
        backoffMs: 600_000,
        minFreeBytes: 0,
      }),
    );
    assert.equal(error.code, 'dns', error.message);
  });
});
