import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli';
import { bertConfig, encoderMatmulFlops } from '../../src/core/inference';
import { repoRoot } from '../fixtures';
import { captureIo } from '../support/captureIo';

const execFileAsync = promisify(execFile);

describe('inference bench (model-garden bench)', function () {
  it('counts BERT-base matmul work as PERFORMANCE_BASELINES.md states it (2.73 / 22.35 / 96.6 GFLOP)', function () {
    const base = bertConfig();
    assert.equal((encoderMatmulFlops(base, 16) / 1e9).toFixed(2), '2.73');
    assert.equal((encoderMatmulFlops(base, 128) / 1e9).toFixed(2), '22.35');
    assert.equal((encoderMatmulFlops(base, 512) / 1e9).toFixed(1), '96.6');
  });

  it('times a small encoder and prints JSON with the backend used', async function () {
    const io = captureIo();
    const code = await main(
      [
        'bench',
        '--layers',
        '2',
        '--hidden',
        '32',
        '--heads',
        '4',
        '--seq',
        '16',
        '--runs',
        '2',
        '--backend',
        'cpu',
        '--json',
      ],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as Record<string, unknown>;
    assert.equal(out.backend, 'cpu');
    assert.equal(out.seq, 16);
    assert.equal(out.layers, 2);
    assert.ok(typeof out.medianMs === 'number' && out.medianMs > 0);
  });

  it('runs the threaded wasm build under Node and the process still exits (separate process)', async function () {
    const cli = path.join(repoRoot, 'out', 'src', 'cli.js');
    const args = [
      'bench',
      '--backend',
      'wasm',
      '--threads',
      '2',
      '--layers',
      '1',
      '--hidden',
      '32',
      '--heads',
      '2',
      '--seq',
      '8',
      '--runs',
      '1',
      '--json',
    ];
    const { stdout } = await execFileAsync(process.execPath, [cli, ...args], { timeout: 60_000 });
    const out = JSON.parse(stdout) as { backend: string; backendLabel: string };
    assert.equal(out.backend, 'wasm');
    // The encoder layers on our kernels, split over the same two threads, and the process still exits.
    assert.match(out.backendLabel, /^wasm \(SIMD, 2 threads, own kernels\)$/);
  });

  it('rejects bad options with exit code 2 and a reason', async function () {
    for (const [args, reason] of [
      [['--backend', 'webgl'], /Unknown backend "webgl"/],
      [['--hidden', '30', '--heads', '4'], /not divisible/],
      [['--seq', '0'], /--seq must be a positive integer/],
    ] as const) {
      const io = captureIo();
      assert.equal(await main(['bench', ...args], io), 2);
      assert.match(io.stderr, reason);
    }
  });
});
