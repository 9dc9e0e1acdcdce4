import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { CheckpointReader, discoverModel, findCheckpoints } from '../../src/core/checkpoint';
import { fixture } from '../fixtures';
import { captureIo } from '../support/captureIo';

describe('checkpoint discovery: symlinked files (DVC, git-annex)', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-symlinks-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds a checkpoint, its config and vocabulary whose files are symlinks, and skips loops', async function () {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const dir = path.join(tmp, 'annexed', 'model');
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(src)) fs.symlinkSync(path.join(src, name), path.join(dir, name));
    // A loop and a dangling link beside them do not stop the search.
    fs.symlinkSync(path.join(dir, 'loop-b.index'), path.join(dir, 'loop-a.index'));
    fs.symlinkSync(path.join(dir, 'loop-a.index'), path.join(dir, 'loop-b.index'));
    fs.symlinkSync(path.join(tmp, 'absent'), path.join(dir, 'dangling.index'));
    // A link to a folder is not followed (no loops through folders).
    fs.symlinkSync(tmp, path.join(dir, 'up'));

    const root = path.join(tmp, 'annexed');
    const found = await discoverModel(root);
    assert.equal(found.checkpoint?.prefix, path.join(dir, 'bert_model.ckpt'));
    assert.deepEqual(
      found.checkpoints.map((c) => c.prefix),
      [path.join(dir, 'bert_model.ckpt')],
    );
    assert.equal(found.config?.file, path.join(dir, 'bert_config.json'));
    assert.equal(found.vocab, path.join(dir, 'vocab.txt'));
    assert.equal((await findCheckpoints(root)).checkpoints.length, 1);
    const reader = await CheckpointReader.open(found.checkpoint!.prefix);
    try {
      assert.ok(reader.tensors.length > 10);
      assert.equal((await reader.verifyAll()) > 0, true);
    } finally {
      await reader.close();
    }
    const io = captureIo();
    assert.equal(await main(['inspect', root, '--json'], io), 0, io.stderr);
    assert.equal(JSON.parse(io.stdout).detected.layers, 2);
  });
});
