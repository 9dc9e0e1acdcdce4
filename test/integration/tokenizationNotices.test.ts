// A catalog tokenizer whose vocab.txt is not downloaded yet is a normal state (issue #12): Select Tokenizer
// says so in an information message offering Download Tokenizer, not in an error, and keeps the current
// tokenizer. A file that is not a tokenizer is still an error.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../src/core/catalog';
import { activateExtension } from './extension';
import { waitFor } from './wait';

const MODEL = 'bert_zh_L-12_H-768_A-12';

describe('tokenizer messages', () => {
  let empty: string;
  before(async () => {
    // An empty model cache: nothing of MODEL is downloaded, whatever earlier suites fetched.
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-it-empty-cache-'));
    await vscode.workspace
      .getConfiguration('modelGarden')
      .update('cache.location', empty, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace
      .getConfiguration('modelGarden')
      .update('cache.location', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('a catalog vocab not downloaded yet is an information message offering Download Tokenizer', async () => {
    const { tokenization } = await activateExtension();
    // The active tokenizer (the default one, named once the start-up load chose it).
    const label = await waitFor('a tokenizer label', () => tokenization.tokenizerLabel());
    const seen = tokenization.notices().length;
    const ok = await vscode.commands.executeCommand<boolean>(
      'modelGarden.tokenization.selectTokenizer',
      MODEL,
    );
    assert.equal(ok, false);
    assert.equal(tokenization.tokenizerLabel(), label, 'the current tokenizer changed');
    const shown = tokenization.notices().slice(seen);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0].kind, 'information');
    assert.ok(
      shown[0].message.startsWith(`${findModel(MODEL)!.name}: its vocab.txt is not in the model cache yet`),
    );
    assert.deepEqual(shown[0].buttons, ['Download Tokenizer', 'Select Tokenizer…']);
  });

  it('a file that is not a tokenizer is an error', async () => {
    const { tokenization } = await activateExtension();
    const file = path.join(empty, 'not-a-vocab.model');
    fs.writeFileSync(file, 'this is not a SentencePiece model');
    const seen = tokenization.notices().length;
    const ok = await vscode.commands.executeCommand<boolean>(
      'modelGarden.tokenization.selectTokenizer',
      file,
    );
    assert.equal(ok, false);
    const shown = tokenization.notices().slice(seen);
    assert.deepEqual(
      shown.map((n) => n.kind),
      ['error'],
    );
    assert.match(shown[0].message, /^Tokenization failed: .*not-a-vocab\.model/);
  });
});
