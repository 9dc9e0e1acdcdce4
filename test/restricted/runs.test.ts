// Restricted Mode: the Training Runs view reads no event file — not the workspace's, not the
// model_dirs named by workspace settings or launch configurations, not the user's folders — and
// the Curves panel neither opens nor comes back after a reload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scalarEvent, writeEventFile } from '../support/eventWriter';
import { activateExtension } from '../integration/extension';

const SETTING = 'modelGarden.runs.folders';

async function until(fn: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

describe('restricted mode: training runs', () => {
  const created: string[] = [];
  let outside: string;
  let inWorkspace: string;
  let settingsFile: string;

  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the run opens a workspace folder');
    const root = folder.uri.fsPath;
    // A model_dir outside the workspace, named by the workspace settings and a launch configuration.
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-restricted-runs-'));
    created.push(outside);
    fs.mkdirSync(path.join(outside, 'train'));
    writeEventFile(path.join(outside, 'train', 'events.out.tfevents.1700000000.h.1.v2'), [
      scalarEvent(1, 'training_loss', 2),
    ]);
    // And event files in the workspace itself.
    inWorkspace = path.join(root, 'restricted-job');
    created.push(inWorkspace);
    fs.mkdirSync(path.join(inWorkspace, 'train'), { recursive: true });
    writeEventFile(path.join(inWorkspace, 'train', 'events.out.tfevents.1700000000.h.1.v2'), [
      scalarEvent(1, 'training_loss', 3),
    ]);
    fs.mkdirSync(path.join(root, '.vscode'), { recursive: true });
    settingsFile = path.join(root, '.vscode', 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ [SETTING]: [outside] }));
    fs.writeFileSync(
      path.join(root, '.vscode', 'launch.json'),
      JSON.stringify({
        version: '0.2.0',
        configurations: [
          {
            name: 'train',
            type: 'debugpy',
            request: 'launch',
            program: 'train.py',
            args: ['--mode=train', `--model_dir=${outside}`],
          },
        ],
      }),
    );
    created.push(settingsFile, path.join(root, '.vscode', 'launch.json'));
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update(SETTING, undefined, vscode.ConfigurationTarget.Global);
    for (const p of created) fs.rmSync(p, { recursive: true, force: true });
  });

  it('reads no run folder from workspace settings, launch configurations, the workspace or the user', async () => {
    const { runs } = await activateExtension();
    assert.equal(vscode.workspace.isTrusted, false);
    // The user's own folder list too: in Restricted Mode nothing is read at all.
    await vscode.workspace.getConfiguration().update(SETTING, [outside], vscode.ConfigurationTarget.Global);
    // VS Code has seen the workspace settings file (the value is there, ignored in Restricted Mode).
    await until(() => {
      const inspected = vscode.workspace.getConfiguration().inspect<string[]>(SETTING);
      return inspected?.workspaceValue !== undefined || inspected?.globalValue !== undefined;
    });
    const polls: string[] = [];
    const counting = runs.provider.onDidPoll((p) => polls.push(p.root));
    try {
      assert.deepEqual(await runs.refresh(), []);
      assert.deepEqual(await vscode.commands.executeCommand('modelGarden.runs.refresh'), []);
      assert.deepEqual(await runs.provider.getChildren(), []);
      assert.match(String(runs.view.message), /not read in Restricted Mode/);
      // Opening curves on either folder (by path, as a command argument) is refused.
      for (const dir of [outside, inWorkspace]) {
        assert.equal(await vscode.commands.executeCommand('modelGarden.runs.openCurves', dir), undefined);
        assert.equal(await runs.openCurves(dir), undefined);
      }
      assert.equal(runs.curvesPanel(), undefined);
      // A Curves panel VS Code restores after a reload is closed without reading its folders.
      const restored = vscode.window.createWebviewPanel(
        'modelGarden.curves',
        'Curves',
        vscode.ViewColumn.Active,
        {},
      );
      let closed = false;
      restored.onDidDispose(() => (closed = true));
      assert.equal(await runs.reviveCurves(restored, { roots: [outside, inWorkspace] }), undefined);
      assert.ok(closed, 'the restored panel was closed');
      assert.equal(runs.curvesPanel(), undefined);
      // A file growing in the workspace wakes nothing either (no watcher, no poll).
      writeEventFile(path.join(inWorkspace, 'train', 'events.out.tfevents.1700000001.h.1.v2'), [
        scalarEvent(2, 'training_loss', 1),
      ]);
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      counting.dispose();
    }
    assert.deepEqual(polls, [], 'no model_dir was read');
    assert.deepEqual(runs.provider.roots, []);
  });
});
