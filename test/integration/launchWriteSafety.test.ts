// The wizard's write into .vscode/launch.json from inside VS Code keeps what the user set on the
// file: a private file stays private, a read-only file is refused, and a symbolic link (the file or
// `.vscode` itself) is not written through unless the user says so in a modal dialog. The test host
// refuses to show modal dialogs and says so with the dialog's text, which shows the question was
// asked (naming the link and where it leads) before anything was written.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { activateExtension } from './extension';

const ANSWERS = {
  model: 'bert_en_uncased_L-12_H-768_A-12',
  source: 'hub',
  experiment: 'bert/squad',
  mode: 'train',
  distribution: { kind: 'gpu', count: 1 },
  target: 'launch',
  modelDir: '/tmp/mg-write-safety',
  trainData: '/data/squad_train.tf_record',
  vocabFile: '',
};

const EMPTY = '{\n  "version": "0.2.0",\n  "configurations": []\n}\n';

function names(file: string): string[] {
  return (parse(fs.readFileSync(file, 'utf8')) as { configurations: { name: string }[] }).configurations.map(
    (c) => c.name,
  );
}

describe('launch.json writes from VS Code keep the file safe', () => {
  let root: string;
  let vscodeDir: string;
  let launchJson: string;
  let saved: string | undefined;
  let outside: string;

  before(async function () {
    await activateExtension();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run opens a workspace folder');
    root = folder.uri.fsPath;
    vscodeDir = path.join(root, '.vscode');
    launchJson = path.join(vscodeDir, 'launch.json');
    saved =
      fs.existsSync(launchJson) && !fs.lstatSync(launchJson).isSymbolicLink()
        ? fs.readFileSync(launchJson, 'utf8')
        : undefined;
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-link-target-'));
    fs.mkdirSync(vscodeDir, { recursive: true });
  });

  afterEach(() => {
    fs.rmSync(launchJson, { force: true });
  });

  after(() => {
    if (saved !== undefined) fs.writeFileSync(launchJson, saved);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('a 0600 launch.json is still 0600 after the entry is added', async () => {
    fs.mkdirSync(vscodeDir, { recursive: true });
    fs.writeFileSync(launchJson, EMPTY, { mode: 0o600 });
    fs.chmodSync(launchJson, 0o600);
    const result = await vscode.commands.executeCommand<{ action?: string }>('modelGarden.launch.generate', {
      ...ANSWERS,
      name: 'private',
    });
    assert.equal(result?.action, 'inserted');
    assert.deepEqual(names(launchJson), ['private']);
    assert.equal((fs.statSync(launchJson).mode & 0o777).toString(8), '600');
  });

  it('a read-only launch.json is refused and left as it was', async () => {
    fs.mkdirSync(vscodeDir, { recursive: true });
    fs.writeFileSync(launchJson, EMPTY);
    fs.chmodSync(launchJson, 0o444);
    const result = await vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...ANSWERS,
      name: 'read-only',
    });
    assert.equal(result, undefined);
    assert.equal(fs.readFileSync(launchJson, 'utf8'), EMPTY);
    assert.equal((fs.statSync(launchJson).mode & 0o777).toString(8), '444');
    fs.chmodSync(launchJson, 0o644);
  });

  it('a launch.json that is a symbolic link asks before writing through it, and writes nothing unanswered', async () => {
    const target = path.join(outside, 'shared-launch.json');
    fs.writeFileSync(target, EMPTY);
    fs.mkdirSync(vscodeDir, { recursive: true });
    fs.symlinkSync(target, launchJson);
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('modelGarden.launch.generate', { ...ANSWERS, name: 'through a link' }),
      ),
      (error: Error) =>
        error.message.includes(`${launchJson} is a symbolic link to ${fs.realpathSync(target)}`),
    );
    assert.ok(fs.lstatSync(launchJson).isSymbolicLink(), 'the link is still a link');
    assert.equal(fs.readFileSync(target, 'utf8'), EMPTY);
  });

  it('a .vscode folder that is a symbolic link out of the workspace asks before following it, and writes nothing unanswered', async () => {
    const elsewhere = path.join(outside, 'dot-vscode');
    fs.mkdirSync(elsewhere, { recursive: true });
    // Other suites keep settings and tasks in the real .vscode: set it aside, and put it back.
    const aside = `${vscodeDir}.aside`;
    fs.renameSync(vscodeDir, aside);
    try {
      fs.symlinkSync(elsewhere, vscodeDir);
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('modelGarden.launch.generate', {
            ...ANSWERS,
            name: 'through a linked folder',
          }),
        ),
        (error: Error) =>
          error.message.includes(`${vscodeDir} is a symbolic link to ${fs.realpathSync(elsewhere)}`),
      );
      assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing written outside the workspace');
    } finally {
      fs.unlinkSync(vscodeDir);
      fs.renameSync(aside, vscodeDir);
    }
  });
});
