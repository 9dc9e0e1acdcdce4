import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { defaultCacheDir } from '../../src/core/download';
import { fixture } from '../fixtures';
import { captureIo } from '../support/captureIo';
import { serveBytes, TestServer } from './download-server';
import { tarGz } from './download-tar';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';

describe('download: model-garden download and cache', function () {
  let server: TestServer;
  let root: string;
  let vocab: Buffer;

  before(function () {
    vocab = fs.readFileSync(fixture(this, 'vocab', 'bert_uncased_vocab.txt'));
  });
  beforeEach(async function () {
    server = await new TestServer().start();
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-cli-'));
    server.on('/pre.tar.gz', (req, res) =>
      serveBytes(
        req,
        res,
        tarGz([
          { name: 'assets/vocab.txt', data: vocab },
          { name: 'saved_model.pb', data: 'x' },
        ]),
      ),
    );
  });
  afterEach(async function () {
    await server.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('a failed attempt is reported with its reason and the next attempt before the retry', async function () {
    server.on('/flaky.tar.gz', (req, res, i) => {
      if (i === 0) {
        res.writeHead(503, 'Service Unavailable');
        res.end();
        return;
      }
      serveBytes(req, res, tarGz([{ name: 'assets/vocab.txt', data: vocab }]));
    });
    const io = captureIo(false);
    const code = await main(
      ['download', MODEL, '--what', 'tokenizer', '--cache', root, '--url', server.url('/flaky.tar.gz')],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const lines = io.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; retrying?: { reason: string; attempt: number } });
    const retry = lines.findIndex((l) => l.retrying);
    assert.ok(retry >= 0, io.stdout);
    assert.match(lines[retry].retrying!.reason, /HTTP 503/);
    assert.equal(lines[retry].retrying!.attempt, 2);
    assert.equal(lines.at(-1)!.event, 'done');
  });

  it('downloads with JSON progress lines off a terminal, then lists and removes', async function () {
    const io = captureIo(false);
    const code = await main(
      ['download', MODEL, '--what', 'tokenizer', '--cache', root, '--url', server.url('/pre.tar.gz')],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const lines = io.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.event === 'progress' && l.phase === 'download'));
    const done = lines.at(-1)!;
    assert.equal(done.event, 'done');
    const assets = done.assets as { vocab: string };
    assert.deepEqual(fs.readFileSync(assets.vocab), vocab);
    assert.ok(assets.vocab.startsWith(path.join(root, MODEL, 'tokenizer')));

    const list = captureIo();
    assert.equal(await main(['cache', 'list', '--cache', root, '--json'], list), 0);
    const listed = JSON.parse(list.stdout) as {
      entries: { modelId: string; kind: string; state: string; bytesOnDisk: number }[];
    };
    assert.deepEqual(
      listed.entries.map((e) => [e.modelId, e.kind, e.state]),
      [[MODEL, 'tokenizer', 'complete']],
    );
    assert.ok(listed.entries[0].bytesOnDisk >= vocab.length);

    const text = captureIo();
    assert.equal(await main(['cache', '--cache', root], text), 0);
    assert.match(text.stdout, new RegExp(`${MODEL}\\s+tokenizer\\s+complete`));

    const rm = captureIo();
    assert.equal(await main(['cache', 'rm', MODEL, '--cache', root], rm), 0);
    assert.match(rm.stdout, /freed/);
    assert.ok(!fs.existsSync(path.join(root, MODEL)));
    const again = captureIo();
    assert.equal(await main(['cache', 'rm', MODEL, '--cache', root], again), 1);
    assert.match(again.stderr, /nothing cached/);
  });

  it('reports a 404 with exit code 1 and an error line', async function () {
    const io = captureIo();
    const code = await main(
      ['download', MODEL, '--what', 'tokenizer', '--cache', root, '--url', server.url('/nope')],
      io,
    );
    assert.equal(code, 1);
    assert.match(io.stderr, /404/);
    const last = JSON.parse(io.stdout.trim().split('\n').at(-1)!) as { event: string; code: string };
    assert.deepEqual([last.event, last.code], ['error', 'http']);
  });

  it('rejects bad arguments with usage errors', async function () {
    for (const argv of [
      ['download'],
      ['download', 'no_such_model'],
      ['download', MODEL, '--what', 'weights'],
      ['download', MODEL, '--url', 'file:///etc/passwd'],
      ['download', 'talkheads_ggelu_bert_en_base', '--what', 'checkpoint', '--cache', root],
      ['cache', 'rm', '../etc', '--cache', root],
      ['cache', 'frobnicate', '--cache', root],
    ]) {
      const io = captureIo();
      const code = await main(argv, io);
      assert.notEqual(code, 0, argv.join(' '));
      assert.ok(io.stderr.length > 0, argv.join(' '));
    }
    assert.deepEqual(fs.readdirSync(root), []);
  });

  it('uses MODEL_GARDEN_CACHE, else ~/.cache/model-garden', function () {
    assert.equal(defaultCacheDir({ MODEL_GARDEN_CACHE: '/x/y' }), path.resolve('/x/y'));
    assert.equal(defaultCacheDir({}), path.join(os.homedir(), '.cache', 'model-garden'));
  });
});
