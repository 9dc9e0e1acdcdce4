import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { CheckpointError } from '../../src/core/checkpoint';
import { printable } from '../../src/core/text/printable';
import { captureIo } from '../support/captureIo';
import { writeCheckpoint } from '../support/checkpointWriter';

/** Raw escape, line break or bidi override: none may reach the terminal. */
const rawIn = (text: string, lineFeeds: boolean) =>
  text.includes('\x1b') || text.includes('\u202e') || (lineFeeds && text.includes('\n'));
const EVIL = 'evil\x1b[2J\x1b[H\nOK: all tensors verified\u202e';

describe('file-derived strings in terminal output are escaped', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-printable-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('printable escapes controls, ANSI escapes, line breaks and bidi overrides, and nothing else', function () {
    assert.equal(printable(EVIL), 'evil\\x1b[2J\\x1b[H\\nOK: all tensors verified\\u202e');
    assert.equal(
      printable('bert/encoder/layer_0 ünïcödé 😀 \\ "q"'),
      'bert/encoder/layer_0 ünïcödé 😀 \\ "q"',
    );
    assert.equal(printable('\x00\x7f\x9b\t\r\u2028'), '\\x00\\x7f\\x9b\\t\\r\\u2028');
  });

  it('a tensor key with an ANSI escape and a newline: inspect, errors and --verify print it escaped', async function () {
    const prefix = path.join(tmp, 'model.ckpt');
    await writeCheckpoint(prefix, [
      { name: EVIL, shape: [2], data: Float32Array.of(1, 2) },
      { name: 'normal', shape: [1], data: Float32Array.of(3) },
    ]);
    const text = captureIo();
    assert.equal(await main(['inspect', tmp], text), 0, text.stderr);
    const keyRows = text.stdout.split('\n').filter((l) => l.includes('evil'));
    assert.equal(keyRows.length, 1, text.stdout);
    assert.ok(keyRows[0].startsWith('evil\\x1b[2J\\x1b[H\\nOK: all tensors verified\\u202e '), keyRows[0]);
    assert.ok(!rawIn(text.stdout, false));
    assert.ok(!text.stdout.split('\n').some((l) => l.startsWith('OK')));

    // An error about the key (its bytes corrupted): the message quotes it escaped.
    const data = `${prefix}.data-00000-of-00001`;
    const bytes = fs.readFileSync(data);
    bytes[0] ^= 0xff;
    fs.writeFileSync(data, bytes);
    const verify = captureIo();
    assert.equal(await main(['inspect', tmp, '--verify'], verify), 1);
    assert.match(
      verify.stderr,
      /tensor checksum mismatch \(key "evil\\x1b\[2J\\x1b\[H\\nOK: all tensors verified\\u202e"\)/,
    );
    assert.ok(!rawIn(verify.stderr + verify.stdout, false));
    assert.equal(verify.stderr.trim().split('\n').length, 1, verify.stderr);
    const values = captureIo();
    assert.equal(await main(['inspect', tmp, '--values', EVIL], values), 1);
    assert.ok(!rawIn(values.stderr, false));
    assert.equal(values.stderr.trim().split('\n').length, 1, values.stderr);
    // The error object keeps the raw key for programs.
    const error = new CheckpointError('corrupt', 'f.index', 'bad', EVIL);
    assert.equal(error.key, EVIL);
    assert.ok(!rawIn(error.message, true));
  });
});
