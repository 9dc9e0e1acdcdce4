// `model-garden tokenize`, run in-process: the --json shape, JSON Lines with --lines, and clear errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import type { CliIo } from '../../src/cli/io';
import { fixture } from '../fixtures';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), isTty: false };
  const code = await main(['tokenize', ...args], io);
  return { code, out, err };
}

describe('tokenizers: model-garden tokenize', function () {
  it('prints the documented --json shape with pieces, offsets, packed ids, mask and truncation', async function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    const text = 'Héllo, world';
    const r = await cli(['--vocab', vocab, '--text', text, '--seq-length', '6', '--json']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json), ['tokens', 'inputIds', 'typeIds', 'inputMask', 'truncated']);
    assert.deepEqual(
      json.tokens.map((t: { piece: string; start: number; end: number }) => [
        t.piece,
        text.slice(t.start, t.end),
      ]),
      [
        ['hello', 'Héllo'],
        [',', ','],
        ['world', 'world'],
      ],
    );
    assert.deepEqual(json.inputIds, [101, ...json.tokens.map((t: { id: number }) => t.id), 102, 0]);
    assert.deepEqual(json.inputMask, [1, 1, 1, 1, 1, 0]);
    assert.equal(json.truncated, false);
    const cut = JSON.parse(
      (await cli(['--vocab', vocab, '--text', text, '--seq-length', '3', '--json'])).out,
    );
    assert.equal(cut.truncated, true);
    assert.deepEqual(cut.inputIds, [101, json.tokens[0].id, 102]);
  });

  it('prints one JSON object per line with --file --lines', async function () {
    const vocab = fixture(this, 'vocab', 'bert_cased_vocab.txt');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-tok-cli-'));
    try {
      const file = path.join(dir, 'lines.txt');
      fs.writeFileSync(file, 'First line\r\nsecond\n\nlast\n');
      const r = await cli(['--vocab', vocab, '--file', file, '--lines', '--json', '--seq-length', '8']);
      assert.equal(r.code, 0, r.err);
      const rows = r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(rows.length, 4);
      assert.deepEqual(rows[2].tokens, []);
      assert.equal(rows[3].tokens[0].piece, 'last');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tokenizes an ALBERT catalog model with the bundled model', async function () {
    const r = await cli(['--model', 'albert_en_base', '--text', 'This is a test', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      JSON.parse(r.out).tokens.map((t: { id: number }) => t.id),
      [48, 25, 21, 1289],
    );
  });

  it("says how to get a catalog model's vocab that is not on the machine", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-tok-cache-'));
    try {
      const r = await cli(['--model', 'bert_en_cased_L-12_H-768_A-12', '--text', 'x', '--cache', dir]);
      assert.equal(r.code, 1);
      assert.match(r.err, /not on this machine/);
      assert.match(r.err, /model-garden download bert_en_cased_L-12_H-768_A-12 --what tokenizer/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects two tokenizer sources and a missing input with usage errors', async function () {
    assert.equal((await cli(['--model', 'albert_en_base', '--spm', 'x.model', '--text', 'a'])).code, 2);
    assert.equal((await cli(['--model', 'albert_en_base'])).code, 2);
    assert.equal((await cli(['--model', 'albert_en_base', '--text', 'a', '--seq-length', 'ten'])).code, 2);
  });
});
