import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../src/core/catalog';
import type { CacheChange } from '../../src/core/download';
import { loadCatalogTokenizer } from '../../src/core/tokenizers';
import { fixture } from '../fixtures';
import { serveBytes, TestServer } from '../unit/download-server';
import { tarGz } from '../unit/download-tar';
import { activateExtension } from './extension';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';

describe('downloads in VS Code', function () {
  let server: TestServer;
  let root: string;
  let vocab: Buffer;

  before(async function () {
    vocab = fs.readFileSync(fixture(this, 'vocab', 'bert_uncased_vocab.txt'));
    server = await new TestServer().start();
    // The layout of the TF-Hub preprocessing model: assets/vocab.txt beside saved_model.pb.
    const archive = tarGz([
      { name: 'saved_model.pb', data: 'graph' },
      { name: 'assets/', type: 'dir' },
      { name: 'assets/vocab.txt', data: vocab },
    ]);
    server.on(`/hub/${MODEL}/tokenizer.tar.gz`, (req, res) => serveBytes(req, res, archive));
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-it-cache-'));
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', root, vscode.ConfigurationTarget.Global);
    await config.update(
      'download.urlOverrides',
      { '*/tokenizer': server.url('/hub/${modelId}/${kind}.tar.gz') },
      vscode.ConfigurationTarget.Global,
    );
    await activateExtension();
  });

  after(async function () {
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', undefined, vscode.ConfigurationTarget.Global);
    await config.update('download.urlOverrides', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
    if (root) await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('Download Tokenizer fetches the assets and the catalog row shows the model as downloaded', async function () {
    const api = await activateExtension();
    assert.equal(api.downloads.cache().root, root, 'the cache follows modelGarden.cache.location');
    assert.equal(api.downloads.stateOf(MODEL).summary, 'not downloaded');
    const changes: CacheChange[] = [];
    const listening = api.downloads.onDidChangeCache((c) => c && changes.push(c));
    try {
      const entry = (await vscode.commands.executeCommand(
        'modelGarden.downloads.downloadTokenizer',
        MODEL,
      )) as { state: string; contentDir: string } | undefined;
      assert.equal(entry?.state, 'complete');
      assert.deepEqual(fs.readFileSync(path.join(entry!.contentDir, 'assets', 'vocab.txt')), vocab);
    } finally {
      listening.dispose();
    }
    assert.equal(server.requests.length, 1);
    for (let i = 0; i < 100 && !api.downloads.stateOf(MODEL).downloaded.includes('tokenizer'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const state = api.downloads.stateOf(MODEL);
    assert.deepEqual(state.downloaded, ['tokenizer']);
    assert.match(state.summary, /^downloaded /);
    assert.ok(changes.some((c) => c.modelId === MODEL && c.state === 'downloading'));

    const item = api.catalog.provider.getTreeItem({ kind: 'model', model: findModel(MODEL)! });
    assert.match(String(item.description), /✓ downloaded/);
    // Menus key on these words: Reveal/Delete appear, Download Tokenizer no longer does.
    assert.equal(item.contextValue, 'model hasCheckpoint hasHub downloaded downloaded-tokenizer');
    const modelNode = { kind: 'model' as const, model: findModel(MODEL)! };
    const localCopy = api.catalog.provider
      .getChildren(modelNode)
      .map((n) => api.catalog.provider.getTreeItem(n));
    assert.match(String(localCopy.find((d) => d.label === 'Local copy')?.description), /^downloaded /);

    const tokenizer = await api.downloads.tokenizerFile(MODEL);
    assert.equal(tokenizer?.kind, 'wordpiece');
    assert.deepEqual(fs.readFileSync(tokenizer!.path), vocab);

    // Tokenization now works for the catalog model from the cache alone; the expected ids are the
    // line numbers of the pieces in the fixture vocabulary.
    const lines = vocab.toString('utf8').split('\n');
    const wordPiece = loadCatalogTokenizer(findModel(MODEL)!, api.downloads.cache().root);
    assert.deepEqual(wordPiece.encode('Hello world').ids, [lines.indexOf('hello'), lines.indexOf('world')]);

    // And in the editor: Select Tokenizer takes the catalog model, Inspect Tokenization draws its tokens.
    assert.equal(
      await vscode.commands.executeCommand('modelGarden.tokenization.selectTokenizer', MODEL),
      true,
    );
    const doc = await vscode.workspace.openTextDocument({ content: 'Hello world' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    await vscode.commands.executeCommand('modelGarden.tokenization.inspect');
    await api.tokenization.idle();
    assert.deepEqual(
      api.tokenization.tokens(doc.uri)?.map((t) => t.id),
      [lines.indexOf('hello'), lines.indexOf('world')],
    );
    await vscode.commands.executeCommand('modelGarden.tokenization.clear');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('refuses a kind the model does not have, without touching the disk', async function () {
    const api = await activateExtension();
    const result = await vscode.commands.executeCommand(
      'modelGarden.downloads.downloadCheckpoint',
      'talkheads_ggelu_bert_en_base',
    );
    assert.equal(result, undefined);
    assert.equal(api.downloads.stateOf('talkheads_ggelu_bert_en_base').summary, 'not downloaded');
    assert.ok(!fs.existsSync(path.join(root, 'talkheads_ggelu_bert_en_base')));
  });

  it('Cancel Download stops a running download, which never looks complete', async function () {
    const api = await activateExtension();
    const id = 'electra_small';
    server.on(`/hub/${id}/tokenizer.tar.gz`, (_req, res) => {
      res.writeHead(200, { 'content-length': '100000', etag: '"slow"' });
      const timer = setInterval(() => res.write(Buffer.alloc(100)), 20);
      res.on('close', () => clearInterval(timer));
    });
    const running = vscode.commands.executeCommand('modelGarden.downloads.downloadTokenizer', id);
    for (
      let i = 0;
      i < 250 && !(api.downloads.stateOf(id).downloading && api.downloads.stateOf(id).percent !== null);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const during = api.downloads.stateOf(id);
    assert.ok(during.downloading, `state while downloading: ${during.summary}`);
    assert.match(during.summary, /^downloading \d+% \(tokenizer assets\)$/);
    assert.match(
      String(api.catalog.provider.getTreeItem({ kind: 'model', model: findModel(id)! }).description),
      /↓ \d+%/,
    );
    assert.equal(await vscode.commands.executeCommand('modelGarden.downloads.cancel', id), true);
    assert.equal(await running, undefined);
    const entry = await api.downloads.cache().entry(id, 'tokenizer');
    assert.equal(entry.state, 'partial');
    assert.ok(!fs.existsSync(path.join(entry.dir, 'manifest.json')));
    await api.downloads.remove(id);
  });

  it('deletes a download and the row goes back to not downloaded', async function () {
    const api = await activateExtension();
    const freed = await api.downloads.remove(MODEL);
    assert.ok(freed >= vocab.length);
    for (let i = 0; i < 100 && api.downloads.stateOf(MODEL).bytesOnDisk > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(api.downloads.stateOf(MODEL).summary, 'not downloaded');
    assert.ok(!fs.existsSync(path.join(root, MODEL)));
  });
});
