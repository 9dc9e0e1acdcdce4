// What a catalog row says about downloads: sizes of completed kinds only, Download hidden for the kind
// that is running, and a partial kind that can go while the complete one stays.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../src/core/catalog';
import { formatBytes } from '../../src/core/download';
import { fixture } from '../fixtures';
import { serveBytes, TestServer } from '../unit/download-server';
import { tarGz } from '../unit/download-tar';
import { activateExtension } from './extension';

const MODEL = 'bert_en_cased_L-12_H-768_A-12';

describe('download state on catalog rows', function () {
  let server: TestServer;
  let root: string;

  before(async function () {
    const vocab = fs.readFileSync(fixture(this, 'vocab', 'bert_cased_vocab.txt'));
    server = await new TestServer().start();
    const archive = tarGz([
      { name: 'saved_model.pb', data: 'graph' },
      { name: 'assets/vocab.txt', data: vocab },
    ]);
    server.on(`/x/${MODEL}/tokenizer.tar.gz`, (req, res) => serveBytes(req, res, archive));
    // A checkpoint that trickles, to be cancelled half way.
    server.on(`/x/${MODEL}/checkpoint.tar.gz`, (_req, res) => {
      res.writeHead(200, { 'content-length': '400000', etag: '"slow"' });
      const timer = setInterval(() => res.write(Buffer.alloc(2000)), 20);
      res.on('close', () => clearInterval(timer));
    });
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-it-rows-'));
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', root, vscode.ConfigurationTarget.Global);
    await config.update(
      'download.urlOverrides',
      { '*/*': server.url('/x/${modelId}/${kind}.tar.gz') },
      vscode.ConfigurationTarget.Global,
    );
    const api = await activateExtension();
    for (let i = 0; i < 100 && api.downloads.cache().root !== root; i++)
      await new Promise((r) => setTimeout(r, 50));
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', undefined, vscode.ConfigurationTarget.Global);
    await config.update('download.urlOverrides', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
    if (root) await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('counts only completed kinds as downloaded and hides Download for the running kind', async () => {
    const api = await activateExtension();
    const tokenizer = await vscode.commands.executeCommand<{ state: string; bytesOnDisk: number }>(
      'modelGarden.downloads.downloadTokenizer',
      MODEL,
    );
    assert.equal(tokenizer?.state, 'complete');
    // The row's state follows the cache's events.
    for (let i = 0; i < 100 && !api.downloads.stateOf(MODEL).downloaded.includes('tokenizer'); i++)
      await new Promise((r) => setTimeout(r, 20));
    const row = () =>
      api.catalog.provider.getTreeItem({ kind: 'model', model: findModel(MODEL)! }) as vscode.TreeItem;
    const running = vscode.commands.executeCommand('modelGarden.downloads.downloadCheckpoint', MODEL);
    for (let i = 0; i < 250 && !(api.downloads.stateOf(MODEL).percent ?? 0); i++)
      await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 100 && !/downloading-checkpoint/.test(String(row().contextValue)); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.match(String(row().contextValue), /\bdownloading-checkpoint\b/);
    assert.doesNotMatch(String(row().contextValue), /\bdownloading-tokenizer\b/);
    assert.equal(await vscode.commands.executeCommand('modelGarden.downloads.cancel', MODEL), true);
    await running;
    await api.downloads.refresh();
    const state = api.downloads.stateOf(MODEL);
    const complete = await api.downloads.cache().entry(MODEL, 'tokenizer');
    const partial = await api.downloads.cache().entry(MODEL, 'checkpoint');
    assert.equal(partial.state, 'partial');
    assert.ok(partial.bytesOnDisk > 0);
    assert.equal(state.completeBytes, complete.bytesOnDisk);
    assert.equal(
      state.summary,
      `downloaded ${formatBytes(complete.bytesOnDisk)} (tokenizer); partial ${formatBytes(partial.bytesOnDisk)} (checkpoint)`,
    );
    // One kind goes, the other stays.
    await api.downloads.remove(MODEL, 'checkpoint');
    assert.equal((await api.downloads.cache().entry(MODEL, 'tokenizer')).state, 'complete');
    assert.equal((await api.downloads.cache().entry(MODEL, 'checkpoint')).state, 'absent');
  });
});
