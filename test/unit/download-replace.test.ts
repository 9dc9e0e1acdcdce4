// Replacing a complete cache entry: `force` keeps the old entry until the new one is complete, and
// a different URL without `force` is refused instead of silently returning the old download.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { DownloadError, ModelCache } from '../../src/core/download';
import { captureIo } from '../support/captureIo';
import { dropAfter, serveBytes, TestServer } from './download-server';
import { tarGz } from './download-tar';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';
const fast = { backoffMs: 1, maxBackoffMs: 5, minFreeBytes: 0, progressIntervalMs: 0 };
const OLD = tarGz([{ name: 'assets/vocab.txt', data: '[PAD]\n[UNK]\nold\n' }]);
const NEW = tarGz([{ name: 'assets/vocab.txt', data: '[PAD]\n[UNK]\nnew\n' }]);

describe('download: replacing a complete entry', function () {
  let server: TestServer;
  let root: string;
  let cache: ModelCache;
  let manifestFile: string;
  let vocabFile: string;

  beforeEach(async function () {
    server = await new TestServer().start();
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-replace-'));
    cache = new ModelCache(root, { download: { ...fast, retries: 1 } });
    server.on('/old.tar.gz', (req, res) => serveBytes(req, res, OLD));
    server.on('/new.tar.gz', (req, res) => serveBytes(req, res, NEW, { etag: '"new"' }));
    const entry = await cache.download(MODEL, 'tokenizer', { url: server.url('/old.tar.gz') });
    manifestFile = path.join(entry.dir, 'manifest.json');
    vocabFile = path.join(entry.contentDir, 'assets', 'vocab.txt');
  });
  afterEach(async function () {
    await server.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  async function assertOldEntryIntact(): Promise<void> {
    const entry = await cache.entry(MODEL, 'tokenizer');
    assert.equal(entry.state, 'complete');
    assert.equal(entry.manifest?.url, server.url('/old.tar.gz'));
    assert.equal(fs.readFileSync(vocabFile, 'utf8'), '[PAD]\n[UNK]\nold\n');
  }

  it('force to a URL that fails (404, dropped connection) keeps the complete entry', async function () {
    await assert.rejects(
      cache.download(MODEL, 'tokenizer', { url: server.url('/missing.tar.gz'), force: true }),
      (e: unknown) => e instanceof DownloadError && e.code === 'http',
    );
    await assertOldEntryIntact();
    server.on('/drops.tar.gz', (_req, res) => dropAfter(res, NEW, 10));
    await assert.rejects(
      cache.download(MODEL, 'tokenizer', { url: server.url('/drops.tar.gz'), force: true }),
      (e: unknown) => e instanceof DownloadError && e.code === 'network',
    );
    await assertOldEntryIntact();
  });

  it('force to a corrupt archive keeps the complete entry', async function () {
    server.on('/corrupt.tar.gz', (req, res) => serveBytes(req, res, Buffer.from('not a tarball at all')));
    await assert.rejects(
      cache.download(MODEL, 'tokenizer', { url: server.url('/corrupt.tar.gz'), force: true }),
      (e: unknown) => e instanceof DownloadError && e.code === 'archive',
    );
    await assertOldEntryIntact();
  });

  it('force to a working URL replaces the entry', async function () {
    const entry = await cache.download(MODEL, 'tokenizer', { url: server.url('/new.tar.gz'), force: true });
    assert.equal(entry.manifest?.url, server.url('/new.tar.gz'));
    assert.equal(fs.readFileSync(vocabFile, 'utf8'), '[PAD]\n[UNK]\nnew\n');
    assert.equal(JSON.parse(fs.readFileSync(manifestFile, 'utf8')).url, server.url('/new.tar.gz'));
  });

  it('another URL without force is a conflict naming both URLs; the same URL is served from the cache', async function () {
    const error = await cache
      .download(MODEL, 'tokenizer', { url: server.url('/new.tar.gz') })
      .then(() => assert.fail('expected a conflict'))
      .catch((e: unknown) => e);
    assert.ok(error instanceof DownloadError && error.code === 'conflict', String(error));
    assert.ok(
      error.message.includes(server.url('/old.tar.gz')) && error.message.includes(server.url('/new.tar.gz')),
    );
    assert.equal(server.requestsFor('/new.tar.gz').length, 0);
    await assertOldEntryIntact();
    const same = await cache.download(MODEL, 'tokenizer', { url: server.url('/old.tar.gz') });
    assert.equal(same.state, 'complete');
    assert.equal(server.requestsFor('/old.tar.gz').length, 1);
  });

  it('the CLI exits 1 on the conflict and says --force is needed', async function () {
    const io = captureIo();
    const code = await main(
      ['download', MODEL, '--what', 'tokenizer', '--cache', root, '--url', server.url('/new.tar.gz')],
      io,
    );
    assert.equal(code, 1);
    assert.match(io.stderr, /already downloaded from .*old\.tar\.gz.*Add --force/s);
    assert.equal(JSON.parse(io.stdout.trim().split('\n').at(-1)!).code, 'conflict');
    await assertOldEntryIntact();
  });
});
