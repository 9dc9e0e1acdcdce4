import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PanelState } from '../../src/webview/inference/protocol';
import { fixture } from '../fixtures';
import { referenceForward, referenceMaskedLm } from '../support/referenceEncoder';
import { readTinyBert } from '../support/tinyBert';
import { assertStrictCsp } from './csp';
import { selectText } from './editor';
import { activateExtension } from './extension';

const TEXT = 'all work and [MASK] play makes jack a dull boy';

describe('inference panel (Run Model on Selection)', function () {
  let dir: string;
  let tmp: string;
  before(async function () {
    dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-inference-it-'));
    await activateExtension();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('on a first run with no model offers checkpoints instead of an error or a missing-head message', async function () {
    // Earlier suites ran models (Run Model with This Checkpoint): start from no chosen model.
    await (await activateExtension()).inference.forgetModel();
    await selectText(TEXT);
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection');
    assert.ok(state, 'the command returned no state');
    assert.equal(state.model, undefined);
    assert.equal(state.error, undefined, state.error);
    assert.ok(Array.isArray(state.choices), 'no model choices were offered');
    assert.equal(state.fillMask, undefined);
    assert.equal(state.text, TEXT, 'the selection is kept for when a model is chosen');
  });

  it('opens beside the editor on a selection and shows the tiny BERT fill-mask result of the reference', async function () {
    const api = await activateExtension();
    await selectText(TEXT);
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint: dir,
    });
    assert.ok(state, 'the command returned no state');
    assert.equal(state.error, undefined, state.error);
    assert.deepEqual(api.inference.lastState(), state);
    const webview = api.inference.panelWebview();
    assert.ok(webview, 'no panel is open');
    assertStrictCsp(webview.html, webview.cspSource);
    const { weights, vocab } = readTinyBert(dir);
    const ids = state.tokens!.map((t) => t.id);
    assert.deepEqual(
      ids.map((id) => vocab[id]),
      ['[CLS]', 'all', 'work', 'and', '[MASK]', 'play', 'makes', 'jack', 'a', 'dull', 'boy', '[SEP]'],
    );
    const ref = referenceForward(weights, { ids });
    const logits = referenceMaskedLm(weights, ref.sequence[4]!);
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const answer = state.fillMask![0]!;
    assert.equal(answer.position, 4);
    for (const c of answer.candidates) {
      assert.ok(
        Math.abs(c.prob - exps[c.id]! / total) < 1e-5,
        `${c.token}: ${c.prob} vs ${exps[c.id]! / total}`,
      );
    }
    assert.match(state.model!.backend, /^(wasm|cpu|tensorflow)/);
    // The bundled wasm binaries are present: no fallback warning, and the status bar names the backend.
    assert.equal(state.model!.backendWarning, undefined);
    // With wasm, the encoder layers run on the bundled WebAssembly kernels (dist/wasm/mg-kernels.wasm).
    if (state.model!.backend.startsWith('wasm')) assert.match(state.model!.backend, /, own kernels\)$/);
    const status = api.inference.backendStatus();
    const [first, ...skipped] = status?.tooltip.split('\n') ?? [];
    assert.deepEqual(
      { ...status, tooltip: first },
      {
        text: `$(pulse) TF.js: ${state.model!.backend}`,
        tooltip: `Model Garden inference runs on ${state.model!.backend} (setting modelGarden.inference.backend).`,
        warning: false,
      },
    );
    // Without tfjs-node, the status bar and the panel say why it was skipped.
    if (!state.model!.backend.startsWith('tensorflow')) {
      assert.match(skipped.join('\n'), /^Skipped tensorflow: .*not installed.*Install Native Backend/);
      assert.equal(state.model!.backendSkipped, skipped.join('\n'));
    }
    assert.equal(state.choices, undefined, 'the first-run choices are gone once a model runs');
    // Special tokens are marked, so that the panel can leave them out (and show them on request).
    const flagged = new Map(answer.candidates.map((c) => [c.token, c.special]));
    for (const special of ['[UNK]', '[SEP]', '[MASK]', '[CLS]', '[PAD]']) {
      if (flagged.has(special)) assert.equal(flagged.get(special), true, special);
    }
    assert.ok(
      answer.candidates.filter((c) => !c.special).length >= 10,
      'ten candidates remain once special tokens are left out',
    );
    assert.ok(
      answer.candidates.some((c) => c.special),
      'the tiny vocabulary has special candidates',
    );
    assert.ok(state.attention && state.attention.focus.length === 2 * 4);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const panelTab = tabs.find(
      (t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Model Garden'),
    );
    assert.ok(panelTab, 'no panel tab');
    assert.notEqual(panelTab.group.viewColumn, vscode.ViewColumn.One, 'the panel opens beside the editor');
  });

  it('a backend set by name that cannot start is an error in the panel and the status bar, not a downgrade', async function () {
    const api = await activateExtension();
    const extensionPath = vscode.extensions.getExtension('model-garden-nlp.model-garden-nlp')!.extensionPath;
    let tfjsNode = true;
    try {
      require.resolve('@tensorflow/tfjs-node', { paths: [path.join(extensionPath, 'dist')] });
    } catch {
      tfjsNode = false;
    }
    const config = vscode.workspace.getConfiguration('modelGarden.inference');
    const settled = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(ok(), what);
    };
    await config.update('backend', 'tensorflow', vscode.ConfigurationTarget.Global);
    try {
      await settled(
        'the setting change reached the extension',
        () => api.inference.backendStatus() === undefined,
      );
      await selectText('hello world');
      const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
        checkpoint: dir,
      });
      const status = api.inference.backendStatus();
      if (tfjsNode) {
        // Installed here: it must really be the one running.
        assert.equal(state?.error, undefined, state?.error);
        assert.match(state?.model?.backend ?? '', /^tensorflow/);
      } else {
        assert.match(
          state?.error ?? '',
          /The "tensorflow" backend could not start: @tensorflow\/tfjs-node is not installed/,
        );
        assert.equal(status?.text, '$(error) TF.js: no backend');
        assert.match(status?.tooltip ?? '', /"tensorflow" backend could not start/);
      }
    } finally {
      await config.update('backend', undefined, vscode.ConfigurationTarget.Global);
    }
    await settled(
      'the setting reset reached the extension',
      () => api.inference.backendStatus() === undefined,
    );
    const again = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint: dir,
      text: TEXT,
    });
    assert.equal(again?.error, undefined, again?.error);
    assert.match(api.inference.backendStatus()?.text ?? '', /^\$\(pulse\) TF\.js: /);
  });

  it('Compare with… gives cosine 1 for the same text and less for another one', async function () {
    const api = await activateExtension();
    const same = await api.inference.compareWith(TEXT);
    assert.equal(same?.error, undefined, same?.error);
    assert.ok(Math.abs(same!.embedding!.compare!.cosinePooled! - 1) < 1e-5);
    assert.ok(Math.abs(same!.embedding!.compare!.cosineMean - 1) < 1e-5);
    assert.equal(same!.tab, 'embedding');
    const other = await api.inference.compareWith('jack makes no play');
    assert.ok(
      other!.embedding!.compare!.cosineMean < 0.999999,
      String(other!.embedding!.compare!.cosineMean),
    );
    assert.equal(other!.embedding!.compare!.text, 'jack makes no play');
  });

  it('a corrupt checkpoint shows an error in the panel and the extension keeps working', async function () {
    const api = await activateExtension();
    const bad = path.join(tmp, 'broken');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'model.ckpt.index'), 'not a tensorflow index');
    fs.writeFileSync(path.join(bad, 'model.ckpt.data-00000-of-00001'), Buffer.alloc(8));
    await selectText(TEXT);
    const failed = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint: bad,
    });
    assert.match(failed?.error ?? '', /model\.ckpt\.index/);
    // In the user's words, with what to do, and the engine's text kept as detail.
    assert.doesNotMatch(failed!.error!, /naming|bad-magic/);
    assert.match(failed?.errorAction ?? '', /Choose Model…/);
    assert.match(failed?.errorDetail ?? '', /model\.ckpt\.index/);
    // Nothing of the previous model's run stays under the error, and no model is named as loaded.
    assert.equal(failed?.model, undefined, 'the header still names the previous model');
    for (const key of ['tokens', 'fillMask', 'embedding', 'attention', 'heads'] as const)
      assert.equal(failed?.[key], undefined, `${key} from the previous run is still shown`);
    const good = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint: dir,
    });
    assert.equal(good?.error, undefined);
    assert.equal(good?.fillMask?.[0]?.position, 4);
    assert.deepEqual(api.inference.lastState(), good);
  });

  it('runs the next-sentence head on the selection split after its first sentence', async function () {
    await selectText('all work and no play. makes jack a dull boy.');
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint: dir,
    });
    assert.equal(state?.error, undefined, state?.error);
    assert.ok(state?.model?.heads.includes('nextSentence'), 'the tiny BERT has a next-sentence head');
    const ns = state?.heads?.nextSentence;
    assert.ok(ns, 'the Heads tab has no next-sentence result');
    assert.equal(ns.first, 'all work and no play.');
    assert.equal(ns.second, 'makes jack a dull boy.');
    assert.ok(ns.isNext > 0 && ns.isNext < 1, String(ns.isNext));

    await selectText('all work and no play makes jack a dull boy');
    const single = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection');
    assert.equal(single?.heads?.nextSentence, undefined, 'one sentence has no pair to judge');
  });

  it('says in user words that a SavedModel of another kind is not an encoder', async function () {
    const other = fixture(this, 'rust_regression_model_tf1');
    await selectText(TEXT);
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint: other,
    });
    assert.match(
      state?.error ?? '',
      /The SavedModel “rust_regression_model_tf1” is a TensorFlow checkpoint, but not of a BERT, ALBERT or ELECTRA encoder/,
    );
    assert.doesNotMatch(state!.error!, /naming|num_attention_heads/);
    assert.match(state?.errorDetail ?? '', /naming unknown/, 'the engine text is kept as detail');
    assert.equal(state?.model, undefined);
    assert.equal(state?.tokens, undefined);
  });
});
