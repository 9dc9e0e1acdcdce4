// Tokenization in the real VS Code: Select Tokenizer with a path (BERT uncased vocab from the fixtures),
// Inspect Tokenization decorates the selection, the status bar counts the selection's tokens, the hover
// shows the id, edits re-tokenize, a large text goes through the worker, Clear removes the tokens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { threadId } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { TokenizationApi } from '../../src/vscode/tokenize/register';
import { fixture } from '../fixtures';
import { activateExtension } from './extension';
import { waitFor } from './wait';

describe('tokenization in VS Code', () => {
  let api: TokenizationApi;
  let vocabIds: Map<string, number>;
  let editor: vscode.TextEditor;

  before(async function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    // The vocab's own line numbers are the ids (independent of the tokenizer code).
    vocabIds = new Map(
      fs
        .readFileSync(vocab, 'utf8')
        .split('\n')
        .map((line, i) => [line, i]),
    );
    api = (await activateExtension()).tokenization;
    const ok = await vscode.commands.executeCommand<boolean>(
      'modelGarden.tokenization.selectTokenizer',
      vocab,
    );
    assert.equal(ok, true);
    assert.match(api.tokenizerLabel() ?? '', /bert_uncased_vocab\.txt \(uncased\)/);
    const doc = await vscode.workspace.openTextDocument({
      content: 'Say: Héllo, naïve world ☃ unaffable.\nsecond line',
    });
    editor = await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration()
      .update('modelGarden.tokenization.maxSeqLength', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('refuses a catalog model whose vocab is not downloaded and keeps the current tokenizer', async () => {
    // The worker loads tokenizers; its "vocab not in the cache" error must come back as a refusal.
    const before = api.tokenizerLabel();
    const ok = await vscode.commands.executeCommand<boolean>(
      'modelGarden.tokenization.selectTokenizer',
      'bert_zh_L-12_H-768_A-12',
    );
    assert.equal(ok, false);
    assert.equal(api.tokenizerLabel(), before);
  });

  it('decorates the selection with its tokens, [UNK] marked, ids from the vocab', async () => {
    const doc = editor.document;
    editor.selection = new vscode.Selection(0, 5, 0, doc.lineAt(0).text.length);
    await vscode.commands.executeCommand('modelGarden.tokenization.inspect');
    await api.idle();
    const tokens = api.tokens(doc.uri);
    assert.ok(tokens && tokens.length > 5, 'no tokens drawn');
    const text = doc.getText();
    const byText = (s: string) => tokens.find((t) => text.slice(t.start, t.end) === s);
    assert.equal(byText('Héllo')?.piece, 'hello');
    assert.equal(byText('naïve')?.piece, 'naive');
    assert.equal(byText('☃')?.kind, 'unk');
    for (const t of tokens) {
      assert.ok(
        t.start >= doc.offsetAt(editor.selection.start) && t.end <= doc.offsetAt(editor.selection.end),
      );
      assert.equal(t.id, vocabIds.get(t.piece), `id of ${t.piece}`);
    }
    assert.ok(tokens.some((t) => t.continuation && t.piece.startsWith('##')));
    assert.ok(tokens.every((t) => !t.overflow));
  });

  it('marks the tokens past max_seq_length (counting [CLS] and [SEP])', async () => {
    await vscode.workspace
      .getConfiguration()
      .update('modelGarden.tokenization.maxSeqLength', 5, vscode.ConfigurationTarget.Global);
    const tokens = await waitFor('the overflow marks of max_seq_length 5', async () => {
      await api.idle();
      const drawn = api.tokens(editor.document.uri);
      return drawn?.some((t) => t.overflow) ? drawn : undefined;
    });
    assert.deepEqual(
      tokens.map((t) => t.overflow),
      tokens.map((_, i) => i >= 3),
    );
  });

  it('shows piece and id on hover', async () => {
    const doc = editor.document;
    const position = doc.positionAt(doc.getText().indexOf('world') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      position,
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.ok(text.includes(`id **${vocabIds.get('world')}**`), text);
    assert.equal(api.hoverText(doc.uri, position), text.match(/\*\*`world`\*\*[\s\S]*/)?.[0]);
  });

  it('counts the selected tokens in the status bar', async () => {
    const doc = editor.document;
    const start = doc.getText().indexOf('second');
    editor.selection = new vscode.Selection(
      doc.positionAt(start),
      doc.positionAt(start + 'second line'.length),
    );
    await waitFor('the status bar to count the new selection', async () => {
      await api.idle();
      return /: 2 tokens$/.test(api.statusText() ?? '') ? true : undefined;
    }).catch(() => undefined);
    assert.match(api.statusText() ?? '', /bert_uncased_vocab\.txt \(uncased\): 2 tokens$/);
  });

  it('re-tokenizes after an edit', async () => {
    const doc = editor.document;
    await editor.edit((e) => e.insert(doc.positionAt(doc.getText().indexOf('world')), 'tokenizer '));
    const text = doc.getText();
    const tokens = await waitFor('the edited text to be tokenized', async () => {
      await api.idle();
      const drawn = api.tokens(doc.uri);
      return drawn?.some((t) => text.slice(t.start, t.end).startsWith('token')) ? drawn : undefined;
    }).catch(() => api.tokens(doc.uri)!);
    assert.ok(tokens.some((t) => text.slice(t.start, t.end) === 'world' && t.piece === 'world'));
    assert.ok(tokens.some((t) => text.slice(t.start, t.end).startsWith('token')));
  });

  it('tokenizes a large document in the worker', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'hello world\n'.repeat(5000) });
    const big = await vscode.window.showTextDocument(doc);
    big.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
    const before = api.workerStats().results;
    await vscode.commands.executeCommand('modelGarden.tokenization.inspect');
    await api.idle();
    const tokens = api.tokens(doc.uri)!;
    assert.equal(tokens.length, 10_000);
    // The tokens came from the worker: its results carry the Worker's thread id, which is not the
    // extension host's (where this test runs).
    const stats = api.workerStats();
    assert.ok(stats.results > before, 'no result came from the worker');
    assert.ok(
      stats.workerThreadId !== undefined && stats.workerThreadId !== threadId,
      String(stats.workerThreadId),
    );
    assert.deepEqual(stats.answeredBy, [stats.workerThreadId]);
    assert.equal(doc.getText().slice(tokens[9_999].start, tokens[9_999].end), 'world');
    await vscode.commands.executeCommand('modelGarden.tokenization.clear');
    assert.equal(api.tokens(doc.uri), undefined);
  });
});
