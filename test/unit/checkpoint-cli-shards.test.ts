import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { captureIo } from '../support/captureIo';
import { writeCheckpoint } from '../support/checkpointWriter';

describe('checkpoint CLI: inspect with a missing or truncated data shard', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-inspect-shards-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function checkpoint(name: string): Promise<{ dir: string; data: string }> {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    const prefix = path.join(dir, 'model.ckpt-7');
    await writeCheckpoint(prefix, [
      { name: 'global_step', shape: [], data: BigInt64Array.of(1234n) },
      { name: 'bert/embeddings/word_embeddings', shape: [4, 2], data: new Float32Array(8).fill(0.5) },
    ]);
    return { dir, data: `${prefix}.data-00000-of-00001` };
  }

  async function inspect(args: string[]) {
    const io = captureIo();
    const code = await main(['inspect', ...args], io);
    return { code, ...io };
  }

  it('an intact checkpoint reports its step', async function () {
    const { dir } = await checkpoint('intact');
    const out = await inspect([dir, '--json']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).detected.step, 1234);
  });

  it('a missing shard exits 1 naming the file, in --json and text mode', async function () {
    const { dir, data } = await checkpoint('missing');
    fs.rmSync(data);
    for (const args of [[dir, '--json'], [dir]]) {
      const out = await inspect(args);
      assert.equal(out.code, 1, `${args.join(' ')}: ${out.stdout}`);
      assert.equal(out.stdout, '');
      assert.ok(out.stderr.includes(`${data}: data shard is missing`), out.stderr);
    }
  });

  it('a truncated shard exits 1 naming the file and the sizes', async function () {
    const { dir, data } = await checkpoint('truncated');
    const size = fs.statSync(data).size;
    fs.truncateSync(data, size - 5);
    for (const args of [[dir, '--json'], [dir]]) {
      const out = await inspect(args);
      assert.equal(out.code, 1, `${args.join(' ')}: ${out.stdout}`);
      assert.equal(out.stdout, '');
      assert.ok(
        out.stderr.includes(
          `${data}: data shard is ${size - 5} bytes, but the index places tensor bytes up to ${size}`,
        ),
        out.stderr,
      );
    }
  });
});
