// A download must hold what its kind promises; a partial download lists its own folder, not files/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { DownloadError, ModelCache, overridesFromMap } from '../../src/core/download';
import { captureIo } from '../support/captureIo';
import { serveBytes, TestServer } from './download-server';
import { tarGz } from './download-tar';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';
const fast = { backoffMs: 1, maxBackoffMs: 5, minFreeBytes: 0, progressIntervalMs: 0 };

describe('download: content checked against its kind', function () {
  let server: TestServer;
  let root: string;
  beforeEach(async () => {
    server = await new TestServer().start();
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-content-'));
  });
  afterEach(async () => {
    await server.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  const cacheServing = (archive: Buffer) => {
    server.on('/x.tar.gz', (req, res) => serveBytes(req, res, archive));
    return new ModelCache(root, {
      urlOverride: overridesFromMap({ '*/*': server.url('/x.tar.gz') }),
      download: fast,
    });
  };

  it('refuses a "checkpoint" tarball without an .index, listing what it held, keeping nothing', async () => {
    const cache = cacheServing(
      tarGz([
        { name: 'uncased_L-12_H-768_A-12/', type: 'dir' },
        { name: 'uncased_L-12_H-768_A-12/vocab.txt', data: '[PAD]\n' },
        { name: 'uncased_L-12_H-768_A-12/bert_config.json', data: '{}' },
      ]),
    );
    await assert.rejects(cache.download(MODEL, 'checkpoint'), (error: unknown) => {
      assert.ok(error instanceof DownloadError);
      assert.equal(error.code, 'archive');
      assert.match(error.message, /is not a TensorFlow checkpoint/);
      assert.match(error.message, /uncased_L-12_H-768_A-12\/bert_config\.json/);
      assert.match(error.message, /uncased_L-12_H-768_A-12\/vocab\.txt/);
      return true;
    });
    const entry = await cache.entry(MODEL, 'checkpoint');
    assert.notEqual(entry.state, 'complete');
    assert.equal(fs.existsSync(entry.contentDir), false, 'the extracted files were kept');
    assert.equal(fs.existsSync(path.join(entry.dir, 'download.tar.gz')), false, 'the archive was kept');
  });

  it('refuses a "tokenizer" without vocab.txt or a SentencePiece model', async () => {
    const cache = cacheServing(tarGz([{ name: 'saved_model.pb', data: 'graph' }]));
    await assert.rejects(cache.download(MODEL, 'tokenizer'), /is not tokenizer assets.*saved_model\.pb/);
    assert.notEqual((await cache.entry(MODEL, 'tokenizer')).state, 'complete');
  });

  it('accepts a checkpoint with its index and data shard', async () => {
    const cache = cacheServing(
      tarGz([
        { name: 'raw/bert_model.ckpt.index', data: 'index' },
        { name: 'raw/bert_model.ckpt.data-00000-of-00001', data: 'data' },
      ]),
    );
    const entry = await cache.download(MODEL, 'checkpoint');
    assert.equal(entry.state, 'complete');
    assert.equal(entry.manifest?.assets.checkpointPrefix, 'raw/bert_model.ckpt');
  });

  it('cache list --json gives a partial download its own folder, not a files/ that does not exist', async () => {
    const dir = path.join(root, MODEL, 'checkpoint');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'download.tar.gz.part'), Buffer.alloc(1000));
    const io = captureIo();
    assert.equal(await main(['cache', 'list', '--json', '--cache', root], io), 0);
    const listed = JSON.parse(io.stdout) as { entries: { kind: string; state: string; dir: string }[] };
    const partial = listed.entries.find((e) => e.kind === 'checkpoint');
    assert.ok(partial);
    assert.equal(partial.state, 'partial');
    assert.ok(fs.existsSync(partial.dir), `${partial.dir} does not exist`);
    assert.equal(partial.dir, dir);
  });
});
