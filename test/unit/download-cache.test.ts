import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CATALOG } from '../../src/core/catalog';
import {
  catalogUrl,
  checkModelId,
  DownloadError,
  hubArchiveUrl,
  ModelCache,
  overridesFromMap,
  type CacheChange,
  type DownloadKind,
} from '../../src/core/download';
import { fixture } from '../fixtures';
import { dropAfter, serveBytes, TestServer } from './download-server';
import { tarGz } from './download-tar';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';
const fast = { backoffMs: 1, maxBackoffMs: 5, minFreeBytes: 0, progressIntervalMs: 0 };

describe('download: the model cache', function () {
  let server: TestServer;
  let root: string;
  let vocab: Buffer;
  let archive: Buffer;

  before(function () {
    vocab = fs.readFileSync(fixture(this, 'vocab', 'bert_uncased_vocab.txt'));
    // The layout of a TF-Hub preprocessing SavedModel: assets/vocab.txt beside saved_model.pb.
    archive = tarGz([
      { name: 'saved_model.pb', data: 'not a real graph' },
      { name: 'assets/', type: 'dir' },
      { name: 'assets/vocab.txt', data: vocab },
    ]);
  });
  beforeEach(async function () {
    server = await new TestServer().start();
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-cache-'));
  });
  afterEach(async function () {
    await server.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  const cacheFor = (template = '/assets/${modelId}/${kind}.tar.gz', download = {}) =>
    new ModelCache(root, {
      urlOverride: overridesFromMap({ '*/tokenizer': server.url(template) }),
      download: { ...fast, ...download },
    });

  it('downloads tokenizer assets into <root>/<id>/tokenizer with a manifest written last', async function () {
    server.on(`/assets/${MODEL}/tokenizer.tar.gz`, (req, res) => serveBytes(req, res, archive));
    const cache = cacheFor();
    assert.equal((await cache.entry(MODEL, 'tokenizer')).state, 'absent');
    const entry = await cache.download(MODEL, 'tokenizer');
    assert.equal(entry.state, 'complete');
    assert.equal(entry.dir, path.join(root, MODEL, 'tokenizer'));
    const manifest = JSON.parse(fs.readFileSync(path.join(entry.dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.url, server.url(`/assets/${MODEL}/tokenizer.tar.gz`));
    assert.equal(manifest.size, archive.length);
    assert.equal(manifest.sha256, createHash('sha256').update(archive).digest('hex'));
    assert.equal(manifest.assets.vocab, 'assets/vocab.txt');
    assert.deepEqual(fs.readFileSync(path.join(entry.contentDir, 'assets', 'vocab.txt')), vocab);
    assert.deepEqual(
      fs.readdirSync(entry.dir).sort(),
      ['files', 'manifest.json'],
      'archive removed after extraction',
    );
    const paths = await cache.assetPaths(MODEL, 'tokenizer');
    assert.equal(paths?.vocab, path.join(entry.contentDir, 'assets', 'vocab.txt'));
    // A second request is served from the cache.
    await cache.download(MODEL, 'tokenizer');
    assert.equal(server.requests.length, 1);
  });

  it('joins a second request for the same model and kind to the one in flight', async function () {
    server.on(`/assets/${MODEL}/tokenizer.tar.gz`, (req, res) =>
      setTimeout(() => serveBytes(req, res, archive), 100),
    );
    const cache = cacheFor();
    const seen: [number, number] = [0, 0];
    const first = cache.download(MODEL, 'tokenizer', { onProgress: () => seen[0]++ });
    assert.ok(cache.isDownloading(MODEL, 'tokenizer'));
    assert.equal((await cache.entry(MODEL, 'tokenizer')).state, 'downloading');
    const second = cache.download(MODEL, 'tokenizer', { onProgress: () => seen[1]++ });
    const [a, b] = await Promise.all([first, second]);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(a.manifest, b.manifest);
    assert.ok(seen[0] > 0 && seen[1] > 0, 'both requests saw progress');
    assert.ok(!cache.isDownloading(MODEL));
  });

  it('keeps a shared download going until every joined request is cancelled', async function () {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.on(
      `/assets/${MODEL}/tokenizer.tar.gz`,
      (req, res) => void gate.then(() => serveBytes(req, res, archive)),
    );
    const cache = cacheFor();
    const one = new AbortController();
    const first = cache.download(MODEL, 'tokenizer', { signal: one.signal });
    const second = cache.download(MODEL, 'tokenizer');
    one.abort();
    await assert.rejects(first, (e: unknown) => e instanceof DownloadError && e.code === 'cancelled');
    release();
    assert.equal((await second).state, 'complete');

    const a = new AbortController();
    const b = new AbortController();
    let gate2: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (gate2 = resolve));
    server.on(
      `/assets/electra_small/tokenizer.tar.gz`,
      (req, res) => void held.then(() => serveBytes(req, res, archive)),
    );
    const x = cache.download('electra_small', 'tokenizer', { signal: a.signal });
    const y = cache.download('electra_small', 'tokenizer', { signal: b.signal });
    a.abort();
    b.abort();
    await assert.rejects(x);
    await assert.rejects(y);
    gate2();
    // The shared download itself was aborted: the entry never becomes complete.
    for (let i = 0; i < 100 && cache.isDownloading('electra_small'); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.notEqual((await cache.entry('electra_small', 'tokenizer')).state, 'complete');
  });

  it('never shows a failed download as complete, and resumes it next time', async function () {
    const url = `/assets/${MODEL}/tokenizer.tar.gz`;
    server.on(url, (req, res, i) =>
      i === 0
        ? dropAfter(
            res,
            archive,
            1000,
            undefined,
            path.join(root, MODEL, 'tokenizer', 'download.tar.gz.part'),
          )
        : serveBytes(req, res, archive),
    );
    const cache = cacheFor(undefined, { retries: 0 });
    await assert.rejects(
      cache.download(MODEL, 'tokenizer'),
      (e: unknown) => e instanceof DownloadError && e.code === 'network',
    );
    const partial = await cache.entry(MODEL, 'tokenizer');
    assert.equal(partial.state, 'partial');
    assert.ok(partial.bytesOnDisk >= 1000);
    assert.ok(!fs.existsSync(path.join(partial.dir, 'manifest.json')));
    assert.equal((await cache.download(MODEL, 'tokenizer')).state, 'complete');
    assert.equal(server.requestsFor(url)[1].headers.range, 'bytes=1000-');
  });

  it('does not look complete when the archive is unsafe', async function () {
    server.on(`/assets/${MODEL}/tokenizer.tar.gz`, (req, res) =>
      serveBytes(req, res, tarGz([{ name: '../../../../evil.txt', data: 'x' }])),
    );
    const cache = cacheFor();
    await assert.rejects(
      cache.download(MODEL, 'tokenizer'),
      (e: unknown) => e instanceof DownloadError && e.code === 'unsafe-archive',
    );
    assert.notEqual((await cache.entry(MODEL, 'tokenizer')).state, 'complete');
    assert.ok(
      !fs.existsSync(path.join(root, 'evil.txt')) && !fs.existsSync(path.join(root, MODEL, 'evil.txt')),
    );
  });

  it('lists entries with sizes and deletes them', async function () {
    server.on(`/assets/${MODEL}/tokenizer.tar.gz`, (req, res) => serveBytes(req, res, archive));
    server.on(`/assets/albert_en_base/tokenizer.tar.gz`, (req, res) => serveBytes(req, res, archive));
    const cache = cacheFor();
    const changes: CacheChange[] = [];
    cache.onDidChange((c) => changes.push(c));
    await cache.download(MODEL, 'tokenizer');
    await cache.download('albert_en_base', 'tokenizer');
    const listed = await cache.list();
    assert.deepEqual(
      listed.map((e) => `${e.modelId}/${e.kind}/${e.state}`),
      ['albert_en_base/tokenizer/complete', `${MODEL}/tokenizer/complete`],
    );
    for (const entry of listed)
      assert.ok(entry.bytesOnDisk > vocab.length, 'size counts the extracted files');
    const freed = await cache.remove(MODEL);
    assert.ok(freed > vocab.length);
    assert.ok(!fs.existsSync(path.join(root, MODEL)));
    assert.deepEqual(
      (await cache.list()).map((e) => e.modelId),
      ['albert_en_base'],
    );
    assert.ok(changes.some((c) => c.modelId === MODEL && c.state === 'complete'));
    assert.ok(changes.some((c) => c.modelId === MODEL && c.state === 'absent'));
  });

  it('reports an unreadable manifest as corrupt, naming the file', async function () {
    const dir = path.join(root, MODEL, 'checkpoint');
    await fs.promises.mkdir(path.join(dir, 'files'), { recursive: true });
    await fs.promises.writeFile(path.join(dir, 'manifest.json'), '{ not json');
    const entry = await new ModelCache(root).entry(MODEL, 'checkpoint');
    assert.equal(entry.state, 'corrupt');
    assert.ok(entry.problem?.includes(path.join(dir, 'manifest.json')));
  });

  it('refuses kinds the catalog does not have, and unsafe model ids', async function () {
    const cache = new ModelCache(root);
    const hubOnly = CATALOG.find((m) => !m.checkpointUrl)!;
    await assert.rejects(
      cache.download(hubOnly.id, 'checkpoint'),
      (e: unknown) => e instanceof DownloadError && e.code === 'unavailable',
    );
    const noHub = CATALOG.find((m) => !m.hubUrl)!;
    await assert.rejects(cache.download(noHub.id, 'hub'), /no TF-Hub SavedModel/);
    await assert.rejects(cache.download('no_such_model', 'checkpoint'), /Unknown catalog model/);
    for (const bad of ['../x', '.', '..', 'a/b', '']) assert.throws(() => checkModelId(bad), DownloadError);
    assert.equal(fs.readdirSync(root).length, 0);
  });
});

describe('download: sources and URL overrides', function () {
  it('appends ?tf-hub-format=compressed to TF-Hub handles', function () {
    assert.equal(
      hubArchiveUrl('https://tfhub.dev/tensorflow/bert_en_uncased_preprocess/3'),
      'https://tfhub.dev/tensorflow/bert_en_uncased_preprocess/3?tf-hub-format=compressed',
    );
    assert.equal(hubArchiveUrl('https://x/y/?a=1'), 'https://x/y/?a=1&tf-hub-format=compressed');
    assert.equal(
      hubArchiveUrl('https://x/y?tf-hub-format=compressed'),
      'https://x/y?tf-hub-format=compressed',
    );
  });

  it('maps each kind to the catalog URL', function () {
    for (const model of CATALOG) {
      assert.equal(catalogUrl(model, 'checkpoint'), model.checkpointUrl);
      assert.equal(catalogUrl(model, 'hub'), model.hubUrl && `${model.hubUrl}?tf-hub-format=compressed`);
      assert.equal(
        catalogUrl(model, 'tokenizer'),
        model.preprocessUrl && `${model.preprocessUrl}?tf-hub-format=compressed`,
      );
    }
  });

  it('resolves override keys from most to least specific and fills templates', function () {
    const model = CATALOG.find((m) => m.id === MODEL)!;
    const override = overridesFromMap(
      {
        [`${MODEL}/checkpoint`]: 'http://m/${modelId}/${file}',
        '*/checkpoint': 'http://any/${file}',
        '*/*': 'http://all/${modelId}/${kind}',
      },
      (id) => CATALOG.find((m) => m.id === id),
    );
    const kinds: DownloadKind[] = ['checkpoint', 'hub'];
    assert.deepEqual(
      kinds.map((k) => override(MODEL, k)),
      [`http://m/${MODEL}/${path.posix.basename(model.checkpointUrl!)}`, `http://all/${MODEL}/hub`],
    );
    assert.equal(override('albert_en_base', 'checkpoint'), 'http://any/albert_base.tar.gz');
    assert.equal(overridesFromMap({})(MODEL, 'hub'), undefined);
  });
});

describe('download: assets for other features', function () {
  it('finds the tokenizer file and checkpoint prefix of complete entries only', async function () {
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-assets-'));
    try {
      const cache = new ModelCache(root);
      const write = async (kind: DownloadKind, assets: Record<string, unknown>, files: string[]) => {
        const dir = path.join(root, MODEL, kind);
        for (const f of files) {
          await fs.promises.mkdir(path.dirname(path.join(dir, 'files', f)), { recursive: true });
          await fs.promises.writeFile(path.join(dir, 'files', f), 'x');
        }
        const manifest = {
          version: 1,
          modelId: MODEL,
          kind,
          url: 'u',
          finalUrl: 'u',
          size: 1,
          sha256: '0',
          date: '',
          state: 'complete',
          assets,
        };
        await fs.promises.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      };
      assert.equal(await cache.tokenizerFile(MODEL), undefined);
      const none = {
        vocab: null,
        sentencepiece: null,
        checkpointPrefix: null,
        savedModel: null,
        configs: [],
      };
      await write(
        'checkpoint',
        { ...none, vocab: 'raw/vocab.txt', checkpointPrefix: 'raw/bert_model.ckpt' },
        ['raw/vocab.txt'],
      );
      assert.deepEqual(await cache.tokenizerFile(MODEL), {
        kind: 'wordpiece',
        path: path.join(root, MODEL, 'checkpoint', 'files', 'raw', 'vocab.txt'),
        from: 'checkpoint',
      });
      assert.equal(
        await cache.checkpointPrefix(MODEL),
        path.join(root, MODEL, 'checkpoint', 'files', 'raw', 'bert_model.ckpt'),
      );
      await write('tokenizer', { ...none, sentencepiece: 'assets/sp.model' }, ['assets/sp.model']);
      assert.equal((await cache.tokenizerFile(MODEL))?.from, 'tokenizer');
      // Without its manifest, a download is not used.
      await fs.promises.rm(path.join(root, MODEL, 'tokenizer', 'manifest.json'));
      assert.equal((await cache.tokenizerFile(MODEL))?.from, 'checkpoint');
    } finally {
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });
});

describe('download: interrupted extraction', function () {
  it('reuses the complete archive when only the extraction was cancelled', async function () {
    const server = await new TestServer().start();
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-reuse-'));
    try {
      const files = Array.from({ length: 200 }, (_, i) => ({
        name: `assets/f${i}.txt`,
        data: 'y'.repeat(2000),
      }));
      const archive = tarGz([{ name: 'assets/vocab.txt', data: '[PAD]\n' }, ...files]);
      server.on('/t.tar.gz', (req, res) => serveBytes(req, res, archive));
      const cache = new ModelCache(root, { urlOverride: () => server.url('/t.tar.gz'), download: fast });
      const controller = new AbortController();
      let modelFolderDuringExtraction: string[] = [];
      await assert.rejects(
        cache.download(MODEL, 'tokenizer', {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase !== 'extract') return;
            modelFolderDuringExtraction = fs.readdirSync(path.join(root, MODEL, 'tokenizer'));
            controller.abort();
          },
        }),
        (e: unknown) => e instanceof DownloadError && e.code === 'cancelled',
      );
      assert.equal((await cache.entry(MODEL, 'tokenizer')).state, 'partial');
      // Half-extracted files never sit in the model's folder, where a search for vocab.txt looks.
      assert.deepEqual(modelFolderDuringExtraction.sort(), [
        'download.lock',
        'download.tar.gz',
        'download.tar.gz.json',
      ]);
      assert.deepEqual(fs.readdirSync(path.join(root, '.partial')), []);
      const entry = await cache.download(MODEL, 'tokenizer');
      assert.equal(entry.state, 'complete');
      assert.equal(server.requests.length, 1, 'the archive was not downloaded again');
      assert.equal(entry.manifest?.sha256, createHash('sha256').update(archive).digest('hex'));
      assert.equal(fs.readdirSync(path.join(entry.contentDir, 'assets')).length, 201);
    } finally {
      await server.close();
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });
});

describe('download: one process per download folder', function () {
  let server: TestServer;
  let root: string;
  beforeEach(async function () {
    server = await new TestServer().start();
    server.on('/t.tar.gz', (req, res) =>
      serveBytes(req, res, tarGz([{ name: 'assets/vocab.txt', data: '[PAD]\n' }])),
    );
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-lock-'));
  });
  afterEach(async function () {
    await server.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  const lockWith = async (pid: number) => {
    const dir = path.join(root, MODEL, 'tokenizer');
    await fs.promises.mkdir(dir, { recursive: true });
    await fs.promises.writeFile(
      path.join(dir, 'download.lock'),
      JSON.stringify({ pid, host: os.hostname(), date: '' }),
    );
  };

  it('refuses while a live process holds the lock, without a request', async function () {
    await lockWith(process.pid);
    const cache = new ModelCache(root, { urlOverride: () => server.url('/t.tar.gz'), download: fast });
    await assert.rejects(
      cache.download(MODEL, 'tokenizer'),
      (e: unknown) =>
        e instanceof DownloadError && e.code === 'busy' && e.message.includes(String(process.pid)),
    );
    assert.equal(server.requests.length, 0);
  });

  it('takes over a lock left by a process that is gone, and releases it', async function () {
    const { spawnSync } = await import('node:child_process');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await lockWith(Number(gone.stdout.toString()));
    const cache = new ModelCache(root, { urlOverride: () => server.url('/t.tar.gz'), download: fast });
    const entry = await cache.download(MODEL, 'tokenizer');
    assert.equal(entry.state, 'complete');
    assert.ok(!fs.existsSync(path.join(entry.dir, 'download.lock')));
  });
});
