// Special tokens typed in the text are drawn as Run Model treats them ([MASK] kept whole, [CLS]/[SEP]
// split as text) and the hover says so; the status bar item is there without a selection change.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture } from '../fixtures';
import { activateExtension } from './extension';

describe('tokenization of typed special tokens', () => {
  before(async function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    await activateExtension();
    assert.equal(
      await vscode.commands.executeCommand('modelGarden.tokenization.selectTokenizer', vocab),
      true,
    );
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the token count item without waiting for a selection change', async () => {
    const { tokenization } = await activateExtension();
    await tokenization.idle();
    assert.match(tokenization.statusText() ?? '', /\$\(symbol-key\)/);
  });

  it('draws a typed [MASK] as one mask token and a typed [CLS] as text, with hovers saying why', async () => {
    const { tokenization } = await activateExtension();
    const text = 'all work and [MASK] play [CLS] here';
    const doc = await vscode.workspace.openTextDocument({ content: text });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    await vscode.commands.executeCommand('modelGarden.tokenization.inspect');
    await tokenization.idle();
    const tokens = tokenization.tokens(doc.uri) ?? [];
    const masks = tokens.filter((t) => t.kind === 'mask');
    assert.equal(masks.length, 1, tokens.map((t) => t.piece).join(' '));
    assert.equal(text.slice(masks[0].start, masks[0].end), '[MASK]');
    assert.ok(!tokens.some((t) => t.piece === '[CLS]'), 'a typed [CLS] became the special token');
    const cls = text.indexOf('[CLS]');
    const inCls = tokens.filter((t) => t.start >= cls && t.end <= cls + 5);
    assert.ok(inCls.length >= 3 && inCls.every((t) => t.literal === '[CLS]'));
    const maskHover = tokenization.hoverText(doc.uri, doc.positionAt(masks[0].start + 1)) ?? '';
    assert.match(maskHover, /mask token/);
    assert.match(maskHover, /Run Model/);
    const clsHover = tokenization.hoverText(doc.uri, doc.positionAt(cls + 1)) ?? '';
    assert.match(clsHover, /typed `\[CLS\]`/);
  });
});
