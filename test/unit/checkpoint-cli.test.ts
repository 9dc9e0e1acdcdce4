import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { captureIo } from '../support/captureIo';
import { fixture } from '../fixtures';

describe('checkpoint CLI: model-garden inspect', () => {
  it('--json prints prefix, shards, every tensor as in the expected dump, detection and config', async function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected_bert_model.ckpt.json'), 'utf8')) as {
      tensors: {
        key: string;
        dtype_name: string;
        shape: number[];
        shard_id: number;
        offset: number;
        size: number;
      }[];
    };
    const io = captureIo();
    assert.equal(await main(['inspect', dir, '--json'], io), 0, io.stderr);
    const doc = JSON.parse(io.stdout);
    assert.equal(doc.prefix, path.join(dir, 'bert_model.ckpt'));
    assert.equal(doc.numShards, 1);
    assert.deepEqual(
      doc.tensors,
      expected.tensors.map((t) => ({
        key: t.key,
        dtype: t.dtype_name,
        shape: t.shape,
        shard: t.shard_id,
        offset: t.offset,
        size: t.size,
      })),
    );
    assert.deepEqual(
      {
        family: doc.detected.family,
        naming: doc.detected.naming,
        layers: doc.detected.layers,
        hidden: doc.detected.hidden,
        heads: doc.detected.heads,
        vocabSize: doc.detected.vocabSize,
      },
      { family: 'bert', naming: 'tf1-bert', layers: 2, hidden: 4, heads: 4, vocabSize: 15 },
    );
    assert.deepEqual([...doc.detected.headsPresent].sort(), ['maskedLm', 'nextSentence']);
    assert.equal(doc.config.kind, 'bert_config.json');
    assert.equal(doc.config.numLayers, 2);
  });

  it('--values KEY prints the values as JSON; int64 exact', async function () {
    const dir = fixture(this, 'tfserving_half_plus_two_tf1');
    const io = captureIo();
    assert.equal(await main(['inspect', dir, '--values', 'b'], io), 0, io.stderr);
    assert.deepEqual(JSON.parse(io.stdout).values, [2]);
    const io2 = captureIo();
    assert.equal(
      await main(['inspect', fixture(this, 'kerasbert_tiny_bert_tf1'), '--values', 'global_step'], io2),
      0,
    );
    assert.deepEqual(JSON.parse(io2.stdout).values, [20]);
  });

  it('--verify exits 0 on an intact checkpoint and 1 with the CRC message on a corrupted copy', async function () {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const io = captureIo();
    assert.equal(await main(['inspect', src, '--verify'], io), 0, io.stderr);
    assert.match(io.stdout, /OK: 139 tensors/);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-'));
    try {
      fs.copyFileSync(path.join(src, 'bert_model.ckpt.index'), path.join(tmp, 'bert_model.ckpt.index'));
      const data = fs.readFileSync(path.join(src, 'bert_model.ckpt.data-00000-of-00001'));
      data[8412] ^= 0xff; // first byte of global_step
      fs.writeFileSync(path.join(tmp, 'bert_model.ckpt.data-00000-of-00001'), data);
      const bad = captureIo();
      assert.equal(await main(['inspect', tmp, '--verify'], bad), 1);
      assert.match(bad.stderr, /checksum mismatch.*global_step/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('prints a readable summary and exits 1 with the file and reason for a non-checkpoint', async function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const io = captureIo();
    assert.equal(await main(['inspect', dir], io), 0);
    assert.match(io.stdout, /Detected: +bert, naming tf1-bert, L-2 H-4 A-4, vocab 15, step 20/);
    assert.match(io.stdout, /head: maskedLm/);
    const bad = captureIo();
    const notCkpt = path.join(dir, 'vocab.txt');
    assert.equal(await main(['inspect', notCkpt + '.index'], bad), 1);
    assert.match(bad.stderr, /vocab\.txt\.index/);
    const usage = captureIo();
    assert.equal(await main(['inspect'], usage), 2);
  });
});
