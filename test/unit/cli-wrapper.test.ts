import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { posixWrapper, windowsWrapper, writeWrappers } from '../../src/vscode/cli/wrapper';

describe('model-garden terminal wrappers', function () {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mg wrapper's-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the POSIX wrapper runs the CLI with the given executable as Node, passing every argument through', function () {
    if (process.platform === 'win32') this.skip();
    // A stand-in CLI in a folder whose name needs quoting; it echoes its arguments and the Electron flag.
    const cli = path.join(tmp, 'dist', 'cli.js');
    fs.mkdirSync(path.dirname(cli));
    fs.writeFileSync(
      cli,
      'console.log(JSON.stringify({ args: process.argv.slice(2), asNode: process.env.ELECTRON_RUN_AS_NODE }))',
    );
    const files = writeWrappers(path.join(tmp, 'bin'), process.execPath, cli, 'linux');
    assert.equal(files.command, path.join(tmp, 'bin', 'model-garden'));
    assert.ok(fs.statSync(files.command).mode & 0o100, 'not executable');
    const out = JSON.parse(
      execFileSync(files.command, ['catalog', '--search', "it's a $HOME test"], { encoding: 'utf8' }),
    );
    assert.deepEqual(out, { args: ['catalog', '--search', "it's a $HOME test"], asNode: '1' });
  });

  it('quotes paths for sh, writes a cmd wrapper for Windows, and refuses what cmd cannot quote', function () {
    assert.match(posixWrapper("/a b/it's", '/c/cli.js'), /exec '\/a b\/it'\\''s' '\/c\/cli\.js' "\$@"\n$/);
    const cmd = windowsWrapper('C:\\Program Files\\Code\\Code.exe', 'C:\\ext\\dist\\cli.js');
    assert.match(cmd, /^@echo off\r\n/);
    assert.match(
      cmd,
      /set ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Code\\Code\.exe" "C:\\ext\\dist\\cli\.js" %\*\r\n$/,
    );
    assert.throws(() => windowsWrapper('C:\\100%\\node.exe', 'cli.js'), /containing " or %/);
  });

  it('a missing bundled CLI is an error, not a wrapper that fails later', function () {
    assert.throws(
      () => writeWrappers(path.join(tmp, 'bin'), process.execPath, path.join(tmp, 'nowhere', 'cli.js')),
      /The bundled CLI is missing/,
    );
    assert.ok(!fs.existsSync(path.join(tmp, 'bin')));
  });
});
