// What the editor is asked to draw: the ranges and decoration types passed to setDecorations,
// checked against token boundaries the test works out itself from the vocabulary file (greedy
// longest-match WordPiece on plain ASCII words), not against the extension's own token list.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PassedDecorations } from '../../src/vscode/tokenize/view';
import { fixture } from '../fixtures';
import { activateExtension } from './extension';
import { waitFor } from './wait';

/** WordPiece of one lower-case ASCII word: longest vocabulary prefix first, then `##` pieces. */
function wordPieces(word: string, vocab: ReadonlySet<string>): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < word.length;) {
    let end = word.length;
    while (end > start && !vocab.has((start > 0 ? '##' : '') + word.slice(start, end))) end--;
    assert.ok(end > start, `${word} has no piece at ${start}`);
    out.push({ start, end });
    start = end;
  }
  return out;
}

describe('tokenization: what is passed to setDecorations', () => {
  const text = 'hello \u{1F600} world helloable';
  let vocab: Set<string>;
  let editor: vscode.TextEditor;

  before(async function () {
    const file = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    vocab = new Set(fs.readFileSync(file, 'utf8').split('\n'));
    await activateExtension();
    assert.equal(
      await vscode.commands.executeCommand<boolean>('modelGarden.tokenization.selectTokenizer', file),
      true,
    );
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text }));
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration()
      .update('modelGarden.tokenization.maxSeqLength', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('token ranges by type, the emoji as one [UNK], continuation pieces and the ✂ marker', async () => {
    const api = (await activateExtension()).tokenization;
    // Expected tokens, from the vocabulary alone: each word split into pieces; the emoji is not in
    // the vocabulary, so it is one [UNK] over both UTF-16 units of its surrogate pair.
    assert.ok(!vocab.has('\u{1F600}'));
    const expected: { start: number; end: number; unk: boolean; continuation: boolean }[] = [];
    for (const match of text.matchAll(/\S+/gu)) {
      const word = match[0];
      if (!/^[a-z]+$/.test(word)) {
        expected.push({ start: match.index, end: match.index + word.length, unk: true, continuation: false });
        continue;
      }
      for (const piece of wordPieces(word, vocab))
        expected.push({
          start: match.index + piece.start,
          end: match.index + piece.end,
          unk: false,
          continuation: piece.start > 0,
        });
    }
    assert.ok(
      expected.some((t) => t.continuation),
      'the text has a continuation piece',
    );

    // max_seq_length 5 leaves room for 3 tokens beside [CLS] and [SEP].
    await vscode.workspace
      .getConfiguration()
      .update('modelGarden.tokenization.maxSeqLength', 5, vscode.ConfigurationTarget.Global);
    const doc = editor.document;
    editor.selection = new vscode.Selection(doc.positionAt(0), doc.positionAt(text.length));
    await vscode.commands.executeCommand('modelGarden.tokenization.inspect');
    const passed = await waitFor('the decorations with the ✂ marker', async () => {
      await api.idle();
      const drawn = api.decorationsPassed(doc.uri);
      return drawn && drawn.marker.length > 0 ? drawn : undefined;
    });

    const offsets = (name: keyof PassedDecorations) =>
      passed[name].map((r) => [doc.offsetAt(r.start), doc.offsetAt(r.end)]);
    const sorted = (list: number[][]) => [...list].sort((a, b) => a[0] - b[0]);
    assert.deepEqual(
      offsets('unk'),
      expected.filter((t) => t.unk).map((t) => [t.start, t.end]),
    );
    assert.deepEqual(
      sorted([...offsets('even'), ...offsets('odd'), ...offsets('unk')]),
      expected.map((t) => [t.start, t.end]),
    );
    // Neighbouring tokens never share a colour (the unk has its own).
    const typeAt = (start: number) =>
      (['even', 'odd', 'unk'] as const).find((n) => offsets(n).some(([s]) => s === start));
    for (let i = 1; i < expected.length; i++) {
      if (expected[i].unk || expected[i - 1].unk) continue;
      assert.notEqual(typeAt(expected[i].start), typeAt(expected[i - 1].start), `tokens ${i - 1} and ${i}`);
    }
    assert.deepEqual(
      offsets('continuation'),
      expected.filter((t) => t.continuation).map((t) => [t.start, t.end]),
    );
    assert.deepEqual(
      offsets('overflow'),
      expected.slice(3).map((t) => [t.start, t.end]),
    );
    assert.deepEqual(offsets('marker'), [[expected[3].start, expected[3].start]]);
  });
});
