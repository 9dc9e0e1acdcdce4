import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, skipBecause } from '../fixtures';

/** Runs the CLI, reads its first output line, then closes the pipe (as `| head -1` does). */
function firstLineThenClose(
  cli: string,
  args: string[],
): Promise<{ line: string; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let line: string | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (line !== undefined) return;
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        line = out.slice(0, nl);
        child.stdout.destroy();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit after the pipe closed; stderr: ${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ line: line ?? '', code, stderr });
    });
  });
}

describe('CLI: stdout closed early (| head -1)', function () {
  let tmp: string;
  let lines: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-pipe-'));
    lines = path.join(tmp, 'lines.txt');
    fs.writeFileSync(lines, Array.from({ length: 20_000 }, (_, i) => `the quick brown fox ${i}`).join('\n'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [name, file] of [
    ['compiled', path.join('out', 'src', 'cli.js')],
    ['bundled', path.join('dist', 'cli.js')],
  ] as const) {
    it(`the ${name} CLI exits quietly, without an EPIPE stack trace`, async function () {
      this.timeout(120_000);
      const cli = path.join(repoRoot, file);
      if (!fs.existsSync(cli)) skipBecause(this, `${file} is not built`);
      for (const args of [
        ['tokenize', '--model', 'albert_en_base', '--file', lines, '--lines', '--json'],
        ['tokenize', '--model', 'albert_en_base', '--file', lines, '--lines'],
      ]) {
        const out = await firstLineThenClose(cli, args);
        assert.ok(out.line.length > 0, 'printed a first line');
        assert.equal(out.stderr, '', args.join(' '));
        assert.equal(out.code, 0);
      }
    });
  }
});
