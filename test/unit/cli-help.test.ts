import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_NAMES, main } from '../../src/cli';
import { COMMAND_HELP } from '../../src/cli/help';
import { repoRoot, skipBecause } from '../fixtures';
import { captureIo } from '../support/captureIo';

describe('model-garden --help', () => {
  it('knows twelve subcommands', () => {
    assert.deepEqual([...COMMAND_NAMES].sort(), [
      'bench',
      'cache',
      'catalog',
      'download',
      'infer',
      'inspect',
      'launch',
      'resolve',
      'runs',
      'scalars',
      'tokenize',
      'validate',
    ]);
  });

  for (const name of COMMAND_NAMES) {
    for (const flag of ['--help', '-h']) {
      it(`${name} ${flag} prints that command's help and exits 0`, async () => {
        const io = captureIo();
        // Help wins over other (even incomplete or wrong) arguments.
        assert.equal(await main([name, '--json', flag], io), 0, io.stderr);
        assert.equal(io.stderr, '');
        assert.match(io.stdout, new RegExp(`^Usage: model-garden ${name}\\b`));
        assert.match(io.stdout, /\nOptions:\n/);
        assert.match(io.stdout, /-h, --help +print this help/);
        assert.ok(io.stdout.includes(COMMAND_HELP[name].summary), 'the summary is printed');
      });
    }

    it(`${name}'s help explains every flag of its usage line`, async () => {
      const io = captureIo();
      assert.equal(await main(['help', name], io), 0);
      const [usageLine, ...rest] = io.stdout.split('\n');
      const explained = rest.join('\n');
      for (const flag of new Set(usageLine.match(/--[a-z][a-z0-9-]*/g) ?? [])) {
        assert.ok(explained.includes(flag), `${name} --help does not explain ${flag}`);
      }
    });
  }

  it('prints every command at the top level with --help, -h and help (exit 0)', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const io = captureIo();
      assert.equal(await main([flag], io), 0);
      for (const name of COMMAND_NAMES) assert.match(io.stdout, new RegExp(`\\n  model-garden ${name}\\b`));
      assert.match(io.stdout, /model-garden <command> --help/);
    }
  });

  it('without a command prints the overview on stderr and exits 2', async () => {
    const io = captureIo();
    assert.equal(await main([], io), 2);
    assert.equal(io.stdout, '');
    assert.match(io.stderr, /^Usage: model-garden <command>/);
  });

  it('treats -h after "--" as an argument, not a help request', async () => {
    const io = captureIo();
    assert.notEqual(await main(['validate', '--', '-h'], io), 0);
    assert.match(io.stderr, /-h: not a launch.json/);
    assert.doesNotMatch(io.stdout, /^Usage:/);
  });

  it('an unknown option names the command and points to its --help', async () => {
    const io = captureIo();
    assert.equal(await main(['launch', '--nonsense'], io), 2);
    assert.match(io.stderr, /model-garden launch --help/);
  });

  it('the built dist/cli.js exits 0 on "launch --help"', function () {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) skipBecause(this, 'dist/cli.js is not built (npm run build)');
    const out = execFileSync(process.execPath, [cli, 'launch', '--help'], { encoding: 'utf8' });
    assert.match(out, /^Usage: model-garden launch /);
  });
});
