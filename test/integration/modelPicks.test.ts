// Choosing a model for inference and managing what was downloaded, as a user meets them (issue #12):
// Choose Model for Inference lists Browse, recently used, discovered and downloaded checkpoints, each
// once; Delete on a cached download asks per kind (the test host refuses modal dialogs and says so with
// the dialog's text, which shows what was asked before anything was deleted); a workspace-relative
// `modelGarden.inference.checkpoint` is resolved against the workspace folder and runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../src/core/catalog';
import type { PanelState } from '../../src/webview/inference/protocol';
import { fixture } from '../fixtures';
import { TINY_BERT_FILES } from '../support/tinyBert';
import { serveBytes, TestServer } from '../unit/download-server';
import { tarGz } from '../unit/download-tar';
import { selectText } from './editor';
import { activateExtension } from './extension';
import { acceptWhenOpen, waitFor } from './wait';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';
const TEXT = 'all work and [MASK] play makes jack a dull boy';

describe('Choose Model for Inference, per-kind Delete, workspace-relative checkpoint setting', function () {
  let server: TestServer;
  let cacheRoot: string;
  let outside: string;
  let workspaceDir: string;
  /** Checkpoints in the workspace: run_c is also used recently, run_d only discovered. */
  let runC: string;
  let runD: string;
  /** A checkpoint outside the workspace, known only because it was used recently. */
  let recentOnly: string;

  const copyCheckpoint = (source: string, dir: string) => {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of TINY_BERT_FILES) fs.copyFileSync(path.join(source, f), path.join(dir, f));
    return path.join(dir, 'bert_model.ckpt');
  };

  before(async function () {
    const source = fixture(this, 'kerasbert_tiny_bert_tf1');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the run opens a workspace folder');
    workspaceDir = path.join(folder.uri.fsPath, 'picks_checkpoints');
    runC = copyCheckpoint(source, path.join(workspaceDir, 'run_c'));
    runD = copyCheckpoint(source, path.join(workspaceDir, 'run_d'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-it-recent-'));
    recentOnly = copyCheckpoint(source, path.join(outside, 'elsewhere'));

    const checkpoint = tarGz([
      { name: 'raw/', type: 'dir' },
      ...TINY_BERT_FILES.map((f) => ({ name: `raw/${f}`, data: fs.readFileSync(path.join(source, f)) })),
    ]);
    const tokenizer = tarGz([
      { name: 'saved_model.pb', data: 'graph' },
      { name: 'assets/', type: 'dir' },
      { name: 'assets/vocab.txt', data: fs.readFileSync(path.join(source, 'vocab.txt')) },
    ]);
    server = await new TestServer().start();
    server.on('/checkpoint.tar.gz', (req, res) => serveBytes(req, res, checkpoint));
    server.on('/tokenizer.tar.gz', (req, res) => serveBytes(req, res, tokenizer));
    cacheRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-it-picks-cache-'));
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', cacheRoot, vscode.ConfigurationTarget.Global);
    await config.update(
      'download.urlOverrides',
      {
        [`${MODEL}/checkpoint`]: server.url('/checkpoint.tar.gz'),
        [`${MODEL}/tokenizer`]: server.url('/tokenizer.tar.gz'),
      },
      vscode.ConfigurationTarget.Global,
    );
    await activateExtension();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update('cache.location', undefined, vscode.ConfigurationTarget.Global);
    await config.update('download.urlOverrides', undefined, vscode.ConfigurationTarget.Global);
    await config.update('inference.checkpoint', undefined, vscode.ConfigurationTarget.Workspace);
    await (await activateExtension()).inference.forgetModel();
    await server?.close();
    for (const dir of [cacheRoot, outside, workspaceDir])
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists Browse, then recently used, discovered and downloaded checkpoints, each once', async function () {
    const api = await activateExtension();
    // Recently used: two models run from the command (the later one first in the list).
    for (const checkpoint of [runC, recentOnly]) {
      await selectText(TEXT);
      const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
        checkpoint,
      });
      assert.equal(state?.error, undefined, state?.error);
    }
    // Downloaded: the catalog model's checkpoint in the cache.
    await api.downloads.download(MODEL, 'checkpoint');
    const downloaded = await api.downloads.checkpointPrefix(MODEL);
    assert.ok(downloaded, 'the checkpoint download left no prefix');
    // Discovered: the Local Checkpoints view has scanned the workspace.
    const listed = await api.checkpoints.refresh();
    assert.ok(
      listed.some((n) => n.type === 'checkpoint' && n.prefix === runD),
      'run_d is not in Local Checkpoints',
    );

    const pending = vscode.commands.executeCommand<string | undefined>('modelGarden.inference.pickModel');
    const items = await waitFor('the model quick pick', () => api.inference.modelPicksOffered());
    const sections = new Map<string, vscode.QuickPickItem[]>();
    let current = '';
    for (const item of items) {
      if (item.kind === vscode.QuickPickItemKind.Separator) sections.set((current = item.label), []);
      else sections.get(current)?.push(item);
    }
    const where = JSON.stringify(items, null, 1);
    assert.match(items[0].label, /Browse for a checkpoint/, where);
    assert.deepEqual(
      [...sections.keys()],
      ['Recently used', 'Local checkpoints', 'Downloaded catalog models'],
    );
    // Recent: newest first; run_c appears here and not again among the discovered ones.
    assert.deepEqual(
      sections
        .get('Recently used')!
        .map((i) => i.detail)
        .slice(0, 2),
      [recentOnly, runC],
      where,
    );
    const local = sections.get('Local checkpoints')!;
    const d = local.find((i) => i.detail === runD);
    assert.ok(d, where);
    assert.match(d.label, /run_d\/bert_model\.ckpt/);
    assert.ok(!local.some((i) => i.detail === runC), `run_c is listed twice: ${where}`);
    const cached = sections.get('Downloaded catalog models')!;
    assert.deepEqual(
      cached.map((i) => [i.detail, i.description]),
      [[downloaded, 'downloaded']],
    );
    assert.ok(cached[0].label.includes(findModel(MODEL)!.name), cached[0].label);
    // Every path once in the whole list.
    const paths = items.map((i) => i.detail).filter((p): p is string => Boolean(p));
    assert.equal(new Set(paths.map((p) => path.normalize(p))).size, paths.length, where);

    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, undefined);
  });

  it('Delete asks about one kind, names it with its size, and deletes nothing unanswered', async function () {
    const api = await activateExtension();
    await api.downloads.download(MODEL, 'tokenizer');
    const kinds = (await api.downloads.cache().entries(MODEL))
      .filter((e) => e.state === 'complete')
      .map((e) => e.kind)
      .sort();
    assert.deepEqual(kinds, ['checkpoint', 'tokenizer']);
    const name = findModel(MODEL)!.name;
    const before = api.downloads.stateOf(MODEL).bytesOnDisk;

    // Delete on the tokenizer row: the modal names the tokenizer only.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('modelGarden.downloads.delete', MODEL, 'tokenizer')),
      (error: Error) => {
        assert.ok(error.message.includes(`Delete ${name} (tokenizer assets) (`), error.message);
        assert.match(error.message, /\(\d[\d.]* (B|kB|MB)\) from the model cache\?/);
        assert.doesNotMatch(error.message, /checkpoint/);
        return true;
      },
    );
    // Delete on the model with two kinds: a pick of one kind or everything first; its first item is one
    // kind, and the modal then names that kind alone.
    await assert.rejects(
      acceptWhenOpen(vscode.commands.executeCommand('modelGarden.downloads.delete', MODEL)),
      (error: Error) => {
        assert.match(error.message, /from the model cache\?/);
        assert.ok(error.message.includes(`Delete ${name} (`), error.message);
        assert.equal((error.message.match(/checkpoint|tokenizer assets/g) ?? []).length, 1, error.message);
        return true;
      },
    );
    // Nothing was deleted while the question went unanswered.
    const after = (await api.downloads.cache().entries(MODEL)).filter((e) => e.state === 'complete');
    assert.equal(after.length, 2);
    assert.equal(api.downloads.stateOf(MODEL).bytesOnDisk, before);
  });

  it('a workspace-relative modelGarden.inference.checkpoint is resolved against the workspace folder and runs', async function () {
    const api = await activateExtension();
    const config = vscode.workspace.getConfiguration('modelGarden');
    await config.update(
      'inference.checkpoint',
      'picks_checkpoints/run_d/bert_model.ckpt',
      vscode.ConfigurationTarget.Workspace,
    );
    assert.equal(api.inference.configuredModel(), runD);
    await config.update(
      'inference.checkpoint',
      '${workspaceFolder}/picks_checkpoints/run_d',
      vscode.ConfigurationTarget.Workspace,
    );
    assert.equal(api.inference.configuredModel(), path.dirname(runD));
    // With no model chosen, Run Model uses the setting.
    await api.inference.forgetModel();
    await selectText(TEXT);
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection');
    assert.equal(state?.error, undefined, state?.error);
    assert.ok(state?.model, 'no model was loaded from the setting');
    assert.ok(state.model.path.startsWith(path.dirname(runD)), state.model.path);
    assert.ok(state.fillMask?.length, 'no fill-mask result');
  });
});
