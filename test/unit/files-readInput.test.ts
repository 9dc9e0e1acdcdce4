import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputFileError, readInputFile, readInputFileSync } from '../../src/core/files/readInput';
import { repoRoot, skipBecause } from '../fixtures';

/** Runs the compiled CLI in a child process, killed after `ms` (a read that blocks or never ends). */
function cli(args: string[], ms = 30_000): Promise<{ code: number | null; stderr: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'src', 'cli.js'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, killed });
    });
  });
}

describe('input files: regular files only, bounded size', function () {
  let tmp: string;
  let fifo: string;
  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-read-input-'));
    fifo = path.join(tmp, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      skipBecause(this, 'mkfifo is not available');
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads a regular file, and refuses folders, FIFOs, devices and oversize files with the path', async function () {
    const file = path.join(tmp, 'ok.txt');
    fs.writeFileSync(file, 'hello');
    const options = { what: 'vocabulary', maxBytes: 16 };
    assert.equal(readInputFileSync(file, options).toString(), 'hello');
    assert.equal((await readInputFile(file, options)).toString(), 'hello');
    // Exactly the limit is allowed.
    const full = path.join(tmp, 'full.txt');
    fs.writeFileSync(full, 'y'.repeat(16));
    assert.equal(readInputFileSync(full, options).length, 16);
    assert.equal((await readInputFile(full, options)).length, 16);
    const big = path.join(tmp, 'big.txt');
    fs.writeFileSync(big, 'x'.repeat(17));
    const cases: [string, RegExp][] = [
      [tmp, /the vocabulary must be a regular file, this is a folder/],
      [fifo, /this is a named pipe \(FIFO\)/],
      ['/dev/zero', /this is a character device/],
      [big, /the vocabulary is 17 bytes, more than the limit of 16 bytes/],
      [path.join(tmp, 'absent.txt'), /no such file \(the vocabulary\)/],
    ];
    for (const [target, reason] of cases) {
      for (const read of [() => readInputFileSync(target, options), () => readInputFile(target, options)]) {
        await assert.rejects(
          async () => read(),
          (e: unknown) =>
            e instanceof InputFileError &&
            e.message.startsWith(`${target}: `) &&
            reason.test(e.message) &&
            !/EISDIR/.test(e.message),
        );
      }
    }
  });

  it('tokenize --vocab/--spm/--file refuse a FIFO, /dev/zero, a folder and oversize files', async function () {
    this.timeout(120_000);
    if (!fs.existsSync(path.join(repoRoot, 'out', 'src', 'cli.js'))) skipBecause(this, 'tests not compiled');
    const sparse = path.join(tmp, 'huge.txt');
    fs.closeSync(fs.openSync(sparse, 'w'));
    fs.truncateSync(sparse, 65 << 20); // sparse: 65 MB without writing them
    const cases: [string[], RegExp][] = [
      [
        ['tokenize', '--vocab', '/dev/zero', '--text', 'x'],
        /\/dev\/zero: the vocabulary must be a regular file, this is a character device/,
      ],
      [
        ['tokenize', '--vocab', fifo, '--text', 'x'],
        /pipe: the vocabulary must be a regular file, this is a named pipe/,
      ],
      [['tokenize', '--spm', fifo, '--text', 'x'], /pipe: the SentencePiece model must be a regular file/],
      [
        ['tokenize', '--spm', tmp, '--text', 'x'],
        /: the SentencePiece model must be a regular file, this is a folder/,
      ],
      [
        ['tokenize', '--vocab', sparse, '--text', 'x'],
        /huge\.txt: the vocabulary is 65 MB, more than the limit of 64 MB/,
      ],
      [
        ['tokenize', '--model', 'albert_en_base', '--file', fifo],
        /pipe: the input text must be a regular file/,
      ],
      [
        ['tokenize', '--model', 'albert_en_base', '--file', '/dev/zero'],
        /the input text must be a regular file, this is a character device/,
      ],
      [
        ['tokenize', '--model', 'albert_en_base', '--file', sparse],
        /huge\.txt: the input text is 65 MB, more than the limit of 32 MB/,
      ],
      [
        ['tokenize', '--model', 'albert_en_base', '--file', tmp],
        /the input text must be a regular file, this is a folder/,
      ],
    ];
    for (const [args, reason] of cases) {
      const out = await cli(args);
      assert.equal(out.killed, false, `${args.join(' ')} did not finish`);
      assert.equal(out.code, 1, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, reason);
      assert.doesNotMatch(out.stderr, /EISDIR|\n\s+at /);
    }
  });
});
