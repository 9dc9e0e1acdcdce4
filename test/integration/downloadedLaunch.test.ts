// From "not downloaded" to launching locally: a checkpoint tarball downloaded into the cache becomes the
// launch wizard's suggestion for task.init_checkpoint.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture } from '../fixtures';
import { TINY_BERT_FILES } from '../support/tinyBert';
import { serveBytes, TestServer } from '../unit/download-server';
import { tarGz } from '../unit/download-tar';
import { activateExtension } from './extension';
import { acceptWhenOpen } from './wait';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';

describe('downloaded checkpoint to launch command', function () {
  let server: TestServer;
  let root: string;

  before(async function () {
    const source = fixture(this, 'kerasbert_tiny_bert_tf1');
    // Nested as some v3 tarballs are (tmp/temp_dir/raw/), so the cache must search for the prefix.
    const archive = tarGz([
      { name: 'tmp/', type: 'dir' },
      { name: 'tmp/temp_dir/', type: 'dir' },
      { name: 'tmp/temp_dir/raw/', type: 'dir' },
      ...TINY_BERT_FILES.map((f) => ({
        name: `tmp/temp_dir/raw/${f}`,
        data: fs.readFileSync(path.join(source, f)),
      })),
    ]);
    server = await new TestServer().start();
    server.on('/checkpoint.tar.gz', (req, res) => serveBytes(req, res, archive));
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-it-launch-cache-'));
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', root, vscode.ConfigurationTarget.Global);
    await config.update(
      'download.urlOverrides',
      { [`${MODEL}/checkpoint`]: server.url('/checkpoint.tar.gz') },
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', undefined, vscode.ConfigurationTarget.Global);
    await config.update('download.urlOverrides', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
    if (root) await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('Download Checkpoint, then the launch wizard offers the cached prefix for task.init_checkpoint', async () => {
    const api = await activateExtension();
    assert.equal(api.downloads.stateOf(MODEL).summary, 'not downloaded');
    await vscode.commands.executeCommand('modelGarden.downloads.downloadCheckpoint', MODEL);
    const prefix = await api.downloads.checkpointPrefix(MODEL);
    assert.ok(prefix, `no checkpoint prefix after the download (${api.downloads.stateOf(MODEL).summary})`);
    assert.ok(prefix.startsWith(root) && prefix.endsWith(path.join('raw', 'bert_model.ckpt')), prefix);
    assert.ok(fs.existsSync(prefix + '.index'));

    // The wizard asks for the checkpoint path with the downloaded prefix filled in; accept it as a user would.
    const running = vscode.commands.executeCommand<{ text?: string }>('modelGarden.launch.generate', {
      model: MODEL,
      source: 'checkpoint',
      experiment: 'bert/sentence_prediction',
      numClasses: 3,
      mode: 'train',
      distribution: { kind: 'cpu' },
      target: 'copy',
      modelDir: path.join(root, 'out'),
      trainData: path.join(root, 'train.tf_record'),
      vocabFile: '',
    });
    const result = await acceptWhenOpen(running);
    assert.ok(result?.text, 'the wizard produced no command');
    assert.ok(
      result.text.includes(`task.init_checkpoint=${prefix}`) ||
        result.text.includes(`task.init_checkpoint='${prefix}'`),
      result.text,
    );
  });
});
