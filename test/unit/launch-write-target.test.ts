// `launch --write` and the file it writes: the permissions of an existing launch.json are kept, a
// read-only one is refused, and a symbolic link (the file or `.vscode`) is not written through
// unless asked; in every refusal nothing changes on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { main } from '../../src/cli';
import { MAX_LAUNCH_FILE_BYTES, upsertEntryInFolder, WriteRefusedError } from '../../src/core/launch';
import { captureIo } from '../support/captureIo';

const ORIGINAL = '{\n  "version": "0.2.0",\n  "configurations": []\n}\n';

async function write(folder: string): Promise<{ code: number; err: string }> {
  const io = captureIo();
  const code = await main(
    [
      'launch',
      '--experiment',
      'bert/squad',
      '--mode',
      'train',
      '--model-dir',
      '/tmp/o',
      '--model',
      'albert_en_base',
      '--source',
      'hub',
      '--write',
      folder,
      '--name',
      'ALBERT',
    ],
    io,
  );
  return { code, err: io.stderr };
}

function names(file: string): string[] {
  return (parse(fs.readFileSync(file, 'utf8')) as { configurations: { name: string }[] }).configurations.map(
    (c) => c.name,
  );
}

describe('launch --write: permissions and links', function () {
  let dir: string;
  let folder: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-write-'));
    folder = path.join(dir, 'project');
    fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
    file = path.join(folder, '.vscode', 'launch.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a launch.json over the size limit is refused with its size before it is read, and left as it was', async () => {
    fs.writeFileSync(file, ORIGINAL);
    fs.truncateSync(file, MAX_LAUNCH_FILE_BYTES + 1);
    const { code, err } = await write(folder);
    assert.equal(code, 1);
    assert.ok(err.includes(`${file}: the launch file is 8.0 MB, more than the limit of 8.0 MB`), err);
    assert.equal(fs.statSync(file).size, MAX_LAUNCH_FILE_BYTES + 1);
    assert.equal(fs.readFileSync(file, 'utf8').slice(0, ORIGINAL.length), ORIGINAL);
  });

  it('keeps the mode of a private (0600) launch.json', async () => {
    fs.writeFileSync(file, ORIGINAL);
    fs.chmodSync(file, 0o600);
    const { code, err } = await write(folder);
    assert.equal(code, 0, err);
    assert.deepEqual(names(file), ['ALBERT']);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['launch.json'], 'no temporary file left');
  });

  it('refuses a read-only launch.json and leaves it as it was', async () => {
    fs.writeFileSync(file, ORIGINAL);
    fs.chmodSync(file, 0o444);
    const { code, err } = await write(folder);
    assert.equal(code, 1);
    assert.ok(err.includes(`${file} is read-only; nothing was written.`), err);
    assert.equal(fs.readFileSync(file, 'utf8'), ORIGINAL);
    assert.equal(fs.statSync(file).mode & 0o777, 0o444);
  });

  it('refuses a launch.json that is a symbolic link, keeping the link and its target', async () => {
    const real = path.join(dir, 'shared-launch.json');
    fs.writeFileSync(real, ORIGINAL);
    fs.symlinkSync(real, file);
    const { code, err } = await write(folder);
    assert.equal(code, 1);
    assert.ok(
      err.includes(`${file} is a symbolic link to ${fs.realpathSync(real)}; not writing through it`),
      err,
    );
    assert.ok(fs.lstatSync(file).isSymbolicLink());
    assert.equal(fs.readFileSync(real, 'utf8'), ORIGINAL);
  });

  it('refuses a .vscode folder that is a link out of the workspace folder', async () => {
    const outside = path.join(dir, 'elsewhere');
    fs.mkdirSync(outside);
    fs.rmSync(path.join(folder, '.vscode'), { recursive: true });
    fs.symlinkSync(outside, path.join(folder, '.vscode'));
    const { code, err } = await write(folder);
    assert.equal(code, 1);
    assert.match(err, /\.vscode is a symbolic link to .*elsewhere; not writing through it/);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('with followLinks (VS Code after asking), writes the link target in place and keeps the link and mode', async () => {
    const real = path.join(dir, 'shared-launch.json');
    fs.writeFileSync(real, ORIGINAL);
    fs.chmodSync(real, 0o640);
    fs.symlinkSync(real, file);
    await assert.rejects(
      upsertEntryInFolder(folder, 'launch', { name: 'A', type: 'debugpy' }),
      (e: unknown) => e instanceof WriteRefusedError && e.reason === 'symlink',
    );
    await upsertEntryInFolder(folder, 'launch', { name: 'A', type: 'debugpy' }, { followLinks: true });
    assert.ok(fs.lstatSync(file).isSymbolicLink());
    assert.deepEqual(names(real), ['A']);
    assert.equal(fs.statSync(real).mode & 0o777, 0o640);
  });
});
