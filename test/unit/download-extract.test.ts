import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import * as tar from 'tar';
import {
  DownloadError,
  extractArchive,
  extractedSizeEstimate,
  locateAssets,
  unsafeReason,
} from '../../src/core/download';
import { fixture } from '../fixtures';
import { tarGz, type TarEntrySpec } from './download-tar';

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string) => {
    for (const entry of await fs.promises.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(child);
      if (entry.isDirectory()) await visit(child);
    }
  };
  await visit('');
  return out.sort();
}

describe('download: safe tar.gz extraction', function () {
  let dir: string;
  let sandbox: string;
  let target: string;

  beforeEach(async function () {
    // dir/sandbox/target is where things go; dir/ (outside) must stay untouched.
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-x-'));
    sandbox = path.join(dir, 'a', 'b');
    await fs.promises.mkdir(sandbox, { recursive: true });
    target = path.join(sandbox, 'target');
  });
  afterEach(async function () {
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  async function refuse(entries: TarEntrySpec[]): Promise<DownloadError> {
    const archive = path.join(dir, 'evil.tar.gz');
    await fs.promises.writeFile(archive, tarGz(entries));
    const before = await listTree(dir);
    try {
      await extractArchive(archive, target);
    } catch (error) {
      assert.ok(error instanceof DownloadError, String(error));
      assert.deepEqual(await listTree(dir), before, 'nothing written anywhere, not even the target');
      return error;
    }
    assert.fail('the archive was extracted');
  }

  it('refuses ../ entries and writes nothing outside', async function () {
    const error = await refuse([
      { name: 'ok.txt', data: 'fine' },
      { name: '../escaped.txt', data: 'bad' },
      { name: 'sub/../../../escaped2.txt', data: 'bad' },
    ]);
    assert.equal(error.code, 'unsafe-archive');
    assert.match(error.message, /\.\.\/escaped\.txt/);
    assert.ok(!fs.existsSync(path.join(sandbox, 'escaped.txt')));
  });

  it('refuses absolute paths', async function () {
    const outside = path.join(dir, 'abs-target.txt');
    const error = await refuse([{ name: outside, data: 'bad' }]);
    assert.equal(error.code, 'unsafe-archive');
    assert.match(error.message, /absolute path/);
    assert.ok(!fs.existsSync(outside));
  });

  it('refuses a symlink pointing outside, and a file written through it', async function () {
    const error = await refuse([
      { name: 'link', type: 'symlink', linkname: '../../..' },
      { name: 'link/pwned.txt', data: 'bad' },
      { name: 'abs', type: 'symlink', linkname: dir },
    ]);
    assert.equal(error.code, 'unsafe-archive');
    assert.ok(!fs.existsSync(path.join(dir, 'pwned.txt')));
    // A link that resolves to the parent folder itself is outside too.
    for (const [name, target] of [
      ['up', '..'],
      ['a/up', '../..'],
      ['a/b/up', '../../../'],
    ])
      assert.match(
        unsafeReason(name, { type: 'SymbolicLink', linkpath: target }) ?? 'accepted',
        /outside the folder/,
        name,
      );
  });

  it('refuses a symlink that climbs out after descending through another link', async function () {
    const error = await refuse([
      { name: 'x/up', type: 'symlink', linkname: '..' },
      { name: 'esc', type: 'symlink', linkname: 'x/up/..' },
    ]);
    assert.equal(error.code, 'unsafe-archive');
  });

  it('refuses hard links to files outside', async function () {
    await fs.promises.writeFile(path.join(dir, 'secret.txt'), 'secret');
    const error = await refuse([{ name: 'hard', type: 'hardlink', linkname: '../../secret.txt' }]);
    assert.equal(error.code, 'unsafe-archive');
  });

  it('refuses device and fifo entries', async function () {
    const error = await refuse([{ name: 'pipe', type: 'fifo' }]);
    assert.equal(error.code, 'unsafe-archive');
  });

  it('reports a corrupt archive as an archive error and leaves no folder', async function () {
    const good = tarGz([{ name: 'a.txt', data: 'x'.repeat(5000) }]);
    const archive = path.join(dir, 'cut.tar.gz');
    await fs.promises.writeFile(archive, good.subarray(0, Math.floor(good.length / 2)));
    await assert.rejects(
      extractArchive(archive, target),
      (e: unknown) => e instanceof DownloadError && e.code === 'archive',
    );
    assert.deepEqual(await fs.promises.readdir(sandbox), []);
  });

  it('extracts a safe archive with an inward symlink and a hard link', async function () {
    const archive = path.join(dir, 'ok.tar.gz');
    await fs.promises.writeFile(
      archive,
      tarGz([
        { name: 'd/', type: 'dir' },
        { name: 'd/a.txt', data: 'alpha' },
        { name: 'd/sym', type: 'symlink', linkname: 'a.txt' },
        { name: 'top', type: 'symlink', linkname: 'd/a.txt' },
        { name: 'hard', type: 'hardlink', linkname: 'd/a.txt' },
      ]),
    );
    await extractArchive(archive, target);
    assert.equal(await fs.promises.readFile(path.join(target, 'd', 'sym'), 'utf8'), 'alpha');
    assert.equal(await fs.promises.readFile(path.join(target, 'top'), 'utf8'), 'alpha');
    assert.equal(await fs.promises.readFile(path.join(target, 'hard'), 'utf8'), 'alpha');
    assert.deepEqual(await fs.promises.readdir(sandbox), ['target'], 'the temp folder was renamed away');
  });

  it('strips setuid, setgid and sticky bits, keeping the permission bits', async function () {
    const archive = path.join(dir, 'modes.tar.gz');
    await fs.promises.writeFile(
      archive,
      tarGz([
        { name: 'd/', type: 'dir', mode: 0o3775 },
        { name: 'd/suid', data: '#!/bin/sh\n', mode: 0o4755 },
        { name: 'd/sgid', data: 'x', mode: 0o2750 },
        { name: 'plain', data: 'y', mode: 0o640 },
      ]),
    );
    await extractArchive(archive, target);
    const mode = (name: string) => fs.statSync(path.join(target, name)).mode & 0o7777;
    assert.equal(mode('d/suid'), 0o755 & ~process.umask());
    assert.equal(mode('d/sgid'), 0o750 & ~process.umask());
    assert.equal(mode('plain'), 0o640 & ~process.umask());
    assert.equal(mode('d') & 0o7000, 0, `folder mode ${mode('d').toString(8)}`);
  });

  it('replaces an existing folder and finds a nested checkpoint (tmp/temp_dir/raw layout)', async function () {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const staging = path.join(dir, 'staging', 'tmp', 'temp_dir', 'raw');
    await fs.promises.mkdir(staging, { recursive: true });
    const names = fs.readdirSync(src).filter((n) => n.startsWith('bert_') || n === 'vocab.txt');
    for (const name of names) await fs.promises.copyFile(path.join(src, name), path.join(staging, name));
    const archive = path.join(dir, 'ckpt.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: path.join(dir, 'staging') }, ['tmp']);
    await fs.promises.mkdir(path.join(target, 'stale'), { recursive: true });
    await extractArchive(archive, target);
    assert.ok(!fs.existsSync(path.join(target, 'stale')));
    for (const name of names) {
      assert.deepEqual(
        await fs.promises.readFile(path.join(target, 'tmp', 'temp_dir', 'raw', name)),
        await fs.promises.readFile(path.join(src, name)),
      );
    }
    const assets = await locateAssets(target);
    const index = names.find((n) => n.endsWith('.index'))!;
    assert.equal(assets.checkpointPrefix, 'tmp/temp_dir/raw/' + index.slice(0, -'.index'.length));
    assert.equal(assets.vocab, 'tmp/temp_dir/raw/vocab.txt');
    assert.deepEqual(assets.configs, ['tmp/temp_dir/raw/bert_config.json']);
    assert.equal(assets.savedModel, null);
  });

  it('locates a SavedModel, its assets and a state-file checkpoint', async function () {
    const root = path.join(dir, 'tree');
    const write = async (rel: string, text = '') => {
      await fs.promises.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.promises.writeFile(path.join(root, rel), text);
    };
    await write('saved_model.pb');
    await write('variables/variables.index');
    await write('variables/variables.data-00000-of-00001');
    await write('assets/30k-clean.model');
    await write(
      'small/checkpoint',
      'model_checkpoint_path: "ckpt-7"\nall_model_checkpoint_paths: "ckpt-7"\n',
    );
    await write('small/ckpt-7.index');
    await write('small/ckpt-7.data-00000-of-00001');
    await write('small/ckpt-3.index');
    await write('small/ckpt-3.data-00000-of-00001');
    const assets = await locateAssets(root);
    assert.equal(assets.savedModel, '.');
    assert.equal(assets.sentencepiece, 'assets/30k-clean.model');
    assert.equal(assets.vocab, null);
    assert.equal(assets.checkpointPrefix, 'small/ckpt-7');
  });

  it('accepts every plain relative path (property)', function () {
    const segment = fc
      .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/)
      .filter((s) => s !== '..' && s !== '.');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        assert.equal(unsafeReason(segments.join('/'), { type: 'File' }), undefined);
      }),
    );
  });

  it('refuses any path with a .. segment (property)', function () {
    const segment = fc.constantFrom('a', 'b', '..', '.', 'c.txt');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const p = segments.join('/');
        assert.equal(unsafeReason(p, { type: 'File' }) !== undefined, segments.includes('..'));
      }),
    );
  });
});

describe('download: extraction disk check', function () {
  it('estimates the extracted size from the gzip trailer and refuses when it does not fit', async function () {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-xdisk-'));
    try {
      const payload = 'z'.repeat(300_000); // compresses to a few hundred bytes
      const archive = path.join(dir, 'a.tar.gz');
      await fs.promises.writeFile(archive, tarGz([{ name: 'big.txt', data: payload }]));
      const estimate = await extractedSizeEstimate(archive);
      // A tar of one file: 512-byte header + data padded to 512 + two 512-byte end blocks.
      assert.equal(estimate, 512 + Math.ceil(payload.length / 512) * 512 + 1024);
      assert.ok(fs.statSync(archive).size < 10_000);
      const target = path.join(dir, 'out');
      await assert.rejects(
        extractArchive(archive, target, { freeSpace: async () => estimate - 1, minFreeBytes: 0 }),
        (e: unknown) => e instanceof DownloadError && e.code === 'disk',
      );
      assert.ok(!fs.existsSync(target));
      await extractArchive(archive, target, { freeSpace: async () => estimate, minFreeBytes: 0 });
      assert.equal(fs.readFileSync(path.join(target, 'big.txt'), 'utf8'), payload);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});
